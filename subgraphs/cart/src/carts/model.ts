import { Schema, type Connection, type Model } from 'mongoose';

export interface CartLine {
  productId: string;
  quantity: number;
}

/** One cart per user, keyed by the user's id. `version` guards read-modify-write updates. */
export interface CartRecord {
  _id: string;
  items: CartLine[];
  version: number;
  updatedAt: Date;
}

export type CartModel = Model<CartRecord>;

/** How the cart subgraph holds a User it does not own: by key only. */
export interface UserReference {
  id: string;
}

/** A cart line with its product, as the `CartItem` resolvers see it. */
export interface CartItemView {
  product: import('../products/model').Product;
  quantity: number;
}

/** A cart as resolvers and the cache see it. */
export interface Cart {
  userId: string;
  items: CartLine[];
}

const cartSchema = new Schema<CartRecord>(
  {
    _id: { type: String, required: true },
    items: {
      type: [
        new Schema<CartLine>(
          { productId: { type: String, required: true }, quantity: { type: Number, required: true, min: 1 } },
          { _id: false },
        ),
      ],
      default: () => [],
    },
    version: { type: Number, default: 0 },
  },
  { collection: 'carts', timestamps: { createdAt: false, updatedAt: true }, strict: 'throw' },
);

export function cartModel(connection: Connection): CartModel {
  return (connection.models.Cart as CartModel | undefined) ?? connection.model<CartRecord>('Cart', cartSchema);
}

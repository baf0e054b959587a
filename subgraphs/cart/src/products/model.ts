import { Schema, type Connection, type Model, type Types } from 'mongoose';

/**
 * A stored product. Money is integer cents. `stock` is a copy of the latest stock movement (see
 * ../stock): the movements decide what may be sold, the copy serves reads.
 */
export interface ProductRecord {
  name: string;
  description: string;
  priceCents: number;
  currency: string;
  stock: number;
  /** Version of the movement `stock` was copied from (0: none yet, `stock` is the opening stock). */
  stockVersion: number;
  createdAt: Date;
  updatedAt: Date;
}

export type ProductModel = Model<ProductRecord>;

/** A product as resolvers and the cache see it. */
export interface Product {
  id: string;
  name: string;
  description: string;
  priceCents: number;
  currency: string;
  stock: number;
}

export function toProduct(record: ProductRecord & { _id: Types.ObjectId }): Product {
  return {
    id: String(record._id),
    name: record.name,
    description: record.description,
    priceCents: record.priceCents,
    currency: record.currency,
    stock: record.stock,
  };
}

const productSchema = new Schema<ProductRecord>(
  {
    name: { type: String, required: true, maxlength: 200 },
    description: { type: String, default: '', maxlength: 5_000 },
    priceCents: { type: Number, required: true, min: 0, validate: Number.isInteger },
    currency: { type: String, required: true, match: /^[A-Z]{3}$/ },
    stock: { type: Number, required: true, min: 0, validate: Number.isInteger },
    stockVersion: { type: Number, default: 0 },
  },
  { timestamps: true, collection: 'products', strict: 'throw' },
);

export function productModel(connection: Connection): ProductModel {
  return (connection.models.Product as ProductModel | undefined) ?? connection.model<ProductRecord>('Product', productSchema);
}

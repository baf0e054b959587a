import { Schema, type Connection, type HydratedDocument, type Model } from 'mongoose';

/** A stored product. Money is integer cents, never floating point. */
export interface ProductRecord {
  name: string;
  description: string;
  priceCents: number;
  currency: string;
  stock: number;
  createdAt: Date;
  updatedAt: Date;
}

export type ProductDocument = HydratedDocument<ProductRecord>;
export type ProductModel = Model<ProductRecord>;

const productSchema = new Schema<ProductRecord>(
  {
    name: { type: String, required: true, maxlength: 200 },
    description: { type: String, default: '', maxlength: 5_000 },
    priceCents: { type: Number, required: true, min: 0, validate: Number.isInteger },
    currency: { type: String, required: true, match: /^[A-Z]{3}$/ },
    stock: { type: Number, required: true, min: 0, validate: Number.isInteger },
  },
  { timestamps: true, collection: 'products', strict: 'throw' },
);

export function productModel(connection: Connection): ProductModel {
  return (connection.models.Product as ProductModel | undefined) ?? connection.model<ProductRecord>('Product', productSchema);
}

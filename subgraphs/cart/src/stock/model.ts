import { Schema, type Connection, type Model } from 'mongoose';

/**
 * One change of a product's stock, numbered per product. The unique (productId, version) index
 * is what makes selling safe: two checkouts racing for the last unit both try to write the next
 * version, and only one insert can succeed, on MongoDB and on FerretDB alike (FerretDB v1 does
 * not apply concurrent updates of one document atomically, so a conditional `$inc` could
 * oversell there). The `_id` names the movement's cause (`<orderId>:<productId>:take`), so
 * repeating a checkout can never take stock twice.
 */
export interface StockMovementRecord {
  _id: string;
  productId: string;
  version: number;
  /** Stock after this movement. */
  stock: number;
  delta: number;
  reason: 'opening' | 'restock' | 'take' | 'release';
  orderId: string | null;
  createdAt: Date;
}

export type StockMovementModel = Model<StockMovementRecord>;

const movementSchema = new Schema<StockMovementRecord>(
  {
    _id: { type: String, required: true },
    productId: { type: String, required: true },
    version: { type: Number, required: true },
    stock: { type: Number, required: true, min: 0 },
    delta: { type: Number, required: true },
    reason: { type: String, required: true, enum: ['opening', 'restock', 'take', 'release'] },
    orderId: { type: String, default: null },
  },
  { collection: 'stock_movements', timestamps: { createdAt: true, updatedAt: false }, strict: 'throw' },
);
movementSchema.index({ productId: 1, version: 1 }, { unique: true, name: 'product_version_unique' });

export function stockMovementModel(connection: Connection): StockMovementModel {
  return (
    (connection.models.StockMovement as StockMovementModel | undefined) ??
    connection.model<StockMovementRecord>('StockMovement', movementSchema)
  );
}

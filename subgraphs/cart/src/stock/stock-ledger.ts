import { errors } from '@supergraph/subgraph';
import type { ProductModel } from '../products/model';
import type { StockMovementModel, StockMovementRecord } from './model';

export type MoveResult = 'applied' | 'already-applied' | 'insufficient' | 'unknown-product';

/** Stock kept as a numbered chain of movements per product (see ./model). */
export interface StockLedger {
  /** Whether a movement was applied. */
  has(movementId: string): Promise<boolean>;
  /** Current stock and version of a product, or null for an unknown product. */
  current(productId: string): Promise<{ version: number; stock: number } | null>;
  /**
   * Applies one movement. `movementId` names its cause, so applying the same movement twice is
   * harmless. A movement that would take stock below zero is refused.
   */
  move(movement: {
    movementId: string;
    productId: string;
    delta: number;
    reason: StockMovementRecord['reason'];
    orderId?: string;
  }): Promise<MoveResult>;
}

const MAX_ATTEMPTS = 50;

function isDuplicateKey(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 11000;
}

export function createStockLedger(movements: StockMovementModel, products: ProductModel): StockLedger {
  const current = async (productId: string) => {
    const latest = await movements.findOne({ productId }, { version: 1, stock: 1 }).sort({ version: -1 }).lean();
    if (latest) return { version: latest.version, stock: latest.stock };
    // No movement yet: the product's own stock is the opening stock, version 0.
    const product = await products.findById(productId, { stock: 1 }).lean();
    return product ? { version: 0, stock: product.stock } : null;
  };

  /**
   * Copies the newest stock onto the product for reads. Writers may finish out of order, and
   * FerretDB may lose one of two concurrent updates, so each writer checks the copy afterwards
   * and writes again until it is at least as new as the chain it saw.
   */
  const syncProduct = async (productId: string) => {
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const latest = await movements.findOne({ productId }, { version: 1, stock: 1 }).sort({ version: -1 }).lean();
      if (!latest) return;
      await products.updateOne(
        { _id: productId, stockVersion: { $lt: latest.version } },
        { $set: { stock: latest.stock, stockVersion: latest.version } },
      );
      const copy = await products.findById(productId, { stockVersion: 1 }).lean();
      if (!copy || copy.stockVersion >= latest.version) return;
    }
  };

  return {
    current,
    has: async (movementId) => (await movements.exists({ _id: movementId })) !== null,
    async move({ movementId, productId, delta, reason, orderId }) {
      for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
        if (await movements.exists({ _id: movementId })) return 'already-applied';
        const now = await current(productId);
        if (!now) return 'unknown-product';
        const stock = now.stock + delta;
        if (stock < 0) return 'insufficient';
        try {
          await movements.create({
            _id: movementId,
            productId,
            version: now.version + 1,
            stock,
            delta,
            reason,
            orderId: orderId ?? null,
          });
          await syncProduct(productId);
          return 'applied';
        } catch (error) {
          // Another movement took this version (or this very movement landed meanwhile): retry.
          if (!isDuplicateKey(error)) throw error;
        }
      }
      // A pending checkout resumes where it stopped when retried with the same key.
      throw errors.conflict('This product is in high demand right now: try again.', { reason: 'CONTENDED', productId });
    },
  };
}

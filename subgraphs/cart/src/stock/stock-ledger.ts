import { setTimeout as sleep } from 'node:timers/promises';
import { errors } from '@supergraph/subgraph';
import type { ProductModel } from '../products/model';
import type { StockMovementModel, StockMovementRecord } from './model';

/** `deadline`: the movement was not applied because its deadline passed first. */
export type MoveResult = 'applied' | 'already-applied' | 'insufficient' | 'unknown-product' | 'deadline';

/** Options of {@link StockLedger.move}. */
export interface MoveOptions {
  /**
   * Apply the movement only while this has not expired: checked before every insert, so no
   * movement is written once it says so (a take for a checkout nobody waits for). With it,
   * a contended movement keeps trying until it expires; without it, it gives up after a bounded
   * number of tries with CONFLICT (`CONTENDED`).
   */
  deadline?: { expired(): boolean };
}

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
  move(
    movement: {
      movementId: string;
      productId: string;
      delta: number;
      reason: StockMovementRecord['reason'];
      orderId?: string;
    },
    options?: MoveOptions,
  ): Promise<MoveResult>;
}

const MAX_ATTEMPTS = 50;
/** Longest pause after losing a race for a version, so racing writers spread out instead of re-reading in step. */
const MAX_BACKOFF_MS = 25;

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
   * FerretDB may apply a stale writer's update after a newer one (it does not isolate updates of
   * one document), so each writer checks the copy against the newest movement after its own
   * write and writes again until they match: whoever wrote last also checked last.
   */
  const syncProduct = async (productId: string) => {
    for (let attempt = 0; attempt < 10; attempt += 1) {
      const latest = await movements.findOne({ productId }, { version: 1, stock: 1 }).sort({ version: -1 }).lean();
      if (!latest) return;
      const copy = await products.findById(productId, { stockVersion: 1 }).lean();
      if (!copy || copy.stockVersion >= latest.version) return;
      await products.updateOne(
        { _id: productId, stockVersion: { $lt: latest.version } },
        { $set: { stock: latest.stock, stockVersion: latest.version } },
      );
    }
  };

  return {
    current,
    has: async (movementId) => (await movements.exists({ _id: movementId })) !== null,
    async move({ movementId, productId, delta, reason, orderId }, options = {}) {
      const { deadline } = options;
      for (let attempt = 0; deadline || attempt < MAX_ATTEMPTS; attempt += 1) {
        if (await movements.exists({ _id: movementId })) return 'already-applied';
        if (deadline?.expired()) return 'deadline';
        const now = await current(productId);
        if (!now) return 'unknown-product';
        const stock = now.stock + delta;
        if (stock < 0) return 'insufficient';
        // Checked again right before the write: the reads above take time under contention.
        if (deadline?.expired()) return 'deadline';
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
          await sleep(Math.random() * Math.min(MAX_BACKOFF_MS, 2 ** attempt));
        }
      }
      // Only movements without a deadline get here (restocks, releases): their callers retry
      // (a release left undone is finished by the checkout's retry or the reclaim task).
      throw errors.conflict('This product is in high demand right now: try again.', { reason: 'CONTENDED', productId });
    },
  };
}

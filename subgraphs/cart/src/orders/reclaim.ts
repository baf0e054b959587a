import type { Logger } from '@supergraph/logger';
import type { OrderModel } from './model';
import { deadlineOf, type OrderSettlement, type StoredOrder } from './settlement';

/** The reclaim task's settings; names match the config variables. */
export interface ReclaimSettings {
  /**
   * How long after its deadline a pending order is finished: the margin for clocks that differ
   * between hosts and a take already on the wire when its deadline passed.
   */
  ORDER_RECLAIM_AFTER_MS: number;
}

/** What one run did. */
export interface ReclaimResult {
  /** Pending orders past their deadline and the margin, looked at. */
  looked: number;
  /** Completed: every unit was taken before its checkout stopped, or it was decided placed. */
  placed: number;
  /** Closed as expired or failed, after giving back what they held. */
  closed: number;
  /** Units of stock given back by this run. */
  unitsReleased: number;
  /** Orders this run could not finish (left pending for the next run). */
  errors: number;
}

/**
 * Finishes orders whose checkout stopped midway (its process died, or nobody retried it): each
 * pending order past its deadline plus ORDER_RECLAIM_AFTER_MS, when no attempt can still be
 * taking stock for it. One that holds all its stock, or was decided placed, is completed (its
 * confirmation goes out); any other expires, and what it took goes back. Every step is
 * repeatable and the outcome is decided once, so runs in several workers at once, or a run after
 * one that crashed midway, give back each unit exactly once.
 */
export function createOrderReclaim(deps: {
  orders: OrderModel;
  settlement: OrderSettlement;
  logger: Logger;
  settings: ReclaimSettings;
  /** Pending orders read per query. @defaultValue 100 */
  batchSize?: number;
}) {
  const { orders, settlement, logger, settings } = deps;
  const batchSize = deps.batchSize ?? 100;
  if (!Number.isInteger(settings.ORDER_RECLAIM_AFTER_MS) || settings.ORDER_RECLAIM_AFTER_MS < 0) {
    throw new TypeError(`ORDER_RECLAIM_AFTER_MS must be a whole number of ms, got ${settings.ORDER_RECLAIM_AFTER_MS}`);
  }

  const finish = async (order: StoredOrder, result: ReclaimResult) => {
    const orderId = String(order._id);
    const outcome =
      (await settlement.outcomeOf(orderId)) ??
      (
        await settlement.decide(orderId, {
          outcome: (await settlement.allTaken(order)) ? 'placed' : 'expired',
          failure: null,
        })
      ).outcome;
    if (outcome.outcome === 'placed') {
      const placed = await settlement.place(order);
      await settlement.invalidate(order);
      await settlement.publish(placed);
      result.placed += 1;
      return;
    }
    result.unitsReleased += await settlement.release(order);
    await settlement.close(order, outcome);
    await settlement.invalidate(order);
    result.closed += 1;
  };

  return {
    /** Finishes every pending order due by `now`, a batch at a time. */
    async run(now = Date.now()): Promise<ReclaimResult> {
      const cutoff = now - settings.ORDER_RECLAIM_AFTER_MS;
      const result: ReclaimResult = { looked: 0, placed: 0, closed: 0, unitsReleased: 0, errors: 0 };
      const seen = new Set<string>();
      for (;;) {
        // An order's deadline is never before its creation, so this finds every due order (and
        // a few whose checkout had a longer budget, skipped below until they are due).
        const batch = await orders
          .find({ status: 'pending', createdAt: { $lt: new Date(cutoff) } })
          .sort({ createdAt: 1 })
          .limit(batchSize)
          .lean<StoredOrder[]>();
        let fresh = 0;
        for (const order of batch) {
          if (seen.has(String(order._id))) continue;
          seen.add(String(order._id));
          fresh += 1;
          if (deadlineOf(order) >= cutoff) continue;
          result.looked += 1;
          try {
            await finish(order, result);
          } catch (error) {
            result.errors += 1;
            logger.warn(
              { orderId: String(order._id), err: error instanceof Error ? error.message : String(error) },
              'order reclaim: could not finish the order, left for the next run',
            );
          }
        }
        // Finished orders are no longer pending, so the next query reads further; one that
        // brings nothing new (only skipped or failing orders) ends the run.
        if (batch.length < batchSize || fresh === 0) break;
      }
      if (result.looked > 0) logger.info(result, 'order reclaim finished abandoned checkouts');
      return result;
    },
  };
}

export type OrderReclaim = ReturnType<typeof createOrderReclaim>;

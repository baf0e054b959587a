import type { Connection } from 'mongoose';
import { createEffectLog, type EffectLog } from '@supergraph/outbox';

/**
 * A record of what was delivered, so a job that runs again (a retry after a crash, a duplicate)
 * does not send twice: the outbox's effect log, for emails. The record is written right after
 * the SMTP server accepts the message: only a crash in between those two steps could repeat one.
 */
export function createDeliveryLog(connection: Connection): EffectLog {
  return createEffectLog({ connection, modelName: 'Delivery', collection: 'deliveries' });
}

export type DeliveryLog = EffectLog;

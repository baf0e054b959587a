export { outboxEvent, outboxField, type OutboxEvent } from './outbox-event';
export { createEffectLog, type EffectLog, type EffectLogOptions, type EffectRecords } from './effect-log';
export type { OutboxJobData, OutboxRoute, OutboxSource } from './outbox-routes';
export type { PendingEvent } from './outbox-store';
export type { SweepResult } from './sweep-due-events';
export type { ScanResult } from './scan-sources';
export { createOutboxRelay, type OutboxRelay, type OutboxRelayOptions, type OutboxSettings } from './create-outbox-relay';

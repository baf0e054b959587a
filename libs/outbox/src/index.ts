export { outboxEvent, outboxField, type OutboxEvent } from './outbox-event';
export {
  createOutboxRelay,
  type OutboxJobData,
  type OutboxRelay,
  type OutboxRelayOptions,
  type OutboxRoute,
  type OutboxSource,
} from './create-outbox-relay';

import {
  MongoClientClosedError,
  MongoNetworkError,
  MongoNotConnectedError,
  MongoServerClosedError,
  MongoServerError,
  MongoServerSelectionError,
  MongoTopologyClosedError,
} from 'mongodb';

/** Server answers that mean "not now" (shutting down, stepping down, unreachable), not "wrong". */
const UNAVAILABLE_CODES = new Set([
  6, // HostUnreachable
  7, // HostNotFound
  89, // NetworkTimeout
  91, // ShutdownInProgress
  189, // PrimarySteppedDown
  9001, // SocketException
  10107, // NotWritablePrimary
  11600, // InterruptedAtShutdown
  11602, // InterruptedDueToReplStateChange
  13435, // NotPrimaryNoSecondaryOk
  13436, // NotPrimaryOrSecondary
]);

/** Driver errors known by name only (not exported): a paused pool, a full one, mongoose's first connect. */
const UNAVAILABLE_NAMES = new Set(['MongoPoolClearedError', 'MongoWaitQueueTimeoutError', 'MongooseServerSelectionError']);

/**
 * Whether `error` (one error, not its causes) says MongoDB could not be reached or could not
 * serve right now: no server selectable, a network failure, a pool cleared or saturated, a
 * server shutting down or stepping down. A retry later may succeed; the request was not wrong.
 */
export function isMongoUnavailableError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (
    error instanceof MongoServerSelectionError ||
    error instanceof MongoNetworkError ||
    error instanceof MongoTopologyClosedError ||
    error instanceof MongoNotConnectedError ||
    error instanceof MongoServerClosedError ||
    error instanceof MongoClientClosedError
  ) {
    return true;
  }
  if (error instanceof MongoServerError && typeof error.code === 'number') return UNAVAILABLE_CODES.has(error.code);
  return UNAVAILABLE_NAMES.has(error.name);
}

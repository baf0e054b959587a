/** What ioredis rejects a command with when the server cannot be reached (it does not export them all). */
const UNAVAILABLE_MESSAGES = [
  'Connection is closed.',
  "Stream isn't writeable and enableOfflineQueue options is false",
  'Command timed out',
  'Failed to refresh slots cache.',
  'None of startup nodes is available',
];
const UNAVAILABLE_NAMES = new Set(['MaxRetriesPerRequestError', 'ClusterAllFailedError']);
/** Socket failures, as Node reports them. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);
/** Redis replies that mean "not now": loading its data, out of memory (noeviction), a replica, a cluster failing over. */
const UNAVAILABLE_REPLIES = /^(LOADING|OOM|READONLY|MASTERDOWN|CLUSTERDOWN|TRYAGAIN|BUSY) /;

/**
 * Whether `error` (one error, not its causes) says Redis could not be reached or could not serve
 * right now: disconnected, a command timed out or gave up waiting for a reconnect, a refused
 * socket, or a server that is loading, full or failing over. A retry later may succeed.
 */
export function isRedisUnavailableError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (UNAVAILABLE_NAMES.has(error.name)) return true;
  if (UNAVAILABLE_MESSAGES.some((message) => error.message.startsWith(message))) return true;
  const code = (error as NodeJS.ErrnoException).code;
  if (typeof code === 'string' && NETWORK_CODES.has(code)) return true;
  return error.name === 'ReplyError' && UNAVAILABLE_REPLIES.test(error.message);
}

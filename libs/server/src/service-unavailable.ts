import type { Logger } from '@supergraph/logger';

/** The code of an answer that failed because a dependency (MongoDB, Redis) is unavailable. */
export const SERVICE_UNAVAILABLE = 'SERVICE_UNAVAILABLE';

/** How {@link formatError} recognises and reports a dependency outage. */
export interface ServiceUnavailableOptions {
  /**
   * Whether one error (it is asked about each cause in turn) means a dependency could not serve:
   * such errors are answered as SERVICE_UNAVAILABLE. Without it, only errors that already carry
   * that code (a subgraph's, at the gateway) are.
   */
  isUnavailable?: (error: unknown) => boolean;
  /** Sent as `extensions.retryAfterSeconds` when the error has none. @defaultValue 5 */
  retryAfterSeconds?: number;
  /** One warn line per service per interval, counting the errors it stood for. @defaultValue 10000 */
  logIntervalMs?: number;
}

/** `error`, then its `originalError` or `cause`, and theirs: at most 8, cycles cut. */
export function causesOf(error: unknown): unknown[] {
  const chain: unknown[] = [];
  let current: unknown = error;
  while (current !== null && current !== undefined && chain.length < 8 && !chain.includes(current)) {
    chain.push(current);
    const next = current as { originalError?: unknown; cause?: unknown };
    current = next.originalError ?? next.cause;
  }
  return chain;
}

/**
 * A warn log for outages that writes at most one line per key and interval: an outage fails
 * every request, and each failure is the same news. The first failure of an interval is logged
 * (without a stack) with how many were left out since the previous line.
 */
export function createOutageLog(logger: Logger, intervalMs: number): (key: string, fields: Record<string, unknown>) => void {
  const last = new Map<string, { at: number; suppressed: number }>();
  return (key, fields) => {
    const now = Date.now();
    const seen = last.get(key);
    if (seen && now - seen.at < intervalMs) {
      seen.suppressed += 1;
      return;
    }
    logger.warn({ ...fields, suppressed: seen?.suppressed ?? 0 }, 'dependency unavailable: answered SERVICE_UNAVAILABLE');
    last.set(key, { at: now, suppressed: 0 });
  };
}

/** The error's own message and name, for a log line (no stack: the news is the outage, not the code path). */
export function describeCause(chain: readonly unknown[], isUnavailable?: (error: unknown) => boolean): string | undefined {
  const cause = (isUnavailable && chain.find(isUnavailable)) ?? chain[chain.length - 1];
  return cause instanceof Error ? `${cause.name}: ${cause.message}` : undefined;
}

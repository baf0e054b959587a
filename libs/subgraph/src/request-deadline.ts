import type { IncomingMessage } from 'node:http';
import { performance } from 'node:perf_hooks';
import { DEADLINE_HEADER } from '@supergraph/server';
import { errors } from './errors';

/**
 * When the caller stops waiting for a request. Services check it before work that would be
 * wasted or harmful once nobody waits for the answer (taking stock, writing an order).
 */
export interface Deadline {
  /** The moment, on this host's wall clock (for records other processes read). */
  readonly at: Date;
  /** Milliseconds left, 0 once past. */
  remainingMs(): number;
  expired(): boolean;
  /** Throws DEADLINE_EXCEEDED, saying what was not done, once past. */
  check(notDone: string): void;
}

/** The budget settings; names match the config variables (`deadlineVars` in @supergraph/config). */
export interface DeadlineSettings {
  /** Budget of a request that carries no (valid) budget header. */
  REQUEST_DEADLINE_DEFAULT_MS: number;
  /** The most a request may ask for, whatever its header says. */
  REQUEST_DEADLINE_MAX_MS: number;
}

const BUDGET = /^\d{1,9}$/;

/**
 * A deadline `budgetMs` after `from` (a `performance.now()` reading, default now), on the
 * monotonic clock: a wall-clock jump cannot move it.
 */
export function deadlineIn(budgetMs: number, from = performance.now()): Deadline {
  const end = from + budgetMs;
  const remainingMs = () => Math.max(0, Math.ceil(end - performance.now()));
  return {
    at: new Date(Date.now() + (end - performance.now())),
    remainingMs,
    expired: () => remainingMs() === 0,
    check(notDone) {
      if (remainingMs() === 0) {
        throw errors.deadlineExceeded(`The request ran out of time: ${notDone}`);
      }
    },
  };
}

/**
 * Reads each request's budget from the gateway's header, relative and measured from the
 * request's arrival (`receivedAt`, default now) on this host's clock, since hosts' clocks may
 * differ: the default when it is absent or malformed, never above the maximum.
 * Throws a TypeError naming the settings when the default is above the maximum.
 */
export function createDeadlineReader(
  settings: DeadlineSettings,
): (request: Pick<IncomingMessage, 'headers'>, receivedAt?: number) => Deadline {
  const { REQUEST_DEADLINE_DEFAULT_MS: fallback, REQUEST_DEADLINE_MAX_MS: max } = settings;
  for (const [name, value] of Object.entries(settings)) {
    if (!Number.isInteger(value) || value < 1) throw new TypeError(`${name} must be a positive integer, got ${value}`);
  }
  if (fallback > max) {
    throw new TypeError(`REQUEST_DEADLINE_DEFAULT_MS (${fallback}) is above REQUEST_DEADLINE_MAX_MS (${max})`);
  }
  return (request, receivedAt) => {
    const header = request.headers[DEADLINE_HEADER];
    const value = Array.isArray(header) ? header[0] : header;
    const asked = value !== undefined && BUDGET.test(value) ? Number(value) : fallback;
    return deadlineIn(Math.min(asked, max), receivedAt);
  };
}

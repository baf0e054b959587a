import { randomUUID } from 'node:crypto';
import pino, { type Logger, type LevelWithSilent } from 'pino';
import { scrubValue } from './scrub';

export type { Logger, LevelWithSilent };
export { isSecretKey, scrubMessage, scrubValue, REDACTED } from './scrub';

/** Header that carries a request id from the client through the gateway to every subgraph. */
export const REQUEST_ID_HEADER = 'x-request-id';

/** Options for {@link createLogger}. */
export interface LoggerOptions {
  /** Service name written on every line, e.g. `gateway` or `auth`. */
  service: string;
  /** @defaultValue `info` */
  level?: LevelWithSilent;
  /** Where lines go. @defaultValue stdout */
  destination?: pino.DestinationStream;
}

/**
 * A JSON logger. Every line is scrubbed on its way out: keys that name a secret are redacted at
 * any depth, and input values quoted inside messages (graphql's coercion errors, mongoose's cast
 * errors) are cut out, so no password, token or variable value reaches a log.
 */
export function createLogger({ service, level = 'info', destination }: LoggerOptions): Logger {
  const options: pino.LoggerOptions = {
    level,
    base: { service },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { log: (object) => scrubValue(object) as Record<string, unknown> },
  };
  return destination ? pino(options, destination) : pino(options);
}

const REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;

/** Keeps a well-formed incoming request id, otherwise makes a new one. */
export function requestIdFrom(value: string | string[] | undefined | null): string {
  const candidate = Array.isArray(value) ? value[0] : value;
  return candidate && REQUEST_ID.test(candidate) ? candidate : randomUUID();
}

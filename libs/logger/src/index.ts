import { randomUUID } from 'node:crypto';
import pino, { type Logger, type LevelWithSilent } from 'pino';

export type { Logger, LevelWithSilent };

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

/** A JSON logger. Secrets that may appear in request data are redacted. */
export function createLogger({ service, level = 'info', destination }: LoggerOptions): Logger {
  const options: pino.LoggerOptions = {
    level,
    base: { service },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: {
      paths: ['password', '*.password', 'token', '*.token', 'refreshToken', '*.refreshToken', 'headers.authorization'],
      censor: '[redacted]',
    },
  };
  return destination ? pino(options, destination) : pino(options);
}

const REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;

/** Keeps a well-formed incoming request id, otherwise makes a new one. */
export function requestIdFrom(value: string | string[] | undefined | null): string {
  const candidate = Array.isArray(value) ? value[0] : value;
  return candidate && REQUEST_ID.test(candidate) ? candidate : randomUUID();
}

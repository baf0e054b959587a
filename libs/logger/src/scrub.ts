import pino from 'pino';

/**
 * Keeps secrets and client-sent values out of log lines, whatever path an error takes.
 *
 * Two mechanisms: keys that name a secret (passwords, tokens, cookies, Authorization headers,
 * GraphQL variables) are replaced wherever they appear in a logged object, and messages that
 * embed input values (graphql's coercion errors quote the whole variable, password included;
 * mongoose's cast errors quote the value) have those values cut out.
 */

const SECRET_KEY = /password|passwd|^pass$|secret|token|authorization|cookie|^variables$|^credentials?$|^x-supergraph-identity$/i;
export const REDACTED = '[redacted]';
const MAX_DEPTH = 8;

/** True for an object key whose value must never be logged. */
export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key);
}

/*
 * Where graphql 16 and mongoose start printing a value they were given. The value's end cannot
 * be found reliably (object keys are printed raw, so a client can forge any separator), so
 * everything from the marker to the end of the message goes.
 */
const VALUE_MARKER =
  /(got invalid value|cannot represent[^:]*value:|Value (?="[\s\S]*" does not exist)|, found|failed for value)[\s\S]*$/;

/** Cuts the input values out of an error message; what precedes them stays readable. */
export function scrubMessage(message: string): string {
  return message.replace(VALUE_MARKER, '$1 [value removed]');
}

/** An error as pino prints it, with its message scrubbed in the stack's first lines too. */
function scrubError(error: Error): Record<string, unknown> {
  const serialized = pino.stdSerializers.err(error) as unknown as Record<string, unknown>;
  const { message, stack } = serialized;
  if (typeof message === 'string') {
    const scrubbed = scrubMessage(message);
    serialized.message = scrubbed;
    if (typeof stack === 'string') {
      serialized.stack = message && stack.includes(message) ? stack.split(message).join(scrubbed) : scrubMessage(stack);
    }
  }
  return serialized;
}

/** A copy of `value` with secret keys redacted and messages scrubbed, bounded in depth. */
export function scrubValue(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (typeof value === 'string') return scrubMessage(value);
  if (typeof value !== 'object' || value === null) return value;
  if (seen.has(value)) return '[circular]';
  if (depth >= MAX_DEPTH) return '[depth]';
  seen.add(value);
  if (Array.isArray(value)) return value.map((item) => scrubValue(item, depth + 1, seen));
  // message and stack are not enumerable: serialize an error first (cause chain included).
  const isError = value instanceof Error;
  const fields: object = isError ? scrubError(value) : value;
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(fields)) {
    // An error's stack was scrubbed line by line with its message; scrubbing it again as a
    // message would cut its frames.
    if (isError && key === 'stack') {
      copy[key] = item;
      continue;
    }
    // Numbers and booleans under a secret-looking key (a token count, a flag) tell nothing.
    const secret = isSecretKey(key) && (typeof item === 'string' || (typeof item === 'object' && item !== null));
    copy[key] = secret ? REDACTED : scrubValue(item, depth + 1, seen);
  }
  return copy;
}

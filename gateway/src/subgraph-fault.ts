/** Codes by which a subgraph says the failure is its own (or its data store's), not the request's. */
const FAULT_CODES = new Set(['SERVICE_UNAVAILABLE', 'INTERNAL_SERVER_ERROR']);

/** Null, or a list of nulls (`_entities` when every entity failed). */
const isEmpty = (value: unknown) => value === null || (Array.isArray(value) && value.every((item) => item === null));

/**
 * Whether a subgraph's answer (its JSON body) is all errors of its own making: no data (none,
 * null, or every root field empty) and at least one error coded SERVICE_UNAVAILABLE or
 * INTERNAL_SERVER_ERROR. Such an answer arrives as HTTP 200, yet it is a failed call for the
 * circuit breaker. Client errors (BAD_USER_INPUT, NOT_FOUND...) never make one, and neither
 * does a partial answer. Only bodies that mention errors are parsed.
 */
export function isFaultAnswer(body: string): boolean {
  if (!body.includes('"errors"')) return false;
  let parsed: { data?: unknown; errors?: unknown };
  try {
    parsed = JSON.parse(body) as typeof parsed;
  } catch {
    return false;
  }
  const { data, errors } = parsed;
  if (!Array.isArray(errors)) return false;
  const empty = data === undefined || data === null || (typeof data === 'object' && Object.values(data).every(isEmpty));
  return (
    empty && errors.some((error: { extensions?: { code?: unknown } } | null) => FAULT_CODES.has(String(error?.extensions?.code)))
  );
}

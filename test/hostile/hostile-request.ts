/** The shape of one generated hostile request, shared by the generator, the sender and the judge. */

/** Every kind of hostile input the campaign generates; a report groups its findings by these. */
export const CATEGORIES = [
  'malformed-json',
  'content-type',
  'huge-document',
  'deep-document',
  'alias-bomb',
  'fragment-bomb',
  'directive-flood',
  'wrong-variables',
  'object-id',
  'unicode-nul',
  'get-mutation',
  'http-method',
  'batch',
  'apq',
  'operation-name',
  'subscription',
  'token',
  'subgraph-direct',
  'auth-input',
  'header',
  'introspection',
  'operation-mutation',
] as const;

export type Category = (typeof CATEGORIES)[number];

/** Where a request goes: a gateway (the runner picks which), or straight to one subgraph. */
export type Target = 'gateway' | 'auth' | 'posts' | 'cart';

/** What the answer must be, beyond the rules every answer follows (no 5xx, a code on every error, no leak). */
export interface Expectation {
  /** Refused: an HTTP 4xx, or errors and no data. `'production'`: refused by a production gateway only. */
  refused?: boolean | 'production';
  /** The HTTP status must be one of these. */
  statuses?: readonly number[];
}

export interface HostileRequest {
  category: Category;
  /** What this request tries, in a few words (a report shows it next to a sample). */
  label: string;
  target: Target;
  method: string;
  /** Path and query string, e.g. `/graphql?query=...`. */
  path: string;
  headers: Record<string, string>;
  body?: string | Uint8Array;
  /**
   * Bytes no HTTP client library will send (a NUL in a header, a broken request line): the request head,
   * sent as latin1 over a socket of its own, with `{{request-id}}` replaced by the request's id. `body`
   * follows it as is.
   */
  rawHead?: string;
  expect: Expectation;
}

/** A JSON POST of a GraphQL body to the gateway. */
export function post(
  category: Category,
  label: string,
  body: unknown,
  options: { headers?: Record<string, string>; expect?: Expectation; target?: Target } = {},
): HostileRequest {
  return {
    category,
    label,
    target: options.target ?? 'gateway',
    method: 'POST',
    path: '/graphql',
    headers: { 'content-type': 'application/json', ...options.headers },
    body: JSON.stringify(body),
    expect: options.expect ?? {},
  };
}

/** A GET with the GraphQL parameters in the query string (values that are objects are JSON-encoded). */
export function get(
  category: Category,
  label: string,
  params: Record<string, unknown>,
  options: { headers?: Record<string, string>; expect?: Expectation; preflight?: boolean } = {},
): HostileRequest {
  const search = new URLSearchParams(
    Object.entries(params).map(([key, value]): [string, string] => [
      key,
      typeof value === 'string' ? value : JSON.stringify(value),
    ]),
  );
  return {
    category,
    label,
    target: 'gateway',
    method: 'GET',
    path: `/graphql?${search.toString()}`,
    // The header Apollo's CSRF prevention asks of a GET, as a real client sends it (unless told not to).
    headers: { ...(options.preflight === false ? {} : { 'apollo-require-preflight': 'true' }), ...options.headers },
    expect: options.expect ?? {},
  };
}

/** A GraphQL response as a test sees it. */
export interface GraphQLResult<TData = Record<string, unknown>> {
  status: number;
  headers: Headers;
  data?: TData | null;
  errors?: Array<{ message: string; path?: Array<string | number>; extensions?: Record<string, unknown> }>;
}

export interface GraphQLCallOptions {
  variables?: Record<string, unknown>;
  /** Sent as `Authorization: Bearer <token>`. */
  token?: string;
  headers?: Record<string, string>;
}

/** Posts one operation over real HTTP, the way a client would. */
export async function graphql<TData = Record<string, unknown>>(
  url: string,
  query: string,
  { variables, token, headers = {} }: GraphQLCallOptions = {},
): Promise<GraphQLResult<TData>> {
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...headers,
    },
    body: JSON.stringify({ query, variables }),
  });
  const text = await response.text();
  let body: { data?: TData | null; errors?: GraphQLResult['errors'] };
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    throw new Error(`non-JSON response (${response.status}): ${text.slice(0, 200)}`);
  }
  return { status: response.status, headers: response.headers, ...body };
}

/** The `extensions.code` of each error, for compact assertions. */
export function errorCodes(result: Pick<GraphQLResult, 'errors'>): unknown[] {
  return (result.errors ?? []).map((error) => error.extensions?.code);
}

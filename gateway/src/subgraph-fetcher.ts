import type { Fetcher } from '@apollo/utils.fetcher';

/**
 * Subgraph fetches through Node's fetch (undici: pooled keep-alive connections), each bounded by
 * `timeoutMs` so a hung subgraph fails its part of the query instead of the whole request.
 */
export function createSubgraphFetcher(timeoutMs: number): Fetcher {
  return (url, init = {}) => {
    const body = typeof init.body === 'string' || init.body === undefined ? init.body : new Uint8Array(init.body);
    return fetch(url, {
      method: init.method ?? 'POST',
      headers: init.headers ?? {},
      ...(body === undefined ? {} : { body }),
      redirect: init.redirect ?? 'error',
      signal: AbortSignal.timeout(timeoutMs),
    });
  };
}

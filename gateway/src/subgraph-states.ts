import type { SubgraphClient } from './subgraph-fetcher';

/** Each subgraph's breaker state and whether it answers `/healthz` right now (for `/readyz`). */
export async function subgraphStates(clients: ReadonlyMap<string, { url: string; client: SubgraphClient }>) {
  const entries = await Promise.all(
    [...clients].map(async ([name, { url, client }]) => {
      const health = new URL('/healthz', url).toString();
      const alive = await fetch(health, { signal: AbortSignal.timeout(1_000) }).then(
        (response) => response.ok,
        () => false,
      );
      return [name, { breaker: client.state(), alive }] as const;
    }),
  );
  return { subgraphs: Object.fromEntries(entries) };
}

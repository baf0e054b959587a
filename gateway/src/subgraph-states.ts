import type { SubgraphClient } from './subgraph-fetcher';

/** How the gateway sees one subgraph in its `/readyz`. */
export interface SubgraphState {
  breaker: ReturnType<SubgraphClient['state']>;
  /** Its `/readyz` answered 200 within a second: it runs and its MongoDB and Redis answer. */
  ready: boolean;
  /** When its `/readyz` said 503: the checks that failed (e.g. `mongo`). */
  failing?: string[];
}

/** One subgraph's `/readyz`, asked now; no answer within `timeoutMs` is not ready. */
async function readinessOf(url: string, timeoutMs: number): Promise<Pick<SubgraphState, 'ready' | 'failing'>> {
  try {
    const response = await fetch(new URL('/readyz', url), { signal: AbortSignal.timeout(timeoutMs) });
    if (response.ok) {
      await response.body?.cancel();
      return { ready: true };
    }
    const report = (await response.json().catch(() => ({}))) as { checks?: Record<string, { ok?: boolean }> };
    const failing = Object.entries(report.checks ?? {})
      .filter(([, check]) => check.ok === false)
      .map(([name]) => name);
    return failing.length > 0 ? { ready: false, failing } : { ready: false };
  } catch {
    return { ready: false };
  }
}

/**
 * Each subgraph's breaker state and its own readiness (its `/readyz`, not `/healthz`: a process
 * that runs without its database is not ready), for the gateway's `/readyz`. They do not decide
 * the gateway's readiness: it still answers, with the other subgraphs' data.
 */
export async function subgraphStates(
  clients: ReadonlyMap<string, { url: string; client: SubgraphClient }>,
  timeoutMs = 1_000,
): Promise<{ subgraphs: Record<string, SubgraphState> }> {
  const entries = await Promise.all(
    [...clients].map(
      async ([name, { url, client }]) => [name, { breaker: client.state(), ...(await readinessOf(url, timeoutMs)) }] as const,
    ),
  );
  return { subgraphs: Object.fromEntries(entries) };
}

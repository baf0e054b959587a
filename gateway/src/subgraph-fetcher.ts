import type { Fetcher, FetcherResponse } from '@apollo/utils.fetcher';
import type { Logger } from '@supergraph/logger';
import CircuitBreaker from 'opossum';
import { Agent, fetch as undiciFetch } from 'undici';

/** Settings for subgraph calls; names match the config variables. */
export interface SubgraphFetchSettings {
  /** Budget for one subgraph fetch. */
  SUBGRAPH_TIMEOUT_MS: number;
  /** Keep-alive connections per subgraph. */
  SUBGRAPH_MAX_CONNECTIONS: number;
  /** Failure percentage (over a rolling 10 s window) that opens a subgraph's breaker. */
  BREAKER_ERROR_PERCENT: number;
  /** Calls in the window before the breaker may open. */
  BREAKER_VOLUME: number;
  /** How long an open breaker waits before letting one trial call through. */
  BREAKER_RESET_MS: number;
}

/** One subgraph's fetcher and the state of its breaker. */
export interface SubgraphClient {
  fetcher: Fetcher;
  state(): 'closed' | 'open' | 'half-open';
  close(): Promise<void>;
}

class SubgraphHttpError extends Error {
  constructor(readonly status: number) {
    super(`subgraph answered HTTP ${status}`);
  }
}

/**
 * Calls to one subgraph: pooled keep-alive connections (undici), a timeout per call, and a
 * circuit breaker (opossum). While the breaker is open, calls fail at once instead of piling
 * up on a dead or slow subgraph: the gateway answers with the other subgraphs' data and an
 * error for that part, and the breaker lets a trial call through after BREAKER_RESET_MS.
 */
export function createSubgraphClient(name: string, settings: SubgraphFetchSettings, logger: Logger): SubgraphClient {
  const dispatcher = new Agent({ connections: settings.SUBGRAPH_MAX_CONNECTIONS, keepAliveTimeout: 30_000, pipelining: 1 });
  const call = async (url: string, init: Parameters<Fetcher>[1] = {}): Promise<FetcherResponse> => {
    const response = await undiciFetch(url, {
      method: init.method ?? 'POST',
      headers: init.headers ?? {},
      body: typeof init.body === 'string' || init.body === undefined ? init.body : new Uint8Array(init.body),
      signal: AbortSignal.timeout(settings.SUBGRAPH_TIMEOUT_MS),
      dispatcher,
    });
    // A 5xx is the subgraph failing (a 4xx is the request's fault): it counts against the breaker.
    if (response.status >= 500) {
      await response.body?.cancel();
      throw new SubgraphHttpError(response.status);
    }
    return response as unknown as FetcherResponse;
  };
  const breaker = new CircuitBreaker(call, {
    // The fetch has its own timeout; the breaker's is a backstop slightly above it.
    timeout: settings.SUBGRAPH_TIMEOUT_MS + 500,
    errorThresholdPercentage: settings.BREAKER_ERROR_PERCENT,
    volumeThreshold: settings.BREAKER_VOLUME,
    resetTimeout: settings.BREAKER_RESET_MS,
    rollingCountTimeout: 10_000,
    name,
  });
  breaker.on('open', () => logger.warn({ subgraph: name }, 'subgraph circuit open: failing fast'));
  breaker.on('halfOpen', () => logger.info({ subgraph: name }, 'subgraph circuit half-open: trying one call'));
  breaker.on('close', () => logger.info({ subgraph: name }, 'subgraph circuit closed: recovered'));
  return {
    fetcher: (url, init) => breaker.fire(url, init),
    state: () => (breaker.opened ? 'open' : breaker.halfOpen ? 'half-open' : 'closed'),
    async close() {
      breaker.shutdown();
      await dispatcher.close();
    },
  };
}

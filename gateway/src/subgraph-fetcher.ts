import type { Logger } from '@supergraph/logger';
import CircuitBreaker from 'opossum';
import { Agent, request } from 'undici';
import { isFaultAnswer } from './subgraph-fault';

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

/** A subgraph's answer as the gateway needs it: status, its Cache-Control header, and the body text. */
export interface SubgraphAnswer {
  status: number;
  cacheControl: string | undefined;
  contentType: string | undefined;
  body: string;
}

/** One subgraph's client and the state of its breaker. */
export interface SubgraphClient {
  /** POSTs a body to the subgraph: pooled keep-alive connection, timeout, breaker. */
  send(url: string, headers: Record<string, string>, body: string): Promise<SubgraphAnswer>;
  /** How long one call may take (SUBGRAPH_TIMEOUT_MS for this subgraph). */
  readonly timeoutMs: number;
  state(): 'closed' | 'open' | 'half-open';
  close(): Promise<void>;
}

class SubgraphHttpError extends Error {
  constructor(readonly status: number) {
    super(`subgraph answered HTTP ${status}`);
  }
}

/** An answer that is all the subgraph's own errors: a failure for the breaker, still returned to the caller. */
class SubgraphFaultAnswer extends Error {
  constructor(readonly answer: SubgraphAnswer) {
    super('subgraph answered with errors only');
  }
}

const headerValue = (value: string | string[] | undefined) => (Array.isArray(value) ? value.join(', ') : value);

/**
 * Calls to one subgraph: pooled keep-alive connections (undici's request API, which skips the
 * WHATWG fetch layers), a timeout per call, and a circuit breaker (opossum). A 5xx, a timeout and
 * an answer of nothing but the subgraph's own errors count as failures. While the breaker is
 * open, calls fail at once instead of piling up on a dead or slow subgraph: the gateway answers
 * with the other subgraphs' data and an error for that part, and the breaker lets a trial call
 * through after BREAKER_RESET_MS.
 */
export function createSubgraphClient(name: string, settings: SubgraphFetchSettings, logger: Logger): SubgraphClient {
  const dispatcher = new Agent({ connections: settings.SUBGRAPH_MAX_CONNECTIONS, keepAliveTimeout: 30_000, pipelining: 1 });
  const call = async (url: string, headers: Record<string, string>, body: string): Promise<SubgraphAnswer> => {
    const response = await request(url, {
      method: 'POST',
      headers,
      body,
      dispatcher,
      signal: AbortSignal.timeout(settings.SUBGRAPH_TIMEOUT_MS),
    });
    // A 5xx is the subgraph failing (a 4xx is the request's fault): it counts against the breaker.
    if (response.statusCode >= 500) {
      await response.body.dump();
      throw new SubgraphHttpError(response.statusCode);
    }
    const answer = {
      status: response.statusCode,
      cacheControl: headerValue(response.headers['cache-control']),
      contentType: headerValue(response.headers['content-type']),
      body: await response.body.text(),
    };
    // HTTP 200 with nothing but its own errors (its database is down): a failed call too.
    if (isFaultAnswer(answer.body)) throw new SubgraphFaultAnswer(answer);
    return answer;
  };
  const breaker = new CircuitBreaker(call, {
    // The request has its own timeout; the breaker's is a backstop slightly above it.
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
    send: (url, headers, body) =>
      breaker.fire(url, headers, body).catch((error: unknown) => {
        // Counted as a failure; the caller still gets the subgraph's own errors and their codes.
        if (error instanceof SubgraphFaultAnswer) return error.answer;
        throw error;
      }),
    timeoutMs: settings.SUBGRAPH_TIMEOUT_MS,
    state: () => (breaker.opened ? 'open' : breaker.halfOpen ? 'half-open' : 'closed'),
    async close() {
      breaker.shutdown();
      await dispatcher.close();
    },
  };
}

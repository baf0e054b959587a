import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { createLogger } from '@supergraph/logger';
import { formatError } from './format-error';

/** A logger whose lines are kept, parsed, for the assertions. */
function recordingLogger() {
  const lines: Array<Record<string, unknown>> = [];
  const logger = createLogger({
    service: 'test',
    level: 'debug',
    destination: { write: (line: string) => void lines.push(JSON.parse(line)) },
  });
  return { logger, lines };
}

class StoreDownError extends Error {
  override name = 'StoreDownError';
}
const isUnavailable = (error: unknown) => error instanceof StoreDownError;

/** What Apollo hands formatError for a resolver that threw `cause`. */
function resolverError(cause: Error, path: string[] = ['product']): [GraphQLFormattedError, unknown] {
  const error = new GraphQLError(cause.message, { originalError: cause, path, extensions: { code: 'INTERNAL_SERVER_ERROR' } });
  return [{ message: error.message, path, extensions: { code: 'INTERNAL_SERVER_ERROR', stacktrace: ['at x'] } }, error];
}

describe('formatError and dependency outages', () => {
  it('answers an error caused by an unavailable store SERVICE_UNAVAILABLE, with a retry hint and no detail', () => {
    const { logger, lines } = recordingLogger();
    const format = formatError(logger, { isUnavailable, retryAfterSeconds: 7 });
    // The store's error may be the cause of the resolver's own error.
    const wrapped = new Error('could not load the product', { cause: new StoreDownError('connect ECONNREFUSED 10.0.0.5:27017') });
    const answer = format(...resolverError(wrapped));
    expect(answer).toEqual({
      message: expect.stringMatching(/^Temporarily unavailable/),
      path: ['product'],
      extensions: { code: 'SERVICE_UNAVAILABLE', retryAfterSeconds: 7 },
    });
    expect(JSON.stringify(answer)).not.toMatch(/ECONNREFUSED|10\.0\.0\.5|product could not/);
    expect(lines).toEqual([
      expect.objectContaining({
        level: 40,
        code: 'SERVICE_UNAVAILABLE',
        err: 'StoreDownError: connect ECONNREFUSED 10.0.0.5:27017',
      }),
    ]);
    expect(lines[0]).not.toHaveProperty('stack');
  });

  it('logs an outage once per interval, counting the answers it stood for', () => {
    jest.useFakeTimers({ now: 0 });
    try {
      const { logger, lines } = recordingLogger();
      const format = formatError(logger, { isUnavailable, logIntervalMs: 10_000 });
      for (let i = 0; i < 25; i += 1) format(...resolverError(new StoreDownError('down')));
      expect(lines).toHaveLength(1);
      jest.setSystemTime(10_000);
      format(...resolverError(new StoreDownError('down')));
      expect(lines.map((line) => [line.level, line.suppressed])).toEqual([
        [40, 0],
        [40, 24],
      ]);
    } finally {
      jest.useRealTimers();
    }
  });

  it('leaves any other error of ours INTERNAL_SERVER_ERROR, logged at error', () => {
    const { logger, lines } = recordingLogger();
    const answer = formatError(logger, { isUnavailable })(...resolverError(new TypeError('x is undefined')));
    expect(answer.extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR' });
    expect(lines).toEqual([expect.objectContaining({ level: 50, msg: 'internal error in GraphQL request' })]);
  });

  it('at the gateway: passes a subgraph SERVICE_UNAVAILABLE through, keeps a subgraph INTERNAL_SERVER_ERROR', () => {
    const { logger } = recordingLogger();
    const format = formatError(logger);
    const fromSubgraph = (extensions: Record<string, unknown>, message = 'm'): [GraphQLFormattedError, unknown] => [
      { message, path: ['product'], extensions },
      new GraphQLError(message, { extensions }),
    ];
    expect(
      format(
        ...fromSubgraph({ code: 'SERVICE_UNAVAILABLE', retryAfterSeconds: 5, serviceName: 'cart' }, 'Temporarily unavailable.'),
      ),
    ).toEqual({
      message: 'Temporarily unavailable.',
      path: ['product'],
      extensions: { code: 'SERVICE_UNAVAILABLE', retryAfterSeconds: 5, serviceName: 'cart' },
    });
    expect(format(...fromSubgraph({ code: 'INTERNAL_SERVER_ERROR', serviceName: 'cart' })).extensions).toEqual({
      code: 'INTERNAL_SERVER_ERROR',
      serviceName: 'cart',
    });
    // A failed fetch is coded by the gateway's data source, and passes through as such.
    expect(format(...fromSubgraph({ code: 'SUBGRAPH_UNAVAILABLE', serviceName: 'cart' })).extensions).toEqual({
      code: 'SUBGRAPH_UNAVAILABLE',
      serviceName: 'cart',
    });
  });
});

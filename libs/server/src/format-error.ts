import type { GraphQLFormattedError } from 'graphql';
import type { Logger } from '@supergraph/logger';

/** Codes that describe the caller's request; anything else is ours and is not shown as-is. */
const CLIENT_CODES = new Set([
  'BAD_USER_INPUT',
  'BAD_REQUEST',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'CONFLICT',
  'RATE_LIMITED',
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
  'PAYLOAD_TOO_LARGE',
  'SUBGRAPH_UNAVAILABLE',
  'OPERATION_LIMIT_EXCEEDED',
  'TRUSTED_DOCUMENT_REQUIRED',
]);

/**
 * Apollo `formatError`: client errors pass through with their code; internal errors are logged
 * and replaced by a generic message so no stack trace or internal detail reaches a client.
 */
export function formatError(logger: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const code = formatted.extensions?.code;
    if (typeof code === 'string' && CLIENT_CODES.has(code)) {
      const { stacktrace: _stacktrace, ...extensions } = formatted.extensions ?? {};
      return { ...formatted, extensions };
    }
    logger.error({ err: error, path: formatted.path }, 'internal error in GraphQL request');
    // The gateway marks a failed subgraph fetch with the subgraph's name: say which part failed.
    const serviceName = formatted.extensions?.serviceName;
    return {
      message: typeof serviceName === 'string' ? `The ${serviceName} subgraph could not answer.` : 'Internal server error.',
      ...(formatted.path ? { path: formatted.path } : {}),
      ...(formatted.locations ? { locations: formatted.locations } : {}),
      extensions:
        typeof serviceName === 'string' ? { code: 'SUBGRAPH_UNAVAILABLE', serviceName } : { code: 'INTERNAL_SERVER_ERROR' },
    };
  };
}

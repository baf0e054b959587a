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
  'PERSISTED_QUERY_HASH_MISMATCH',
  'OPERATION_RESOLUTION_FAILURE',
  'OPERATION_NOT_SUPPORTED',
  'PAYLOAD_TOO_LARGE',
  'SUBGRAPH_UNAVAILABLE',
  'OPERATION_LIMIT_EXCEEDED',
  'TRUSTED_DOCUMENT_REQUIRED',
]);

/** The HTTP status an error asked for (Apollo keeps it out of the formatted error). */
function requestedStatus(error: unknown): number | undefined {
  const status = (error as { extensions?: { http?: { status?: unknown } } } | null)?.extensions?.http?.status;
  return typeof status === 'number' ? status : undefined;
}

/**
 * Apollo `formatError`. Client errors pass through with their code and are logged at info,
 * without a stack; an error that carries no code but asked for a 4xx (some of Apollo's own
 * refusals) is the client's too, as BAD_REQUEST. Anything else is ours: logged at error and
 * replaced by a generic message, so no stack trace or internal detail reaches a client. The
 * logger scrubs input values out of every message.
 */
export function formatError(logger: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const given = formatted.extensions?.code;
    const status = requestedStatus(error);
    const code =
      typeof given === 'string' && CLIENT_CODES.has(given)
        ? given
        : given === undefined || given === 'INTERNAL_SERVER_ERROR'
          ? status !== undefined && status >= 400 && status < 500
            ? 'BAD_REQUEST'
            : undefined
          : undefined;
    if (code) {
      const { stacktrace: _stacktrace, ...extensions } = formatted.extensions ?? {};
      logger.info({ code, message: formatted.message, path: formatted.path }, 'client error');
      return { ...formatted, extensions: { ...extensions, code } };
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

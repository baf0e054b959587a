import type { GraphQLFormattedError } from 'graphql';
import type { Logger } from '@supergraph/logger';
import {
  causesOf,
  createOutageLog,
  describeCause,
  SERVICE_UNAVAILABLE,
  type ServiceUnavailableOptions,
} from './service-unavailable';

/** Codes that describe the caller's request; anything else is ours and is not shown as-is. */
const CLIENT_CODES = new Set([
  'BAD_USER_INPUT',
  'BAD_REQUEST',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'CONFLICT',
  'DEADLINE_EXCEEDED',
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
 * refusals) is the client's too, as BAD_REQUEST. A dependency outage (`isUnavailable`, or an
 * error already coded SERVICE_UNAVAILABLE, as a subgraph's reaches the gateway) is
 * SERVICE_UNAVAILABLE with `retryAfterSeconds`, logged at warn once per interval. Anything else
 * is ours: logged at error and replaced by a generic message, so no stack trace or internal
 * detail reaches a client; a subgraph's own INTERNAL_SERVER_ERROR keeps that code at the
 * gateway, with the subgraph's name. The logger scrubs input values out of every message.
 */
export function formatError(logger: Logger, options: ServiceUnavailableOptions = {}) {
  const { isUnavailable, retryAfterSeconds = 5 } = options;
  const logOutage = createOutageLog(logger, options.logIntervalMs ?? 10_000);
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const given = formatted.extensions?.code;
    const uncoded = given === undefined || given === 'INTERNAL_SERVER_ERROR';
    const chain = given === SERVICE_UNAVAILABLE || (uncoded && isUnavailable) ? causesOf(error) : [];
    if (given === SERVICE_UNAVAILABLE || (isUnavailable && chain.some(isUnavailable))) {
      const { stacktrace: _stacktrace, ...extensions } = formatted.extensions ?? {};
      const serviceName = typeof extensions.serviceName === 'string' ? extensions.serviceName : undefined;
      logOutage(serviceName ?? 'self', {
        code: SERVICE_UNAVAILABLE,
        serviceName,
        path: formatted.path,
        err: describeCause(chain, isUnavailable),
      });
      return {
        message:
          given === SERVICE_UNAVAILABLE
            ? formatted.message
            : `Temporarily unavailable: a data store this field needs is not answering. Try again in ${retryAfterSeconds} s.`,
        ...(formatted.path ? { path: formatted.path } : {}),
        ...(formatted.locations ? { locations: formatted.locations } : {}),
        extensions: { retryAfterSeconds, ...(given === SERVICE_UNAVAILABLE ? extensions : {}), code: SERVICE_UNAVAILABLE },
      };
    }
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
    // The gateway marks a subgraph's errors with its name: say which part failed. A subgraph that
    // answered with its own internal error keeps that code; anything else from it could not answer.
    const serviceName = formatted.extensions?.serviceName;
    const subgraphCode = given === 'INTERNAL_SERVER_ERROR' ? 'INTERNAL_SERVER_ERROR' : 'SUBGRAPH_UNAVAILABLE';
    return {
      message:
        typeof serviceName !== 'string'
          ? 'Internal server error.'
          : subgraphCode === 'INTERNAL_SERVER_ERROR'
            ? `The ${serviceName} subgraph failed on this part.`
            : `The ${serviceName} subgraph could not answer.`,
      ...(formatted.path ? { path: formatted.path } : {}),
      ...(formatted.locations ? { locations: formatted.locations } : {}),
      extensions: typeof serviceName === 'string' ? { code: subgraphCode, serviceName } : { code: 'INTERNAL_SERVER_ERROR' },
    };
  };
}

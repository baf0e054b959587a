import { GraphQLError } from 'graphql';

/** The stable error codes clients can rely on. */
export type ErrorCode = 'BAD_USER_INPUT' | 'UNAUTHENTICATED' | 'FORBIDDEN' | 'NOT_FOUND' | 'CONFLICT' | 'RATE_LIMITED';

const make =
  (code: ErrorCode) =>
  (message: string, extensions: Record<string, unknown> = {}): GraphQLError =>
    new GraphQLError(message, { extensions: { ...extensions, code } });

/** Factories for domain errors with a stable `extensions.code`. */
export const errors = {
  badInput: make('BAD_USER_INPUT'),
  unauthenticated: make('UNAUTHENTICATED'),
  forbidden: make('FORBIDDEN'),
  notFound: make('NOT_FOUND'),
  conflict: make('CONFLICT'),
  rateLimited: (message: string, retryAfterSeconds: number) =>
    new GraphQLError(message, { extensions: { code: 'RATE_LIMITED', retryAfterSeconds } }),
};

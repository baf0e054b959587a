import { GraphQLError } from 'graphql';

/** The stable error codes clients can rely on. */
export type ErrorCode =
  'BAD_USER_INPUT' | 'UNAUTHENTICATED' | 'FORBIDDEN' | 'NOT_FOUND' | 'CONFLICT' | 'RATE_LIMITED' | 'DEADLINE_EXCEEDED';

/** One bad value inside an argument: its path below the argument (none for the argument itself). */
export interface ArgumentProblem {
  path?: ReadonlyArray<PropertyKey>;
  message: string;
}

/** A bad value as clients see it in `extensions.fields`: `field` is its path from the argument. */
export interface InvalidField {
  field: string;
  message: string;
}

const make =
  (code: ErrorCode) =>
  (message: string, extensions: Record<string, unknown> = {}): GraphQLError =>
    new GraphQLError(message, { extensions: { ...extensions, code } });

const badInput = make('BAD_USER_INPUT');

/**
 * BAD_USER_INPUT about one argument, named as the client sent it (`limit`, `input`,
 * `newPassword`). Each problem is named by its path from the argument (`input.email`), in the
 * message and in `extensions.fields`; `extensions.field` is the first of them.
 */
function invalidArgument(argument: string, problems: ReadonlyArray<ArgumentProblem>): GraphQLError {
  const fields: InvalidField[] = problems.map((problem) => ({
    field: [argument, ...(problem.path ?? [])].map(String).join('.'),
    message: problem.message,
  }));
  const summary = fields.map((invalid) => `${invalid.field} ${invalid.message}`).join('; ');
  return badInput(`${summary || `${argument} is not valid`}.`, { argument, field: fields[0]?.field ?? argument, fields });
}

/** Factories for domain errors with a stable `extensions.code`. */
export const errors = {
  badInput,
  invalidArgument,
  unauthenticated: make('UNAUTHENTICATED'),
  forbidden: make('FORBIDDEN'),
  notFound: make('NOT_FOUND'),
  conflict: make('CONFLICT'),
  /** The caller's budget ran out before the work was done; what was started is undone. */
  deadlineExceeded: make('DEADLINE_EXCEEDED'),
  rateLimited: (message: string, retryAfterSeconds: number) =>
    new GraphQLError(message, { extensions: { code: 'RATE_LIMITED', retryAfterSeconds } }),
};

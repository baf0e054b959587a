import type { z } from 'zod';
import { errors } from './errors';

/**
 * Parses an argument's value with a zod schema, or throws BAD_USER_INPUT naming the argument
 * (`argument`, as the schema spells it) and every invalid field by its path from it.
 */
export function parseInput<T>(schema: z.ZodType<T>, value: unknown, argument: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw errors.invalidArgument(
    argument,
    result.error.issues.map((issue) => ({ path: issue.path, message: issue.message })),
  );
}

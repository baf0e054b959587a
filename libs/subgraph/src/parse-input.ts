import type { z } from 'zod';
import { errors } from './errors';

/** Parses input with a zod schema, or throws BAD_USER_INPUT naming every invalid field. */
export function parseInput<T>(schema: z.ZodType<T>, input: unknown): T {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const fields = result.error.issues.map((issue) => ({ field: issue.path.join('.') || 'input', message: issue.message }));
  throw errors.badInput(`Invalid input: ${fields.map((f) => `${f.field} ${f.message}`).join('; ')}.`, { fields });
}

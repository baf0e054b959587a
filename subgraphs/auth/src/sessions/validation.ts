import { z } from 'zod';
import { parseInput } from '@supergraph/subgraph';

const email = z
  .string()
  .trim()
  .max(254, 'must be at most 254 characters')
  .toLowerCase()
  .pipe(z.email('must be a valid email address'));

const password = z
  .string()
  .min(10, 'must be at least 10 characters')
  .max(128, 'must be at most 128 characters')
  .regex(/\p{L}/u, 'must contain a letter')
  .regex(/\p{N}/u, 'must contain a digit');

const name = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(80, 'must be at most 80 characters')
  .regex(/^[^\p{Cc}\p{Cf}]*$/u, 'must not contain control characters');

export const registerInput = z.object({ email, password, name });
// Login only bounds sizes: revealing the password policy here would help no one, and the bound
// keeps a huge password from costing a scrypt run.
export const loginInput = z.object({
  email: z.string().trim().toLowerCase().max(254, 'must be at most 254 characters'),
  password: z.string().max(128, 'must be at most 128 characters'),
});

export { parseInput };

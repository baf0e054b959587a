import { z } from 'zod';
import { PASSWORD_MAX_INPUT_UNITS, PASSWORD_MAX_LENGTH, passwordLengthProblem } from './password-policy';

export const email = z
  .string()
  .trim()
  .max(254, 'must be at most 254 characters')
  .toLowerCase()
  .pipe(z.email('must be a valid email address'));

/**
 * A new password's length rules (see password-policy.ts). How guessable it is depends on the
 * account's email and name, so the service checks that once the whole input is valid.
 */
export const newPassword = z.string().superRefine((value, context) => {
  const problem = passwordLengthProblem(value);
  if (problem) context.addIssue({ code: 'custom', message: problem });
});

const name = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(80, 'must be at most 80 characters')
  .regex(/^[^\p{Cc}\p{Cf}]*$/u, 'must not contain control characters');

export const registerInput = z.object({ email, password: newPassword, name });
// Login only bounds sizes: revealing the password policy here would help no one, and the bound
// keeps a huge password from costing work. It is register's bound, so any accepted password fits.
export const loginInput = z.object({
  email: z.string().trim().toLowerCase().max(254, 'must be at most 254 characters'),
  password: z.string().max(PASSWORD_MAX_INPUT_UNITS, `must be at most ${PASSWORD_MAX_LENGTH} characters`),
});

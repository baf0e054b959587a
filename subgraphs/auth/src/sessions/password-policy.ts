import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import * as common from '@zxcvbn-ts/language-common';

/**
 * The password rules of NIST SP 800-63B, for register and resetPassword (docs/authentication.md says
 * why each number): a length in characters, a maximum, no composition rules, and no password a
 * guesser would try early.
 */

/** Fewest characters, as {@link passwordLength} counts them (NIST: 15 for a single factor). */
export const PASSWORD_MIN_LENGTH = 15;
/** Most characters, as {@link passwordLength} counts them (NIST: allow at least 64). */
export const PASSWORD_MAX_LENGTH = 128;
/**
 * Most UTF-16 code units accepted before any work (normalising, counting, hashing). It is above
 * what any valid password can take before normalisation, and login uses the same bound, so a
 * password that was accepted can always be typed in again.
 */
export const PASSWORD_MAX_INPUT_UNITS = 1024;
/**
 * zxcvbn score a password needs: 4 is about 10^10 guesses or more by its estimate. A password
 * pieced together from common ones ("summer2024summer", a name plus "12345") lands near 10^8.
 */
export const PASSWORD_MIN_SCORE = 4;
/**
 * The estimate looks at this many leading characters, with this many l33t substitutions at most,
 * which bounds it to a few tens of milliseconds: it runs on the event loop.
 */
const ESTIMATE_MAX_LENGTH = 64;
const ESTIMATE_MAX_L33T = 20;

const WHITESPACE_RUN = /\p{White_Space}+/gu;

/**
 * A password's length in characters: Unicode code points after NFKC normalisation (as the hash
 * sees it), where a run of whitespace counts as one. So "ten spaces then a1" is 3, an emoji is
 * 1, and a full-width "ａ" is the "a" it normalises to.
 */
export function passwordLength(password: string): number {
  return [...password.normalize('NFKC').replace(WHITESPACE_RUN, ' ')].length;
}

/**
 * The length rules alone, which need nothing but the password: the problem, or null. Input
 * validation runs them with the other fields, so one answer names every bad field.
 */
export function passwordLengthProblem(password: string): string | null {
  if (password.length > PASSWORD_MAX_INPUT_UNITS) return `must be at most ${PASSWORD_MAX_LENGTH} characters`;
  const length = passwordLength(password);
  if (length < PASSWORD_MIN_LENGTH) return `must be at least ${PASSWORD_MIN_LENGTH} characters (a run of spaces counts as one)`;
  if (length > PASSWORD_MAX_LENGTH) return `must be at most ${PASSWORD_MAX_LENGTH} characters`;
  return null;
}

/** What the policy says about one password: null when it is acceptable, else why not. */
export interface PasswordPolicy {
  /**
   * The problem with `password`, or null. `context` holds what the account is known by (email,
   * name): a password made of them is as guessable as a common one.
   */
  problem(password: string, context: readonly string[]): string | null;
}

const TOO_GUESSABLE =
  'is too easy to guess: it is, or is close to, a common password, a keyboard pattern, a repeat or sequence, or your own email or name';

/**
 * The policy: the length rules, then zxcvbn's estimate with its common-password list (about
 * 49,000 passwords seen in breaches), its diceware word list and keyboard layouts. Building the
 * dictionaries takes a moment: make one per process.
 */
export function createPasswordPolicy(): PasswordPolicy {
  const estimator = new ZxcvbnFactory({
    dictionary: { ...common.dictionary },
    graphs: common.adjacencyGraphs,
    maxLength: ESTIMATE_MAX_LENGTH,
    l33tMaxSubstitutions: ESTIMATE_MAX_L33T,
  });
  return {
    problem(password, context) {
      const lengthProblem = passwordLengthProblem(password);
      if (lengthProblem) return lengthProblem;
      // The email's local part and each word of the name are guessable on their own too.
      const words = context.flatMap((value) => [value, ...value.split(/[@\s._+-]+/u)]).filter((word) => word.length >= 3);
      const { score } = estimator.check(password.normalize('NFKC'), words);
      return score < PASSWORD_MIN_SCORE ? TOO_GUESSABLE : null;
    },
  };
}

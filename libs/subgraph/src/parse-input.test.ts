import { GraphQLError } from 'graphql';
import { z } from 'zod';
import { pageSize } from './page-size';
import { parseInput } from './parse-input';

/** The error a call throws, as a client sees its message and extensions. */
function thrown(call: () => unknown): { message: string; extensions: Record<string, unknown> } {
  try {
    call();
  } catch (error) {
    if (error instanceof GraphQLError) return { message: error.message, extensions: error.extensions };
    throw error;
  }
  throw new Error('expected an error');
}

describe('parseInput', () => {
  const input = z.object({ email: z.email('must be a valid email address'), tags: z.array(z.string().min(2, 'is too short')) });

  it('names the argument and every bad field by its path from it', () => {
    const error = thrown(() => parseInput(input, { email: 'nope', tags: ['ok', 'x'] }, 'input'));
    expect(error.extensions).toEqual({
      code: 'BAD_USER_INPUT',
      argument: 'input',
      field: 'input.email',
      fields: [
        { field: 'input.email', message: 'must be a valid email address' },
        { field: 'input.tags.1', message: 'is too short' },
      ],
    });
    expect(error.message).toBe('input.email must be a valid email address; input.tags.1 is too short.');
  });

  it('names a scalar argument by itself', () => {
    const error = thrown(() => parseInput(z.string().min(20, 'is not a valid token'), 'short', 'token'));
    expect(error.extensions).toMatchObject({ argument: 'token', field: 'token' });
    expect(error.message).toBe('token is not a valid token.');
  });

  it('returns the parsed value when it is valid', () => {
    expect(parseInput(z.string().trim(), '  a  ', 'name')).toBe('a');
  });
});

describe('pageSize', () => {
  it.each([0, -1, 101, 2.5])('refuses %p naming the argument it was given', (value) => {
    const error = thrown(() => pageSize(value, 'limit', 10));
    expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'limit', field: 'limit' });
    expect(error.message).toBe('limit must be a whole number from 1 to 100.');
  });

  it('takes the fallback when the argument is absent', () => {
    expect(pageSize(null, 'first', 20)).toBe(20);
    expect(pageSize(undefined, 'first', 7)).toBe(7);
    expect(pageSize(100, 'first', 20)).toBe(100);
  });
});

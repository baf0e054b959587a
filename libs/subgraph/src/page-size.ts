import { errors } from './errors';

/** Largest page any list field returns. */
export const MAX_PAGE_SIZE = 100;

/**
 * Checks a page-size argument: a whole number from 1 to {@link MAX_PAGE_SIZE}, or `fallback` when
 * absent. `argument` is its name in the schema (`first`, `limit`), so an error names what the
 * client sent.
 */
export function pageSize(value: number | null | undefined, argument: string, fallback: number): number {
  const size = value ?? fallback;
  if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE_SIZE) {
    throw errors.invalidArgument(argument, [{ message: `must be a whole number from 1 to ${MAX_PAGE_SIZE}` }]);
  }
  return size;
}

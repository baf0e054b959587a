import { errors } from './errors';

/** Largest page any list field returns. */
export const MAX_PAGE_SIZE = 100;

/** Checks a `first` argument: a whole number from 1 to {@link MAX_PAGE_SIZE}. */
export function pageSize(first: number | null | undefined, fallback = 10): number {
  const size = first ?? fallback;
  if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE_SIZE) {
    throw errors.badInput(`first must be between 1 and ${MAX_PAGE_SIZE}.`, { field: 'first' });
  }
  return size;
}

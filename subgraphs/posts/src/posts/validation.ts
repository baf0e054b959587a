import { z } from 'zod';
import { parseInput } from '@supergraph/subgraph';

const title = z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters');
const body = z.string().trim().min(1, 'must not be empty').max(20_000, 'must be at most 20000 characters');
export const tag = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?$/, 'must be 1 to 32 letters, digits or dashes');
const tags = z
  .array(tag)
  .max(10, 'must be at most 10 tags')
  .transform((list) => [...new Set(list)]);

export const createPostInput = z.object({ title, body, tags: tags.nullish().transform((list) => list ?? []) });
export const updatePostInput = z
  .object({ title: title.nullish(), body: body.nullish(), tags: tags.nullish() })
  .refine((input) => input.title != null || input.body != null || input.tags != null, 'must change at least one field');

export type CreatePostInput = z.infer<typeof createPostInput>;
export type UpdatePostInput = z.infer<typeof updatePostInput>;

export { parseInput };

import { isValidObjectId } from 'mongoose';
import { errors } from '@supergraph/subgraph';
import type { Post } from './model';

/** Where a post stands in every list: by time and id (feed, tags) and by author number. */
export interface PostPosition {
  createdAt: Date;
  id: string;
  authorSeq: number;
}

/** An opaque cursor for a post; clients pass it back as `after`. */
export function cursorOf(post: Post): string {
  return Buffer.from(`${post.createdAt.getTime()}.${post.id}.${post.authorSeq}`).toString('base64url');
}

/** Reads an `after` argument; anything that is not one of our cursors is BAD_USER_INPUT. */
export function parseCursor(after: string | null | undefined): PostPosition | null {
  if (after === null || after === undefined) return null;
  const [time, id, seq] = Buffer.from(after, 'base64url').toString('utf8').split('.');
  const createdAt = new Date(Number(time));
  const authorSeq = Number(seq);
  if (!id || !isValidObjectId(id) || Number.isNaN(createdAt.getTime()) || !Number.isInteger(authorSeq) || authorSeq < 1) {
    throw errors.invalidArgument('after', [{ message: 'is not a valid cursor' }]);
  }
  return { createdAt, id, authorSeq };
}

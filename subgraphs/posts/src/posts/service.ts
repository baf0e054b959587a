import type { Cache } from '@supergraph/cache';
import type { Identity } from '@supergraph/identity';
import { errors, parseInput } from '@supergraph/subgraph';
import { outboxEvent, type OutboxRelay } from '@supergraph/outbox';
import { isValidObjectId, Types } from 'mongoose';
import { POST_EVENTS } from '../jobs';
import type { FeedWindow } from './feed-window';
import { toPost, type Post, type PostModel, type PostRecord } from './model';
import { families } from './store';
import { createPostInput, updatePostInput } from './validation';

/** The rules of posts: who may write what, and what each write invalidates. */
export interface PostService {
  create(identity: Identity, input: unknown): Promise<Post>;
  update(identity: Identity, id: string, input: unknown): Promise<Post>;
  remove(identity: Identity, id: string): Promise<string>;
}

const MAX_SEQ_ATTEMPTS = 20;

function signedIn(identity: Identity): string {
  if (!identity.userId) throw errors.unauthenticated('Sign in to write posts.');
  return identity.userId;
}

function isDuplicateKey(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 11000;
}

export function createPostService(posts: PostModel, cache: Cache, relay: OutboxRelay, window: FeedWindow): PostService {
  /** The live post, read from MongoDB (never the cache: a write decides on fresh data). */
  const ownPost = async (identity: Identity, id: string) => {
    const userId = signedIn(identity);
    const found = isValidObjectId(id)
      ? ((await posts.findOne({ _id: id, deletedAt: null }).lean()) as (PostRecord & { _id: Types.ObjectId }) | null)
      : null;
    if (!found) throw errors.notFound('No post with this id.', { id });
    if (found.authorId !== userId) throw errors.forbidden('Only the author can change this post.');
    return found;
  };

  return {
    async create(identity, input) {
      const authorId = signedIn(identity);
      const { title, body, tags } = parseInput(createPostInput, input, 'input');
      const feedWindow = await window.joins();
      for (let attempt = 0; attempt < MAX_SEQ_ATTEMPTS; attempt += 1) {
        // The next number is the count of the author's posts (deleted ones keep theirs) plus one;
        // the unique index turns a race for it into a retry.
        const authorSeq = (await posts.countDocuments({ authorId })) + 1;
        const _id = new Types.ObjectId();
        const event = outboxEvent(POST_EVENTS.created, String(_id), { tags });
        try {
          const created = await posts.create({
            _id,
            title,
            body,
            tags,
            authorId,
            authorSeq,
            deletedAt: null,
            feedWindow,
            outbox: [event],
          });
          const post = toPost(created.toObject());
          await cache.invalidate([families.feed, families.author(authorId), ...tags.map(families.tag)].map(cache.listKey));
          // Every list it joined reads it next: from the cache, not with a query per reader.
          await cache.primeCreated('post', post.id, post);
          await relay.publish(event, String(_id));
          return post;
        } catch (error) {
          if (!isDuplicateKey(error)) throw error;
        }
      }
      throw errors.conflict('Too many posts at once: try again.');
    },

    async update(identity, id, input) {
      const changes = parseInput(updatePostInput, input, 'input');
      const existing = await ownPost(identity, id);
      const set: Partial<PostRecord> = {};
      if (changes.title != null) set.title = changes.title;
      if (changes.body != null) set.body = changes.body;
      if (changes.tags != null) set.tags = changes.tags;
      const touchedTags = changes.tags ? [...new Set([...existing.tags, ...changes.tags])] : [];
      const event =
        touchedTags.length > 0 ? outboxEvent(POST_EVENTS.updated, String(new Types.ObjectId()), { tags: touchedTags }) : null;
      const updated = (await posts
        .findOneAndUpdate(
          { _id: existing._id, deletedAt: null },
          { $set: set, ...(event ? { $push: { outbox: event } } : {}) },
          { returnDocument: 'after' },
        )
        .lean()) as (PostRecord & { _id: Types.ObjectId }) | null;
      if (!updated) throw errors.notFound('No post with this id.', { id });
      await cache.invalidate([cache.entityKey('post', id), ...touchedTags.map((tag) => cache.listKey(families.tag(tag)))]);
      if (event) await relay.publish(event, id);
      return toPost(updated);
    },

    async remove(identity, id) {
      const existing = await ownPost(identity, id);
      const event = outboxEvent(POST_EVENTS.deleted, id, { tags: existing.tags });
      await posts.updateOne({ _id: existing._id }, { $set: { deletedAt: new Date() }, $push: { outbox: event } });
      await cache.invalidate([
        cache.entityKey('post', id),
        ...[families.feed, families.author(existing.authorId), ...existing.tags.map(families.tag)].map(cache.listKey),
      ]);
      await relay.publish(event, id);
      return id;
    },
  };
}

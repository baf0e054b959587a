import type { Cache } from '@supergraph/cache';
import type { Logger } from '@supergraph/logger';
import { createOutboxRelay, type OutboxJobData, type OutboxRelay } from '@supergraph/outbox';
import type { Job, JobQueue } from '@supergraph/queue';
import type { Connection } from 'mongoose';
import type { PostModel } from './posts/model';
import type { TagCountModel } from './tags/model';

/** The posts subgraph's queue and event types. */
export const POSTS_TAGS_QUEUE = 'posts-tags';
export const POST_EVENTS = { created: 'post-created', updated: 'post-updated', deleted: 'post-deleted' } as const;
/** Cache family of the trending tags list. */
export const TRENDING_FAMILY = 'trending';

/** Routes the posts' outbox events to the tag-counts queue. */
export function createPostsRelay(
  deps: { connection: Connection; posts: PostModel; queue: (name: string) => JobQueue; logger: Logger },
  settings: { OUTBOX_SWEEP_MS: number; OUTBOX_WINDOW_MS: number },
): OutboxRelay {
  const route = { queue: deps.queue(POSTS_TAGS_QUEUE), jobName: 'tag-counts' };
  return createOutboxRelay({
    connection: deps.connection,
    logger: deps.logger,
    sweepMs: settings.OUTBOX_SWEEP_MS,
    windowMs: settings.OUTBOX_WINDOW_MS,
    sources: [{ model: deps.posts, routes: Object.fromEntries(Object.values(POST_EVENTS).map((type) => [type, route])) }],
  });
}

/**
 * Recounts the tags an event touched. A recount (not `$inc`) is idempotent and order-free: a job
 * that runs twice, or two jobs racing, still end on the true count, because each checks the
 * count again after writing and writes again if it moved meanwhile.
 */
export function tagCountsProcessor(deps: { posts: PostModel; tagCounts: TagCountModel; cache: Cache }) {
  return async (job: Job<OutboxJobData>) => {
    const tags = Array.isArray(job.data.data.tags)
      ? job.data.data.tags.filter((tag): tag is string => typeof tag === 'string')
      : [];
    for (const tag of tags) {
      for (let attempt = 0; attempt < 3; attempt += 1) {
        const count = await deps.posts.countDocuments({ tags: tag, deletedAt: null });
        await deps.tagCounts.updateOne({ _id: tag }, { $set: { count, countedAt: new Date() } }, { upsert: true });
        if ((await deps.posts.countDocuments({ tags: tag, deletedAt: null })) === count) break;
      }
    }
    await deps.cache.invalidate([deps.cache.listKey(TRENDING_FAMILY)]);
    return { tags };
  };
}

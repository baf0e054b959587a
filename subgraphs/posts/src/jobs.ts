import type { Cache } from '@supergraph/cache';
import type { Logger } from '@supergraph/logger';
import {
  createEffectLog,
  createOutboxRelay,
  type EffectLog,
  type OutboxJobData,
  type OutboxRelay,
  type OutboxSettings,
} from '@supergraph/outbox';
import type { Job, JobQueue } from '@supergraph/queue';
import type { Connection } from 'mongoose';
import type { PostModel } from './posts/model';
import type { TagRecounter } from './tags/recounter';

/** The posts subgraph's queue and event types. */
export const POSTS_TAGS_QUEUE = 'posts-tags';
export const POST_EVENTS = { created: 'post-created', updated: 'post-updated', deleted: 'post-deleted' } as const;
/** Cache family of the trending tags list. */
export const TRENDING_FAMILY = 'trending';

/**
 * The record of every event whose tags were recounted (`tag_recounts`): the effect record that
 * tells the relay a tag-count event is done.
 */
export function tagRecountLog(connection: Connection): EffectLog {
  return createEffectLog({ connection, modelName: 'TagRecount', collection: 'tag_recounts' });
}

/** Routes the posts' outbox events to the tag-counts queue. */
export function createPostsRelay(
  deps: { connection: Connection; posts: PostModel; queue: (name: string) => JobQueue; logger: Logger },
  settings: OutboxSettings,
): OutboxRelay {
  const route = { queue: deps.queue(POSTS_TAGS_QUEUE), jobName: 'tag-counts', effects: tagRecountLog(deps.connection) };
  return createOutboxRelay({
    connection: deps.connection,
    logger: deps.logger,
    settings,
    sources: [{ model: deps.posts, routes: Object.fromEntries(Object.values(POST_EVENTS).map((type) => [type, route])) }],
  });
}

/**
 * Recounts the tags an event touched, once per event (recorded in `recounts`). A recount that
 * started after the event's job was enqueued counts its post, so events of one tag share
 * recounts (see ./tags/recounter). The count is recomputed, never incremented, so applying it
 * again could not change it either: an event re-run after a crash, or re-enqueued after Redis
 * lost it, cannot count a post twice, and FerretDB's lost updates cannot drift it.
 */
export function tagCountsProcessor(deps: { recounter: TagRecounter; recounts: EffectLog; cache: Cache }) {
  return async (job: Job<OutboxJobData>) => {
    const tags = Array.isArray(job.data.data.tags)
      ? job.data.data.tags.filter((tag): tag is string => typeof tag === 'string')
      : [];
    const recounted = await deps.recounts.once(job.data.eventId, async () => {
      await Promise.all(tags.map((tag) => deps.recounter.recount(tag, job.timestamp)));
    });
    await deps.cache.invalidate([deps.cache.listKey(TRENDING_FAMILY)]);
    return { tags, recounted };
  };
}

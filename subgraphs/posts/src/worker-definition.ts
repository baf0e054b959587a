import type { WorkerDefinition } from '@supergraph/subgraph';
import type { PostsConfig } from './config';
import { createPostsRelay, POSTS_TAGS_QUEUE, tagCountsProcessor, tagRecountLog } from './jobs';
import { createFeedWindowKeeper } from './posts/feed-window';
import { postModel } from './posts/model';
import { tagCountModel } from './tags/model';
import { createTagRecounter } from './tags/recounter';

/** The posts worker: per-tag counts, the feed's window, and the relay of the posts' outbox. */
export function postsWorker(config: PostsConfig): WorkerDefinition {
  return {
    name: 'posts',
    setup({ connection, cache, queue, logger }) {
      const posts = postModel(connection);
      const relay = createPostsRelay({ connection, posts, queue, logger }, config);
      const countTags = tagCountsProcessor({
        recounter: createTagRecounter({ posts, tagCounts: tagCountModel(connection) }),
        recounts: tagRecountLog(connection),
        cache,
      });
      // Every post event is one for the feed's window too: a post came in or went.
      const window = createFeedWindowKeeper({ posts, logger });
      const processor: typeof countTags = async (job) => {
        const result = await countTags(job);
        window.trimSoon();
        return result;
      };
      return { processors: { [POSTS_TAGS_QUEUE]: relay.processor(processor) }, relay, close: () => window.stop() };
    },
  };
}

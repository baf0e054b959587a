import type { WorkerDefinition } from '@supergraph/subgraph';
import type { PostsConfig } from './config';
import { createPostsRelay, POSTS_TAGS_QUEUE, tagCountsProcessor, tagRecountLog } from './jobs';
import { postModel } from './posts/model';
import { tagCountModel } from './tags/model';

/** The posts worker: per-tag counts, and the relay of the posts' outbox. */
export function postsWorker(config: PostsConfig): WorkerDefinition {
  return {
    name: 'posts',
    setup({ connection, cache, queue, logger }) {
      const posts = postModel(connection);
      const relay = createPostsRelay({ connection, posts, queue, logger }, config);
      const processor = tagCountsProcessor({
        posts,
        tagCounts: tagCountModel(connection),
        recounts: tagRecountLog(connection),
        cache,
      });
      return { processors: { [POSTS_TAGS_QUEUE]: relay.processor(processor) }, relay };
    },
  };
}

import path from 'node:path';
import type { Logger } from '@supergraph/logger';
import { buildSubgraph, DateTimeScalar, type BuiltSubgraph, type SubgraphDefinition } from '@supergraph/subgraph';
import type { Resolvers } from './__generated__/resolvers-types';
import type { PostsConfig } from './config';
import type { PostsContext } from './context';
import { createFeedWindow } from './posts/feed-window';
import { createPostLoaders } from './posts/loaders';
import { postModel } from './posts/model';
import { postResolvers } from './posts/resolvers';
import { createPostService } from './posts/service';
import { createPostStore } from './posts/store';
import { createPostsRelay } from './jobs';
import { tagCountModel } from './tags/model';

const resolvers: Resolvers = { DateTime: DateTimeScalar, ...postResolvers };

/** The posts subgraph: posts, the feed, tags, and each user's posts. */
export function postsSubgraph(config: PostsConfig): SubgraphDefinition<PostsContext> {
  return {
    name: 'posts',
    schemaPath: path.resolve(__dirname, '../schema.graphql'),
    setup({ connection, cache, queue, logger }) {
      const posts = postModel(connection);
      const window = createFeedWindow(posts);
      const store = createPostStore(posts, tagCountModel(connection), cache, window);
      const relay = createPostsRelay({ connection, posts, queue, logger }, config);
      const services = { posts: createPostService(posts, cache, relay, window) };
      return {
        resolvers,
        context: (base) => ({ ...base, store, services, loaders: createPostLoaders(store) }),
      };
    },
  };
}

/** Builds the posts subgraph without listening (tests run it in-process). */
export function buildPostsSubgraph(config: PostsConfig, logger: Logger): Promise<BuiltSubgraph> {
  return buildSubgraph(postsSubgraph(config), config, logger);
}

import path from 'node:path';
import type { Logger } from '@supergraph/logger';
import {
  buildSubgraph,
  createByIdLoader,
  DateTimeScalar,
  type BuiltSubgraph,
  type SubgraphDefinition,
} from '@supergraph/subgraph';
import type { Resolvers } from './__generated__/resolvers-types';
import type { PostsConfig } from './config';
import type { PostsContext } from './context';
import { postModel } from './posts/model';
import { postResolvers } from './posts/resolvers';

const resolvers: Resolvers = { DateTime: DateTimeScalar, ...postResolvers };

/** The posts subgraph: posts, and each user's posts. */
export function postsSubgraph(_config: PostsConfig): SubgraphDefinition<PostsContext> {
  return {
    name: 'posts',
    schemaPath: path.resolve(__dirname, '../schema.graphql'),
    setup({ connection }) {
      const posts = postModel(connection);
      return {
        resolvers,
        context: (base) => ({ ...base, loaders: { postById: createByIdLoader(posts) }, models: { posts } }),
      };
    },
  };
}

/** Builds the posts subgraph without listening (tests run it in-process). */
export function buildPostsSubgraph(config: PostsConfig, logger: Logger): Promise<BuiltSubgraph> {
  return buildSubgraph(postsSubgraph(config), config, logger);
}

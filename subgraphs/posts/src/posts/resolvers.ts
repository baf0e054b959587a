import { cacheControlFromInfo } from '@apollo/cache-control-types';
import { pageSize, parseInput } from '@supergraph/subgraph';
import type { Resolvers } from '../__generated__/resolvers-types';
import { cursorOf, parseCursor } from './cursor';
import { tag as tagSchema } from './validation';

/** Entities fetched through `_entities` get no hint from the schema: give them their type's. */
const PUBLIC_ENTITY = { maxAge: 60 } as const;

export const postResolvers: Resolvers = {
  Query: {
    post: (_, { id }, { loaders }) => loaders.postById.load(id),
    trendingTags: (_, { limit }, { store }) => store.trendingTags(pageSize(limit, 'limit', 10)),
    feed: async (_, { first, after }, { store, loaders }) =>
      loaders.resolveList(await store.feed(pageSize(first, 'first', 20), parseCursor(after))),
    postsByTag: async (_, { tag, first, after }, { store, loaders }) =>
      loaders.resolveList(await store.byTag(parseInput(tagSchema, tag, 'tag'), pageSize(first, 'first', 20), parseCursor(after))),
  },
  Mutation: {
    createPost: (_, { input }, { services, identity }) => services.posts.create(identity, input),
    updatePost: (_, { id, input }, { services, identity }) => services.posts.update(identity, id, input),
    deletePost: (_, { id }, { services, identity }) => services.posts.remove(identity, id),
  },
  Post: {
    __resolveReference: ({ id }, { loaders }, info) => {
      cacheControlFromInfo(info).setCacheHint(PUBLIC_ENTITY);
      return loaders.postById.load(id);
    },
    author: (post) => ({ id: post.authorId }),
    cursor: (post) => cursorOf(post),
  },
  User: {
    __resolveReference: ({ id }, _, info) => {
      cacheControlFromInfo(info).setCacheHint(PUBLIC_ENTITY);
      return { id };
    },
    posts: (user, { first, after }, { loaders }) =>
      loaders.postsByAuthor.load({
        authorId: user.id,
        first: pageSize(first, 'first', 10),
        afterSeq: parseCursor(after)?.authorSeq ?? null,
      }),
  },
};

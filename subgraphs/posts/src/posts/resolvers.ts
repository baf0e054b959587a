import { pageSize } from '@supergraph/subgraph';
import type { Resolvers } from '../__generated__/resolvers-types';

export const postResolvers: Resolvers = {
  Query: {
    post: (_, { id }, { loaders }) => loaders.postById.load(id),
  },
  Post: {
    __resolveReference: ({ id }, { loaders }) => loaders.postById.load(id),
    id: (post) => post.id as string,
    author: (post) => ({ id: post.authorId }),
    tags: (post) => [...post.tags],
  },
  User: {
    __resolveReference: ({ id }) => ({ id }),
    posts: (user, { first }, { models }) =>
      models.posts
        .find({ authorId: user.id })
        .sort({ createdAt: -1, _id: -1 })
        .limit(pageSize(first))
        .exec(),
  },
};

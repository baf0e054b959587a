import type { Resolvers } from '../__generated__/resolvers-types';

export const userResolvers: Resolvers = {
  Query: {
    me: (_, __, { identity, loaders }) => (identity.userId ? loaders.userById.load(identity.userId) : null),
    user: (_, { id }, { loaders }) => loaders.userById.load(id),
  },
  User: {
    __resolveReference: ({ id }, { loaders }) => loaders.userById.load(id),
    id: (user) => user.id as string,
    email: (user, _, { identity, sessionUserIds }) =>
      identity.userId === user.id || sessionUserIds.has(user.id as string) || identity.roles.includes('admin')
        ? user.email
        : null,
    createdAt: (user) => user.createdAt,
  },
};

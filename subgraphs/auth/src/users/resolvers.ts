import { cacheControlFromInfo } from '@apollo/cache-control-types';
import type { Resolvers } from '../__generated__/resolvers-types';

export const userResolvers: Resolvers = {
  Query: {
    me: (_, __, { identity, loaders }) => (identity.userId ? loaders.userById.load(identity.userId) : null),
    user: (_, { id }, { loaders }) => loaders.userById.load(id),
  },
  User: {
    __resolveReference: ({ id }, { loaders }, info) => {
      // Entities fetched through `_entities` get no hint from the schema: give them their type's.
      cacheControlFromInfo(info).setCacheHint({ maxAge: 60 });
      return loaders.userById.load(id);
    },
    email: (user, _, { identity, sessionUserIds }, info) => {
      // Private to its owner: never let a shared cache keep a response that shows it.
      cacheControlFromInfo(info).setCacheHint({ maxAge: 0, scope: 'PRIVATE' });
      return identity.userId === user.id || sessionUserIds.has(user.id) || identity.roles.includes('admin') ? user.email : null;
    },
  },
};

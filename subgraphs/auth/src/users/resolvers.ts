import { cacheControlFromInfo } from '@apollo/cache-control-types';
import type { GraphQLResolveInfo } from 'graphql';
import type { Resolvers } from '../__generated__/resolvers-types';
import type { AuthContext } from '../context';

/**
 * Whether the caller may see a user's private fields: the user themself (also right after
 * signing in, in the payload) or an admin. The answer then differs per caller, so no shared
 * cache may keep it.
 */
function mayViewPrivate(userId: string, { identity, sessionUserIds }: AuthContext, info: GraphQLResolveInfo): boolean {
  cacheControlFromInfo(info).setCacheHint({ maxAge: 0, scope: 'PRIVATE' });
  return identity.userId === userId || sessionUserIds.has(userId) || identity.roles.includes('admin');
}

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
    email: (user, _, context, info) => (mayViewPrivate(user.id, context, info) ? user.email : null),
    // Roles would list the admins to anyone: they are the owner's and admins' only, like the email.
    roles: (user, _, context, info) => (mayViewPrivate(user.id, context, info) ? user.roles : null),
  },
};

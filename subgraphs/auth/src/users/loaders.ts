import type { Cache } from '@supergraph/cache';
import { createCachedByIdLoader } from '@supergraph/subgraph';
import type DataLoader from 'dataloader';
import { toUser, type User, type UserModel } from './model';

export interface AuthLoaders {
  /** Users by id, batched per request and cached; null for an unknown or malformed id. */
  userById: DataLoader<string, User | null>;
}

export function createAuthLoaders(users: UserModel, cache: Cache): AuthLoaders {
  return { userById: createCachedByIdLoader({ model: users, cache, kind: 'user', toEntity: toUser }) };
}

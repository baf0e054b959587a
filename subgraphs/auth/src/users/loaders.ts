import type DataLoader from 'dataloader';
import { createByIdLoader } from '@supergraph/subgraph';
import type { UserDocument, UserModel } from './model';

export interface AuthLoaders {
  /** Users by id, batched per request; null for an unknown or malformed id. */
  userById: DataLoader<string, UserDocument | null>;
}

export function createAuthLoaders(users: UserModel): AuthLoaders {
  return { userById: createByIdLoader(users) };
}

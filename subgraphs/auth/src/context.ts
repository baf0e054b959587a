import type { Logger } from '@supergraph/logger';
import type { Identity } from '@supergraph/identity';
import type { AuthLoaders } from './users/loaders';
import type { AuthServices } from './services';

/** Per-request context of the auth subgraph. */
export interface AuthContext {
  requestId: string;
  logger: Logger;
  identity: Identity;
  /** Users this request signed in or registered: they see their own private fields in the payload. */
  sessionUserIds: Set<string>;
  loaders: AuthLoaders;
  services: AuthServices;
}

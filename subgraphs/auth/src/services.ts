import type { SessionService } from './sessions/service';

/** Long-lived services of the auth subgraph, shared by every request. */
export interface AuthServices {
  sessions: SessionService;
}

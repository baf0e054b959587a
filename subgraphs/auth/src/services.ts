import type { EmailService } from './emails/service';
import type { SessionService } from './sessions/service';

/** Long-lived services of the auth subgraph, shared by every request. */
export interface AuthServices {
  sessions: SessionService;
  emails: EmailService;
}

import { createHash, createHmac } from 'node:crypto';

/**
 * The token an email carries, derived from its event: a retried job sends the same token, so
 * there is only ever one valid link per email. Only its hash is stored.
 */
export function emailToken(secret: string, eventId: string): string {
  return createHmac('sha256', secret).update(`email-token:${eventId}`).digest('base64url');
}

export function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

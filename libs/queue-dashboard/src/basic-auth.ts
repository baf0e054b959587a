import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import type { SignInThrottle } from './sign-in-throttle';

/** What {@link basicAuth} checks against. */
export interface BasicAuthOptions {
  username: string;
  password: string;
  realm: string;
  /** Counts failed attempts; a blocked address gets 429 whatever it sends. */
  throttle: SignInThrottle;
}

/** SHA-256 of a string: equal-length buffers for `timingSafeEqual`, whatever the input lengths. */
function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/** The socket's address, with IPv4-mapped IPv6 written as IPv4 so one client is one key. */
export function clientAddress(req: Request): string {
  const address = req.socket.remoteAddress ?? 'unknown';
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}

function challenge(res: Response, realm: string): void {
  res.set('WWW-Authenticate', `Basic realm="${realm}"`);
  res.set('Cache-Control', 'no-store');
  res.status(401).type('text/plain').send('Unauthorized');
}

function tooMany(res: Response, retryAfterSeconds: number): void {
  res.set('Retry-After', String(retryAfterSeconds));
  res.set('Cache-Control', 'no-store');
  res.status(429).type('text/plain').send(`Too many failed sign-ins. Try again in ${retryAfterSeconds} seconds.`);
}

/**
 * Express middleware that lets a request through only with the given HTTP Basic credential.
 * Without an Authorization header: 401 with `WWW-Authenticate: Basic realm="<realm>"`. With one,
 * a blocked client gets 429 and `Retry-After` (the same answer and the same work for a right or a
 * wrong credential, so a blocked client learns nothing); otherwise a wrong credential is counted
 * and answered 401. Both parts are always compared, in constant time.
 */
export function basicAuth({ username, password, realm, throttle }: BasicAuthOptions): RequestHandler {
  const expectedUser = digest(username);
  const expectedPassword = digest(password);
  const matches = (header: string): boolean => {
    const match = /^Basic +([A-Za-z0-9+/=]+) *$/i.exec(header);
    const decoded = match?.[1] ? Buffer.from(match[1], 'base64').toString('utf8') : '';
    const colon = decoded.indexOf(':');
    const user = colon >= 0 ? decoded.slice(0, colon) : '';
    const pass = colon >= 0 ? decoded.slice(colon + 1) : '';
    const userOk = timingSafeEqual(digest(user), expectedUser);
    const passOk = timingSafeEqual(digest(pass), expectedPassword);
    return colon >= 0 && userOk && passOk;
  };
  return async (req, res, next) => {
    const header = req.headers.authorization;
    // A browser asks first without a credential: that is no attempt, so nothing is counted.
    if (header === undefined) return challenge(res, realm);
    try {
      const ok = matches(header);
      const address = clientAddress(req);
      const wait = await throttle.retryAfter(address);
      if (wait > 0) return tooMany(res, wait);
      if (ok) return next();
      const blocked = await throttle.recordFailure(address);
      return blocked > 0 ? tooMany(res, blocked) : challenge(res, realm);
    } catch (error) {
      next(error);
    }
  };
}

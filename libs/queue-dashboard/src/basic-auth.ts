import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';

/** SHA-256 of a string: equal-length buffers for `timingSafeEqual`, whatever the input lengths. */
function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/**
 * Express middleware that lets a request through only with the given HTTP Basic credential.
 * Anything else (no header, another scheme, wrong user or password) gets 401 with
 * `WWW-Authenticate: Basic realm="<realm>"`. Both parts are always compared, in constant time.
 */
export function basicAuth(username: string, password: string, realm: string): RequestHandler {
  const expectedUser = digest(username);
  const expectedPassword = digest(password);
  return (req, res, next) => {
    const match = /^Basic +([A-Za-z0-9+/=]+) *$/i.exec(req.headers.authorization ?? '');
    const decoded = match?.[1] ? Buffer.from(match[1], 'base64').toString('utf8') : '';
    const colon = decoded.indexOf(':');
    const user = colon >= 0 ? decoded.slice(0, colon) : '';
    const pass = colon >= 0 ? decoded.slice(colon + 1) : '';
    const userOk = timingSafeEqual(digest(user), expectedUser);
    const passOk = timingSafeEqual(digest(pass), expectedPassword);
    if (colon >= 0 && userOk && passOk) {
      next();
      return;
    }
    res.set('WWW-Authenticate', `Basic realm="${realm}"`);
    res.set('Cache-Control', 'no-store');
    res.status(401).type('text/plain').send('Unauthorized');
  };
}

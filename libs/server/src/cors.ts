import type { IncomingMessage, ServerResponse } from 'node:http';
import cors from 'cors';

/** Runs the `cors` middleware on a request; true when it answered (a preflight). */
export function applyCors(allowedOrigins: readonly string[]) {
  const allowed = new Set(allowedOrigins);
  const middleware = cors({
    origin: (origin, callback) => callback(null, origin !== undefined && allowed.has(origin)),
    methods: ['GET', 'POST', 'OPTIONS'],
    allowedHeaders: ['content-type', 'authorization', 'apollo-require-preflight', 'x-apollo-operation-name', 'x-request-id'],
    maxAge: 600,
  });
  return (request: IncomingMessage, response: ServerResponse): Promise<boolean> =>
    new Promise((resolve) => {
      // The middleware calls next() unless it ended the response itself (an OPTIONS preflight).
      middleware(request as never, response as never, () => resolve(false));
      response.once('finish', () => resolve(true));
    });
}

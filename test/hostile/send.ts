import net from 'node:net';
import { errors, Pool } from 'undici';
import type { HostileRequest } from './hostile-request';

/**
 * Sends hostile requests: through keep-alive undici pools, or, for bytes no client library will send
 * (`rawHead`), over a socket of their own. The answer is what the server said, or why there was none.
 */

export interface Answer {
  /** 0 when there was no HTTP answer. */
  status: number;
  contentType: string;
  body: string;
  /** Why there was no answer (the connection was reset, closed or timed out). */
  transportError?: string;
  /** The client library refused to send the request: a fault of the generator, not of the server. */
  clientError?: string;
}

export interface SenderOptions {
  /** Connections per origin. */
  connections: number;
  /** How long to wait for an answer before calling it a hang (generous: it detects hangs, it measures nothing). */
  hangAfterMs: number;
}

/** What the sender needs of a request. */
export type Sendable = Pick<HostileRequest, 'method' | 'path' | 'headers' | 'body' | 'rawHead'>;

/** Whether the request carries its own request id (then the campaign's is not added). */
const ownsRequestId = (headers: Record<string, string>) =>
  Object.keys(headers).some((name) => name.toLowerCase() === 'x-request-id');

function sendRaw(origin: string, request: Sendable, requestId: string, hangAfterMs: number): Promise<Answer> {
  const { hostname, port } = new URL(origin);
  const head = Buffer.from(request.rawHead!.replace('{{request-id}}', requestId), 'latin1');
  const body = request.body === undefined ? Buffer.alloc(0) : Buffer.from(request.body);
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    // No half-close after writing: Node's server drops a half-closed HTTP/1.0 connection without answering.
    // Every raw request asks for `Connection: close` (or is HTTP/1.0), so the server ends the connection.
    const socket = net.connect(Number(port), hostname, () => socket.write(Buffer.concat([head, body])));
    socket.setTimeout(hangAfterMs, () => socket.destroy(new Error(`no answer within ${hangAfterMs} ms`)));
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const status = /^HTTP\/1\.[01] (\d{3})/.exec(text);
      if (!status) {
        resolve({
          status: 0,
          contentType: '',
          body: '',
          transportError: text ? `not HTTP: ${text.slice(0, 80)}` : 'closed without an answer',
        });
        return;
      }
      const split = text.indexOf('\r\n\r\n');
      const headers = split < 0 ? text : text.slice(0, split);
      let payload = split < 0 ? '' : text.slice(split + 4);
      if (/^transfer-encoding:\s*chunked/im.test(headers)) payload = dechunk(payload);
      resolve({
        status: Number(status[1]),
        contentType: /^content-type:\s*(.*)$/im.exec(headers)?.[1]?.trim() ?? '',
        body: payload,
      });
    });
  });
}

/** Decodes a chunked body (enough for the small answers a refusal carries). */
function dechunk(payload: string): string {
  let out = '';
  let rest = payload;
  for (;;) {
    const line = rest.indexOf('\r\n');
    if (line < 0) return out;
    const size = parseInt(rest.slice(0, line), 16);
    if (!Number.isFinite(size) || size === 0) return out;
    out += rest.slice(line + 2, line + 2 + size);
    rest = rest.slice(line + 2 + size + 2);
  }
}

/** A sender with one keep-alive pool per origin; `close()` ends them all. */
export function createSender(options: SenderOptions) {
  const pools = new Map<string, Pool>();
  const poolFor = (origin: string) => {
    let pool = pools.get(origin);
    if (!pool) {
      pool = new Pool(origin, {
        connections: options.connections,
        headersTimeout: options.hangAfterMs,
        bodyTimeout: options.hangAfterMs,
      });
      pools.set(origin, pool);
    }
    return pool;
  };
  return {
    async send(origin: string, request: Sendable, requestId: string): Promise<Answer> {
      if (request.rawHead !== undefined) return sendRaw(origin, request, requestId, options.hangAfterMs);
      const headers = ownsRequestId(request.headers) ? request.headers : { ...request.headers, 'x-request-id': requestId };
      try {
        const response = await poolFor(origin).request({
          path: request.path,
          method: request.method as 'GET',
          headers,
          ...(request.body === undefined ? {} : { body: request.body }),
        });
        const body = await response.body.text();
        const contentType = response.headers['content-type'];
        return { status: response.statusCode, contentType: String(contentType ?? ''), body };
      } catch (error) {
        if (error instanceof errors.InvalidArgumentError)
          return { status: 0, contentType: '', body: '', clientError: error.message };
        const cause = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        return { status: 0, contentType: '', body: '', transportError: cause };
      }
    },
    async close() {
      await Promise.all([...pools.values()].map((pool) => pool.close()));
      pools.clear();
    },
  };
}

export type Sender = ReturnType<typeof createSender>;

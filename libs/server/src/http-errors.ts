import type { ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';

/** Writes a GraphQL-shaped error body, so every client sees `errors[].extensions.code`. */
export function sendError(
  response: ServerResponse,
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
  extensions: Record<string, unknown> = {},
): void {
  if (response.headersSent) {
    response.end();
    return;
  }
  const body = JSON.stringify({ errors: [{ message, extensions: { ...extensions, code } }] });
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    ...headers,
  });
  response.end(body);
}

/** Request bodies larger than this are refused with 413 before parsing. */
export const DEFAULT_MAX_BODY_BYTES = 1_048_576;

export class BodyTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`request body exceeds ${limit} bytes`);
    this.name = 'BodyTooLargeError';
  }
}

/** Reads the whole body, refusing more than `limit` bytes without buffering them. */
export async function readBody(request: AsyncIterable<Buffer>, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += chunk.length;
    if (size > limit) throw new BodyTooLargeError(limit);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** What Node's HTTP parser refused, as a status and a stable code. */
function parserRefusal(code: string | undefined): { status: number; reason: string; code: string; message: string } {
  if (code === 'HPE_HEADER_OVERFLOW') {
    return {
      status: 431,
      reason: 'Request Header Fields Too Large',
      code: 'HEADERS_TOO_LARGE',
      message: 'The request line and headers are too large.',
    };
  }
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    return { status: 408, reason: 'Request Timeout', code: 'REQUEST_TIMEOUT', message: 'The request took too long to arrive.' };
  }
  return { status: 400, reason: 'Bad Request', code: 'BAD_REQUEST', message: 'The request is not valid HTTP.' };
}

/**
 * Node's `clientError` handler: a request its parser refuses (an unknown method, headers over
 * the limit, malformed framing) still gets a GraphQL-shaped error body with a stable code,
 * instead of Node's bare status line. A connection already gone is just closed.
 */
export function answerClientError(error: Error & { code?: string }, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const { status, reason, code, message } = parserRefusal(error.code);
  const body = JSON.stringify({ errors: [{ message, extensions: { code } }] });
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
}

/** True when the client went away mid-request: its business, not a fault of ours. */
export function isClientGone(error: unknown, request: { destroyed: boolean }): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return (
    request.destroyed ||
    code === 'ECONNRESET' ||
    code === 'ECONNABORTED' ||
    (error instanceof Error && error.message === 'aborted')
  );
}

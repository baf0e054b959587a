import { connect } from 'node:net';

/**
 * Connects to host:port, writes `request`, and lets `judge` read the bytes received so far:
 * it returns true or false once it can tell, undefined to wait for more. Any error, close or
 * timeout is false; the socket is always destroyed.
 */
export function probeSocket(
  port: number,
  host: string,
  timeoutMs: number,
  request: string | Buffer,
  judge: (received: Buffer) => boolean | undefined,
): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host });
    let received = Buffer.alloc(0);
    let settled = false;
    const finish = (healthy: boolean): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(healthy);
    };
    const timer = setTimeout(() => finish(false), timeoutMs);
    socket.once('connect', () => socket.write(request));
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      const verdict = judge(received);
      if (verdict !== undefined) finish(verdict);
    });
    socket.once('error', () => finish(false));
    socket.once('close', () => finish(false));
  });
}

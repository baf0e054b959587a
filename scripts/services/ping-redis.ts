import { probeSocket } from './probe-socket';

/** Sends RESP `PING` to host:port and resolves true on `+PONG`; false on any error or timeout. */
export function pingRedis(port: number, host = '127.0.0.1', timeoutMs = 1_000): Promise<boolean> {
  return probeSocket(port, host, timeoutMs, '*1\r\n$4\r\nPING\r\n', (received) => {
    const reply = received.toString('latin1');
    const end = reply.indexOf('\r\n');
    if (end !== -1) return reply.slice(0, end) === '+PONG';
    return reply.length > 1_024 ? false : undefined;
  });
}

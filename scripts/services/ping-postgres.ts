import { probeSocket } from './probe-socket';

/** The protocol version of PostgreSQL's StartupMessage (3.0). */
const PROTOCOL_3 = 196_608;

/** StartupMessage for `user` on `database`, then Terminate, so the server ends the session cleanly. */
function startupThenTerminate(user: string, database: string): Buffer {
  const pairs = Buffer.from(`user\0${user}\0database\0${database}\0\0`, 'utf8');
  const startup = Buffer.alloc(8);
  startup.writeInt32BE(8 + pairs.length, 0);
  startup.writeInt32BE(PROTOCOL_3, 4);
  const terminate = Buffer.from([0x58, 0, 0, 0, 4]);
  return Buffer.concat([startup, pairs, terminate]);
}

/**
 * Whether PostgreSQL on host:port accepts sessions: it answers a StartupMessage with
 * AuthenticationOk ('R', 0), as the trust-authenticated servers we run do. An ErrorResponse
 * ('E': starting up, shutting down, too many clients) or anything else is false, like any error
 * or timeout.
 */
export function pingPostgres(port: number, host = '127.0.0.1', timeoutMs = 1_000, user = 'postgres'): Promise<boolean> {
  return probeSocket(port, host, timeoutMs, startupThenTerminate(user, 'postgres'), (received) => {
    if (received.length < 1) return undefined;
    if (received[0] !== 0x52) return false;
    if (received.length < 9) return undefined;
    return received.readInt32BE(5) === 0;
  });
}

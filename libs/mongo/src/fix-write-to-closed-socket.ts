import { createRequire } from 'node:module';
import type { Socket } from 'node:net';
import { MongoNetworkError } from 'mongodb';

/** What the fix needs of the driver's internal `Connection` (mongodb/lib/cmap/connection, untyped). */
interface DriverConnection {
  id: unknown;
  address: string;
  closed: boolean;
  error: Error | null;
  socket: Socket;
  cleanup(error: Error): void;
  once(event: 'close', listener: () => void): unknown;
  off(event: 'close', listener: () => void): unknown;
}

type WriteCommand = (this: DriverConnection, command: unknown, options: unknown) => Promise<void>;

interface ConnectionModule {
  Connection?: { prototype: { writeCommand?: WriteCommand; [FIXED]?: true } };
}

const FIXED = Symbol.for('supergraph.mongo.fixWriteToClosedSocket');

function closedError(connection: DriverConnection): Error {
  return connection.error ?? new MongoNetworkError(`connection ${String(connection.id)} to ${connection.address} closed`);
}

/**
 * Works around a driver bug (mongodb 7.8 and 7.9) that left our subgraphs without MongoDB for
 * good after the server restarted: a command written to a socket the peer has just closed, in
 * the moment between Node destroying it and its `close` event, is dropped without an error, and
 * `writeCommand` then waits for a `drain` that never comes. When the connection is the server
 * monitor's, the heartbeat never ends, no check ever runs again, the server stays Unknown and
 * every operation fails server selection (docs/operations.md, "Dependency outages").
 *
 * Patched here: a write to a destroyed socket fails at once with a network error, and a write
 * waiting for `drain` fails when its connection closes, as the driver handles any other network
 * error (the heartbeat fails, the next one reconnects). Patches the copy of the driver mongoose
 * loads; idempotent. Throws when the driver no longer has the method, so an upgrade is reviewed.
 */
export function fixWriteToClosedSocket(): void {
  // The driver mongoose uses (one copy today; resolving through mongoose keeps it so if that changes).
  const requireFromMongoose = createRequire(require.resolve('mongoose'));
  const { Connection } = requireFromMongoose('mongodb/lib/cmap/connection') as ConnectionModule;
  const prototype = Connection?.prototype;
  if (prototype?.[FIXED]) return;
  const original = prototype?.writeCommand;
  if (!prototype || typeof original !== 'function') {
    throw new Error(
      'mongodb driver: Connection.prototype.writeCommand is gone; review libs/mongo/src/fix-write-to-closed-socket.ts',
    );
  }
  prototype.writeCommand = function writeCommand(this: DriverConnection, command: unknown, options: unknown) {
    if (this.socket.destroyed && !this.closed) this.cleanup(closedError(this));
    if (this.closed) return Promise.reject(closedError(this));
    return new Promise<void>((resolve, reject) => {
      const onClose = () => reject(closedError(this));
      this.once('close', onClose);
      original
        .call(this, command, options)
        .then(resolve, reject)
        .finally(() => this.off('close', onClose));
    });
  };
  prototype[FIXED] = true;
}

import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';

/** The part of Bull Board's API that changes the queues it shows. */
export interface BoardQueuesApi {
  addQueue(queue: BullMQAdapter): void;
  removeQueue(name: string): void;
}

/** The queues a board shows; see {@link createBoardQueues}. */
export interface BoardQueues {
  /** Shows exactly these queues: opens the new ones, drops and closes those no longer named. */
  set(names: readonly string[]): void;
  /** Closes every queue; the shared connection stays open (its owner closes it). */
  close(): Promise<void>;
}

/**
 * Read-only queues on one shared connection for a Bull Board. They never write BullMQ's queue
 * metadata (`skipMetasUpdate`): looking at a queue must not create it, or discovery would find it.
 */
export function createBoardQueues(board: BoardQueuesApi, connection: Redis, prefix: string): BoardQueues {
  const open = new Map<string, Queue>();
  return {
    set(names) {
      const wanted = new Set(names);
      for (const [name, queue] of open) {
        if (wanted.has(name)) continue;
        board.removeQueue(name);
        open.delete(name);
        void queue.close().catch(() => undefined);
      }
      for (const name of [...wanted].sort()) {
        if (open.has(name)) continue;
        const queue = new Queue(name, { connection, prefix, skipMetasUpdate: true });
        queue.on('error', () => undefined); // already reported once through the connection's listener
        open.set(name, queue);
        board.addQueue(new BullMQAdapter(queue, { readOnlyMode: true }));
      }
    },
    async close() {
      await Promise.allSettled([...open.values()].map((queue) => queue.close()));
      open.clear();
    },
  };
}

/** A glob pattern matching `text` literally (Redis MATCH syntax). */
const globLiteral = (text: string): string => text.replace(/[*?[\]\\]/g, (char) => `\\${char}`);

/**
 * The BullMQ queues under `prefix`: one per `<prefix>:<name>:meta` key, which BullMQ writes when a
 * queue is first used (a producer or a worker starts). Sorted; read with SCAN, never KEYS.
 */
export async function discoverQueueNames(redis: Redis, prefix: string): Promise<string[]> {
  const head = `${prefix}:`;
  const names = new Set<string>();
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${globLiteral(head)}*:meta`, 'COUNT', 1000);
    cursor = next;
    for (const key of keys) {
      const name = key.slice(head.length, -':meta'.length);
      // A queue name holds no ':' (BullMQ refuses one), so anything deeper is not a queue's meta.
      if (name && !name.includes(':')) names.add(name);
    }
  } while (cursor !== '0');
  return [...names].sort();
}

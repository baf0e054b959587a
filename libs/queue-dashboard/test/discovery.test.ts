import { randomBytes } from 'node:crypto';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { eventually } from '@supergraph/testing';
import { createQueueDashboard, type QueueDashboard } from '../src';
import { discoverQueueNames } from '../src/board-queues';

/**
 * Without `queueNames`, the dashboard shows the queues it finds under its BullMQ prefix, and
 * follows them as they come and go, without ever creating one itself.
 */
const redisUrl = process.env.TEST_REDIS_URL!;
const run = randomBytes(4).toString('hex');
const prefix = `discover-${run}`; // a prefix of this test's own: only its queues live under it
const username = 'ops';
const password = randomBytes(12).toString('base64url');
const authorization = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;

let redis: Redis;
let dashboard: QueueDashboard | undefined;
const queues: Queue[] = [];

beforeAll(() => {
  redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
});

afterAll(async () => {
  await dashboard?.close();
  for (const queue of queues) {
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
  }
  const left = await redis.keys(`${prefix}*`);
  if (left.length > 0) await redis.del(...left);
  await redis.quit();
});

/** A producer for `name` under the test's prefix (BullMQ writes the queue's meta key on creation). */
async function openQueue(name: string): Promise<Queue> {
  const queue = new Queue(name, { connection: redis, prefix });
  queues.push(queue);
  await queue.waitUntilReady();
  await queue.add('job', { n: 1 });
  return queue;
}

/** The queue names the dashboard's API lists. */
async function shown(port: number): Promise<string[]> {
  const response = await fetch(`http://127.0.0.1:${port}/api/queues`, { headers: { authorization } });
  expect(response.status).toBe(200);
  const body = (await response.json()) as { queues: { name: string }[] };
  return body.queues.map((queue) => queue.name).sort();
}

describe('discoverQueueNames', () => {
  it('finds each queue by its meta key, and nothing deeper or under another prefix', async () => {
    await openQueue(`a-${run}`);
    await openQueue(`b-${run}`);
    await redis.hset(`${prefix}:a-${run}:job-1:meta`, 'x', '1'); // not a queue's meta
    await redis.hset(`${prefix}-other:c-${run}:meta`, 'x', '1'); // another prefix
    expect(await discoverQueueNames(redis, prefix)).toEqual([`a-${run}`, `b-${run}`]);
  });

  it('reads a prefix holding glob characters literally', async () => {
    await redis.hset(`${prefix}[x]:q:meta`, 'x', '1');
    expect(await discoverQueueNames(redis, `${prefix}[x]`)).toEqual(['q']);
    expect(await discoverQueueNames(redis, `${prefix}x`)).toEqual([]);
  });
});

describe('a dashboard without queueNames', () => {
  it('refuses a discovery period it cannot keep', () => {
    expect(() => createQueueDashboard({ redisUrl, username, password, discoverEveryMs: 10 })).toThrow(/discoverEveryMs/);
  });

  it('shows the queues it finds, adds a new one and drops one that is gone, creating none', async () => {
    dashboard = createQueueDashboard({ redisUrl, prefix, username, password, discoverEveryMs: 100, onError: () => undefined });
    const port = await dashboard.listen(0, '127.0.0.1');
    await eventually(async () => expect(await shown(port)).toEqual([`a-${run}`, `b-${run}`]));

    const late = await openQueue(`c-${run}`);
    await eventually(async () => expect(await shown(port)).toEqual([`a-${run}`, `b-${run}`, `c-${run}`]));

    await late.obliterate({ force: true });
    await eventually(async () => expect(await shown(port)).toEqual([`a-${run}`, `b-${run}`]));
    // Looking at a queue never writes its meta key back: the obliterated one stays gone.
    expect(await redis.exists(`${prefix}:c-${run}:meta`)).toBe(0);
  });
});

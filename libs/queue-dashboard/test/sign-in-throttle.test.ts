import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { Redis } from 'ioredis';
import { createQueueDashboard, type QueueDashboard, type SignInThrottleOptions } from '../src';

/**
 * Failed HTTP Basic sign-ins on the dashboard are throttled per client address and overall, in
 * Redis (so replicas share the counts) and in memory while Redis is away. Clients are told apart
 * by their real socket address: requests leave from 127.0.0.x loopback addresses of their own.
 */
const redisUrl = process.env.TEST_REDIS_URL!;
const run = randomBytes(4).toString('hex');
const queueNames = [`throttle-test-${run}`];
const username = 'ops';
const password = randomBytes(12).toString('base64url');
const basic = (user: string, pass: string): string => `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
const RIGHT = basic(username, password);
const wrong = (n: number): string => basic(username, `${password}-wrong-${n}`);

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
}

/** GET from the given local address (a 127.0.0.x source), without keep-alive. */
function get(port: number, from: string, authorization?: string, path = '/'): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path, localAddress: from, agent: false, headers: authorization ? { authorization } : {} },
      (res) => {
        res.resume();
        res.once('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
      },
    );
    req.once('error', reject);
    req.end();
  });
}

const dashboards: QueueDashboard[] = [];
let keys = 0;

/** A dashboard on a free port whose counters start empty (a key prefix of its own, unless given). */
async function start(
  limits: SignInThrottleOptions,
  url = redisUrl,
): Promise<{ port: number; blocked: string[]; keyPrefix: string }> {
  const blocked: string[] = [];
  const keyPrefix = limits.keyPrefix ?? `throttle-test:${run}:${(keys += 1)}`;
  const dashboard = createQueueDashboard({
    queueNames,
    redisUrl: url,
    username,
    password,
    signInThrottle: { ...limits, keyPrefix, onBlocked: (address) => blocked.push(address) },
    onError: () => undefined,
  });
  dashboards.push(dashboard);
  return { port: await dashboard.listen(0, '127.0.0.1'), blocked, keyPrefix };
}

afterAll(async () => {
  await Promise.all(dashboards.map((dashboard) => dashboard.close()));
  const redis = new Redis(redisUrl);
  const stale = await redis.keys(`throttle-test:${run}:*`);
  if (stale.length > 0) await redis.del(...stale);
  const queue = await redis.keys(`bull:${queueNames[0]}:*`);
  if (queue.length > 0) await redis.del(...queue);
  await redis.quit();
});

describe('queue dashboard sign-in throttle', () => {
  it('answers 429 with Retry-After once an address has used its failures, while another address signs in', async () => {
    const { port, blocked } = await start({ maxFailuresPerAddress: 3, maxFailures: 1_000, windowSeconds: 600 });
    const attacker = '127.0.0.2';

    // 200 wrong passwords, 20 at a time: only the first 3 are even checked.
    const statuses: number[] = [];
    for (let batch = 0; batch < 10; batch++) {
      const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => get(port, attacker, wrong(batch * 20 + i))));
      statuses.push(...answers.map((answer) => answer.status));
    }
    expect(statuses.filter((status) => status === 401)).toHaveLength(3);
    expect(statuses.filter((status) => status === 429)).toHaveLength(197);

    const refused = await get(port, attacker, wrong(1_000));
    expect(refused.status).toBe(429);
    const retryAfter = Number(refused.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(600);
    expect(refused.headers['cache-control']).toBe('no-store');

    // Blocked, the attacker learns nothing: the right password gets the same 429.
    expect((await get(port, attacker, RIGHT)).status).toBe(429);
    // Another address is not affected, and a browser's first request (no credential) is no attempt.
    expect((await get(port, '127.0.0.3', RIGHT)).status).toBe(200);
    expect((await get(port, '127.0.0.3')).status).toBe(401);
    expect(blocked).toEqual([attacker]);
  });

  it('blocks everyone once all addresses together used the overall allowance; a blocked address adds nothing to it', async () => {
    const { port, blocked } = await start({ maxFailuresPerAddress: 2, maxFailures: 5, windowSeconds: 600 });
    // One address over its own allowance many times counts only its first 2 towards the overall 5.
    for (let i = 0; i < 30; i++) await get(port, '127.0.0.4', wrong(i));
    expect((await get(port, '127.0.0.5', RIGHT)).status).toBe(200);
    // 2 + 2 + 1 = 5 failures from three addresses: the allowance is used, not yet exceeded.
    for (const [from, count] of [
      ['127.0.0.5', 2],
      ['127.0.0.6', 1],
    ] as const) {
      for (let i = 0; i < count; i++) expect((await get(port, from, wrong(i))).status).toBe(401);
    }
    // Now nobody gets in, not even with the right password from a fresh address.
    const everyone = await get(port, '127.0.0.7', RIGHT);
    expect(everyone.status).toBe(429);
    expect(Number(everyone.headers['retry-after'])).toBeGreaterThan(0);
    expect((await get(port, '127.0.0.8', wrong(0))).status).toBe(429);
    expect(blocked).toEqual(['127.0.0.4', '127.0.0.5', '*']);
  });

  it('shares the counts through Redis between dashboards (gateway replicas) using the same keys', async () => {
    const limits = { maxFailuresPerAddress: 2, maxFailures: 1_000, windowSeconds: 600 };
    const first = await start(limits);
    const second = await start({ ...limits, keyPrefix: first.keyPrefix });
    expect((await get(first.port, '127.0.0.9', wrong(1))).status).toBe(401);
    expect((await get(second.port, '127.0.0.9', wrong(2))).status).toBe(401);
    expect((await get(first.port, '127.0.0.9', RIGHT)).status).toBe(429);
    expect((await get(second.port, '127.0.0.9', RIGHT)).status).toBe(429);
    const redis = new Redis(redisUrl);
    try {
      expect((await redis.keys(`${first.keyPrefix}:*`)).sort()).toEqual([
        `${first.keyPrefix}:address:127.0.0.9`,
        `${first.keyPrefix}:all:*`,
      ]);
    } finally {
      await redis.quit();
    }
  });

  it('keeps throttling in memory while Redis is unreachable', async () => {
    const { port } = await start({ maxFailuresPerAddress: 2, maxFailures: 1_000, windowSeconds: 600 }, 'redis://127.0.0.1:1');
    expect((await get(port, '127.0.0.10', wrong(1))).status).toBe(401);
    expect((await get(port, '127.0.0.10', wrong(2))).status).toBe(401);
    expect((await get(port, '127.0.0.10', wrong(3))).status).toBe(429);
    expect((await get(port, '127.0.0.10', RIGHT)).status).toBe(429);
    expect((await get(port, '127.0.0.11', RIGHT)).status).toBe(200);
  });

  it('never sends X-Powered-By, on the board, its assets and API, or a refusal', async () => {
    const { port } = await start({ maxFailuresPerAddress: 1, maxFailures: 1_000, windowSeconds: 600 });
    const page = await get(port, '127.0.0.12', RIGHT);
    expect(page.status).toBe(200);
    const html = await new Promise<string>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path: '/', agent: false, headers: { authorization: RIGHT } }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.once('end', () => resolve(body));
      });
      req.once('error', reject);
      req.end();
    });
    const asset = /(?:src|href)="([^"]+\.js)"/.exec(html)?.[1];
    expect(asset).toBeDefined();
    const answers = [
      page,
      await get(port, '127.0.0.12', RIGHT, new URL(asset ?? '', `http://127.0.0.1:${port}/`).pathname),
      await get(port, '127.0.0.12', RIGHT, '/api/queues'),
      await get(port, '127.0.0.12'),
      await get(port, '127.0.0.12', wrong(1)),
      await get(port, '127.0.0.12', wrong(2)),
    ];
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 401, 401, 429]);
    for (const answer of answers) expect(answer.headers['x-powered-by']).toBeUndefined();
  });
});

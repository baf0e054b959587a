import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { connect } from 'node:net';
import { freePort } from '../../scripts/services';
import { startTestStack, type TestStack } from '../support/stack';

/**
 * The gateway's real entry point (a process) with the queue dashboard on: the admin port listens
 * on loopback only unless ADMIN_HOST says otherwise, failed sign-ins are throttled with the
 * configured allowance, and no HTTP server of ours (gateway, subgraphs, dashboard) says what it
 * runs on.
 */
jest.setTimeout(90_000);

const password = randomBytes(12).toString('base64url');
const basic = (pass: string): string => `Basic ${Buffer.from(`admin:${pass}`).toString('base64')}`;

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
}

function send(url: string, options: { method?: string; from?: string; headers?: Record<string, string>; body?: string } = {}) {
  const target = new URL(url);
  return new Promise<Answer>((resolve, reject) => {
    const req = request(
      {
        host: target.hostname,
        port: target.port,
        path: target.pathname,
        method: options.method ?? 'GET',
        agent: false,
        headers: options.headers ?? {},
        ...(options.from ? { localAddress: options.from } : {}),
      },
      (res) => {
        res.resume();
        res.once('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
      },
    );
    req.once('error', reject);
    req.end(options.body);
  });
}

/** Whether a TCP connection to host:port is accepted. */
function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

let stack: TestStack;
let gateway: Awaited<ReturnType<TestStack['startExtraGateway']>>;
let adminPort: number;

beforeAll(async () => {
  stack = await startTestStack();
  adminPort = await freePort();
  gateway = await stack.startExtraGateway({
    ADMIN_PASSWORD: password,
    ADMIN_PORT: String(adminPort),
    ADMIN_MAX_FAILURES_PER_IP: '2',
    QUEUE_REDIS_URL: process.env.TEST_REDIS_URL!,
  });
  // The dashboard starts listening just after the gateway says it is ready.
  for (const deadline = Date.now() + 20_000; !(await accepts('127.0.0.1', adminPort));) {
    if (Date.now() > deadline) throw new Error(`the admin port ${adminPort} never opened`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
});

afterAll(async () => {
  await gateway?.stop();
  await stack?.stop();
});

it('listens on 127.0.0.1 only by default', async () => {
  expect(await accepts('127.0.0.1', adminPort)).toBe(true);
  // Another loopback address reaches a socket bound to 0.0.0.0, but not one bound to 127.0.0.1.
  expect(await accepts('127.0.0.2', adminPort)).toBe(false);
});

it('throttles failed sign-ins per client address with 429 and Retry-After, and lets another address in', async () => {
  const admin = `http://127.0.0.1:${adminPort}/`;
  const statuses = [];
  for (let i = 0; i < 5; i++) {
    statuses.push((await send(admin, { from: '127.0.0.3', headers: { authorization: basic(`wrong-${i}`) } })).status);
  }
  expect(statuses).toEqual([401, 401, 429, 429, 429]);
  const refused = await send(admin, { from: '127.0.0.3', headers: { authorization: basic(password) } });
  expect(refused.status).toBe(429);
  expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
  expect((await send(admin, { from: '127.0.0.4', headers: { authorization: basic(password) } })).status).toBe(200);
});

it('sends no X-Powered-By from the gateway, a subgraph or the dashboard', async () => {
  const graphqlPost = (url: string) =>
    send(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
  const answers = {
    gateway: await graphqlPost(gateway.url),
    gatewayHealth: await send(gateway.url.replace('/graphql', '/healthz')),
    gatewayNotFound: await send(gateway.url.replace('/graphql', '/nowhere')),
    subgraphUnsigned: await graphqlPost(stack.subgraphUrls.posts), // no identity header: refused
    subgraphReady: await send(stack.subgraphUrls.auth.replace('/graphql', '/readyz')),
    dashboard: await send(`http://127.0.0.1:${adminPort}/`, { from: '127.0.0.5', headers: { authorization: basic(password) } }),
    dashboardChallenge: await send(`http://127.0.0.1:${adminPort}/`, { from: '127.0.0.5' }),
  };
  expect(Object.fromEntries(Object.entries(answers).map(([name, answer]) => [name, answer.status]))).toEqual({
    gateway: 200,
    gatewayHealth: 200,
    gatewayNotFound: 404,
    subgraphUnsigned: 401,
    subgraphReady: 200,
    dashboard: 200,
    dashboardChallenge: 401,
  });
  for (const [name, answer] of Object.entries(answers))
    expect({ [name]: answer.headers['x-powered-by'] }).toEqual({ [name]: undefined });
});

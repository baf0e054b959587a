import { randomBytes } from 'node:crypto';
import { listSubgraphs } from '@supergraph/registry';
import { eventually } from '@supergraph/testing';
import { freePort } from '../../scripts/services';
import { startTestStack, type TestStack } from '../support/stack';

/**
 * The gateway's queue dashboard, without QUEUE_NAMES, shows the queues the subgraphs use, found
 * in Redis: exactly the `queues` of the registry, so a new subgraph's appear with no gateway change.
 */
jest.setTimeout(90_000);

const run = randomBytes(4).toString('hex');
const password = randomBytes(12).toString('base64url');
// One key prefix for every process, as in a deployment: the gateway looks under `<prefix>bull`.
const prefix = `queue-discovery-${run}:`;

let stack: TestStack;
let gateway: Awaited<ReturnType<TestStack['startExtraGateway']>>;
let adminPort: number;

beforeAll(async () => {
  stack = await startTestStack({ REDIS_KEY_PREFIX: prefix });
  adminPort = await freePort();
  gateway = await stack.startExtraGateway({
    ADMIN_PASSWORD: password,
    ADMIN_PORT: String(adminPort),
    QUEUE_REDIS_URL: process.env.TEST_REDIS_URL!,
    QUEUE_PREFIX: `${prefix}bull`,
    QUEUE_DISCOVERY_MS: '200',
  });
});

afterAll(async () => {
  await gateway?.stop();
  await stack?.stop();
});

it("shows every subgraph's queues, as the registry lists them", async () => {
  const expected = listSubgraphs()
    .flatMap((subgraph) => subgraph.queues)
    .sort();
  expect(expected.length).toBeGreaterThan(0);
  const authorization = `Basic ${Buffer.from(`admin:${password}`).toString('base64')}`;
  const shown = await eventually(
    async () => {
      const response = await fetch(`http://127.0.0.1:${adminPort}/api/queues`, { headers: { authorization } });
      expect(response.status).toBe(200);
      const names = ((await response.json()) as { queues: { name: string }[] }).queues.map((queue) => queue.name).sort();
      expect(names).toEqual(expected);
      return names;
    },
    { timeoutMs: 20_000 },
  );
  expect(shown).toEqual(expected);
});

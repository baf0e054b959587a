import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { addProduct } from '../support/products';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink';
import { startTestStack, type TestStack } from '../support/stack';
import { signUp } from '../support/users';
import { exactlyOne } from './mail-helpers';

/** The cart worker as a real process, killed in the middle of a job. */
const root = path.resolve(__dirname, '../..');
let stack: TestStack;
let sink: SmtpSink;
let redis: Redis;
let queue: Queue;

beforeAll(async () => {
  sink = await startSmtpSink();
  stack = await startTestStack({}, { workers: { smtpUrl: sink.url, only: ['auth', 'posts'] } });
  redis = new Redis(stack.envs.cart.REDIS_URL!, { maxRetriesPerRequest: null });
  queue = new Queue('cart-email', { connection: redis, prefix: `${stack.envs.cart.REDIS_KEY_PREFIX}bull` });
}, 60_000);
afterAll(async () => {
  await queue.close();
  await redis.quit();
  await stack.stop();
  await sink.close();
});

function startWorker(): { child: ChildProcess; ready: Promise<void>; exited: Promise<number | null> } {
  const child = spawn(path.join(root, 'node_modules/.bin/tsx'), [path.join(root, 'subgraphs/cart/src/worker.ts')], {
    cwd: root,
    env: {
      PATH: process.env.PATH ?? '',
      ...stack.envs.cart,
      SMTP_URL: sink.url,
      LOG_LEVEL: 'info',
      SHUTDOWN_TIMEOUT_MS: '10000',
    },
    detached: true, // its own process group: SIGKILL takes tsx's child too
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('cart worker ready')) resolve();
    });
    child.on('exit', () => reject(new Error(`worker exited before ready: ${output}`)));
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, ready, exited };
}

async function placeOrder(): Promise<{ orderId: string; email: string }> {
  const user = await signUp(stack, 'Crash');
  await stack.query(`mutation($p: ID!) { addToCart(productId: $p) { itemCount } }`, {
    token: user.token,
    variables: { p: await addProduct(stack) },
  });
  const order = await stack.query<{ checkout: { id: string } }>(
    `mutation { checkout(idempotencyKey: "crash-${Date.now()}") { id } }`,
    { token: user.token },
  );
  return { orderId: order.data!.checkout.id, email: user.email };
}

async function waitForState(jobId: string, state: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if ((await queue.getJobState(jobId)) === state) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`job ${jobId} never became ${state} (now ${await queue.getJobState(jobId)})`);
}

it('(b) a worker SIGKILLed while sending, then restarted: exactly one email', async () => {
  sink.setDelay(5_000); // the SMTP server sits on the message: the worker is mid-job
  const first = startWorker();
  await first.ready;
  const { orderId, email } = await placeOrder();
  await waitForState(`order-placed.${orderId}`, 'active');
  await new Promise((resolve) => setTimeout(resolve, 500));
  process.kill(-first.child.pid!, 'SIGKILL');
  await first.exited;
  expect(sink.messages.filter((mail) => mail.subject.includes(orderId))).toHaveLength(0);

  sink.setDelay(0);
  const second = startWorker();
  await second.ready;
  const mail = await exactlyOne(sink, (m) => m.to.includes(email) && m.subject.includes(orderId), 2_500);
  expect(mail.messageId).toContain(`order-placed.${orderId}`);
  second.child.kill('SIGTERM');
  expect(await second.exited).toBe(0);
}, 60_000);

it('SIGTERM lets the running job finish before the worker exits', async () => {
  sink.setDelay(1_500);
  const worker = startWorker();
  await worker.ready;
  const { orderId } = await placeOrder();
  await waitForState(`order-placed.${orderId}`, 'active');
  worker.child.kill('SIGTERM');
  expect(await worker.exited).toBe(0);
  // The mail was accepted before the process left, and the job is done.
  expect(sink.messages.filter((mail) => mail.subject.includes(orderId))).toHaveLength(1);
  expect(await queue.getJobState(`order-placed.${orderId}`)).toBe('completed');
  sink.setDelay(0);
}, 60_000);

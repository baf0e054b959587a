import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { graphql, testEnv } from '@supergraph/testing';
import { isPortOpen } from '../../scripts/services';
import { freePort } from '../../scripts/services/ports';

/** `npm run dev` (scripts/dev.mjs, then scripts/dev.ts): Ctrl-C stops everything it started, whenever it comes. */
const root = path.resolve(__dirname, '../..');
const markers: string[] = [];

/** Live processes whose environment holds `marker`: everything one launcher started, at any depth. */
function processesWith(marker: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // A zombie's environment reads empty: it is gone.
      if (readFileSync(`/proc/${entry}/environ`, 'utf8').includes(marker)) found.push(Number(entry));
    } catch {
      // exited meanwhile
    }
  }
  return found;
}

async function launch() {
  const ports = {
    GATEWAY_PORT: await freePort(),
    AUTH_PORT: await freePort(),
    POSTS_PORT: await freePort(),
    CART_PORT: await freePort(),
    ADMIN_PORT: await freePort(),
    SMTP_SINK_PORT: await freePort(),
  };
  const { MONGO_URL, REDIS_URL, REDIS_KEY_PREFIX } = testEnv('dev');
  markers.push(REDIS_KEY_PREFIX);
  // As `npm run dev` runs it.
  const child = spawn(process.execPath, [path.join(root, 'scripts/dev.mjs')], {
    cwd: root,
    env: {
      PATH: process.env.PATH ?? '',
      MONGO_URL,
      REDIS_URL,
      REDIS_KEY_PREFIX,
      LOG_LEVEL: 'warn',
      ...Object.fromEntries(Object.entries(ports).map(([name, port]) => [name, String(port)])),
    },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const until = async (condition: () => boolean | Promise<boolean>, what: string, seconds: number) => {
    for (const deadline = Date.now() + seconds * 1000; Date.now() < deadline;) {
      if (await condition()) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`${what} within ${seconds} s; the launcher said:\n${output}`);
  };
  const anyPortOpen = async () => (await Promise.all(Object.values(ports).map((port) => isPortOpen(port)))).some(Boolean);
  /** Ctrl-C, then: the launcher exits 0, and no process it started and no port it opened is left. */
  const interrupt = async () => {
    child.kill('SIGINT');
    const code = await exited;
    expect({ code, output }).toMatchObject({ code: 0, output: expect.stringContaining('stopped') });
    await until(() => processesWith(REDIS_KEY_PREFIX).length === 0, 'every process it started has exited', 10);
    await until(async () => !(await anyPortOpen()), 'every port is closed', 5);
  };
  return { ports, until, interrupt, output: () => output };
}

afterAll(() => {
  // Only when a test failed: what a launcher left behind.
  for (const pid of markers.flatMap(processesWith)) process.kill(pid, 'SIGKILL');
});

it('stops everything when interrupted halfway through start-up, and starts nothing after', async () => {
  const dev = await launch();
  // The subgraphs are being started; the gateway would start once all three are ready.
  await dev.until(() => dev.output().includes('MongoDB-compatible'), 'it reached the apps', 60);
  await dev.interrupt();
  expect(dev.output()).not.toContain('supergraph ready');
}, 120_000);

it('boots the supergraph, answers through the gateway, and leaves nothing behind on Ctrl-C', async () => {
  const dev = await launch();
  await dev.until(() => dev.output().includes('supergraph ready'), 'the supergraph is ready', 90);
  const answer = await graphql(`http://127.0.0.1:${dev.ports.GATEWAY_PORT}/graphql`, '{ products(first: 1) { id } }');
  expect(answer.errors).toBeUndefined();
  expect(dev.output()).toContain(`http://localhost:${dev.ports.ADMIN_PORT}/`);
  await dev.interrupt();
}, 150_000);

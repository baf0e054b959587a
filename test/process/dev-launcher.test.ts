import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SUBGRAPH_NAMES, subgraphEnvPrefix } from '@supergraph/registry';
import { graphql, testEnv } from '@supergraph/testing';
import { isPortOpen, stopLocalServices } from '../../scripts/services';
import { ownPorts, type OwnedPorts } from './owned-ports';

/**
 * `npm run dev` (scripts/dev.mjs, then scripts/dev.ts) as a real process: it brings back any
 * process that dies, and Ctrl-C or SIGTERM stops everything it started, whenever it comes.
 */
const root = path.resolve(__dirname, '../..');
const markers: string[] = [];
/** Service pids a launcher recorded, to kill only if a failed test left them. */
const leftovers: number[] = [];
const cleanups: Array<() => Promise<void> | void> = [];
let launches = 0;

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

function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    return '';
  }
}

const OWN_PORT_NAMES = [
  'GATEWAY_PORT',
  'ADMIN_PORT',
  'SMTP_SINK_PORT',
  'POSTGRES_PORT',
  'MONGO_PORT',
  'REDIS_PORT',
  'REDIS_CACHE_PORT',
] as const;
/** `<NAME>_PORT`, the variable that moves a subgraph in the launcher. */
const subgraphPort = (name: string): string => `${subgraphEnvPrefix(name)}_PORT`;
/** Every port the launcher reads: its own, and one per subgraph of the registry. */
const PORT_NAMES = [...OWN_PORT_NAMES, ...SUBGRAPH_NAMES.map(subgraphPort)];

/**
 * Starts the launcher as `npm run dev` does, on ports this test owns, with its data in a temp
 * folder. With `ownServices` it starts its own PostgreSQL, FerretDB and two Redis; otherwise it uses the test
 * servers (quicker).
 */
async function launch(options: { ownServices?: boolean; logLevel?: string } = {}) {
  const owned: OwnedPorts = await ownPorts(PORT_NAMES.length);
  const ports = Object.fromEntries(PORT_NAMES.map((name, index) => [name, owned.ports[index]!])) as Record<
    (typeof OWN_PORT_NAMES)[number],
    number
  > &
    Partial<Record<string, number>>;
  const dataDir = mkdtempSync(path.join(tmpdir(), 'supergraph-dev-'));
  // FerretDB's PostgreSQL runs as its own user when we are root: it must get through to its data.
  chmodSync(dataDir, 0o711);
  cleanups.push(
    () => owned.release(),
    () => rmSync(dataDir, { recursive: true, force: true }),
  );
  const marker = `supergraph-dev-test-${process.pid}-${launches++}`;
  markers.push(marker);
  const { MONGO_URL, REDIS_URL, REDIS_KEY_PREFIX } = testEnv('dev');
  const env = {
    PATH: process.env.PATH ?? '',
    DEV_TEST_MARKER: marker,
    DEV_DATA_DIR: dataDir,
    LOG_LEVEL: options.logLevel ?? 'warn',
    ...(options.ownServices ? {} : { MONGO_URL, REDIS_URL, REDIS_KEY_PREFIX }),
    ...Object.fromEntries(Object.entries(ports).map(([name, port]) => [name, String(port)])),
  };
  const child = spawn(process.execPath, [path.join(root, 'scripts/dev.mjs')], {
    cwd: root,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  let exitCode: number | null | undefined;
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      exitCode = code;
      resolve(code);
    }),
  );
  /** Polls `condition`; fails at the deadline, or at once when the launcher has exited meanwhile. */
  const until = async (condition: () => boolean | Promise<boolean>, what: string, seconds: number, launcherMayExit = false) => {
    for (const deadline = Date.now() + seconds * 1000; Date.now() < deadline;) {
      if (await condition()) return;
      if (exitCode !== undefined && !launcherMayExit)
        throw new Error(`the launcher exited (${exitCode}) before: ${what}; it said:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`not within ${seconds} s: ${what}; the launcher said:\n${output}`);
  };
  const anyPortOpen = async () => (await Promise.all(Object.values(ports).map((port) => isPortOpen(port!)))).some(Boolean);
  /** The one live process of the stack running `entry`. */
  const pidOf = (entry: string): number => {
    const pids = processesWith(marker).filter((pid) => commandLine(pid).includes(path.join(root, entry)));
    if (pids.length !== 1) throw new Error(`expected one process running ${entry}, found ${pids.length}`);
    return pids[0]!;
  };
  /** After a stop: the launcher exited 0, and no process it started and no port it opened is left. */
  const expectAllGone = async () => {
    const code = await exited;
    expect({ code, output }).toMatchObject({ code: 0, output: expect.stringContaining('[dev]\x1b[0m stopped') });
    await until(() => processesWith(marker).length === 0, 'every process it started has exited', 20, true);
    await until(async () => !(await anyPortOpen()), 'every port is closed', 10, true);
  };
  return {
    ports,
    env,
    marker,
    until,
    pidOf,
    expectAllGone,
    signal: (name: NodeJS.Signals) => child.kill(name),
    output: () => output,
  };
}

afterAll(async () => {
  // Only when a test failed: what a launcher left behind.
  for (const pid of markers.flatMap(processesWith)) process.kill(pid, 'SIGKILL');
  for (const pid of leftovers) if (/ferretdb|redis-server|postgres/.test(commandLine(pid))) process.kill(pid, 'SIGKILL');
  for (const cleanup of cleanups) await cleanup();
});

it('stops everything when interrupted halfway through start-up, and starts nothing after', async () => {
  const dev = await launch();
  // The subgraphs are being started; the gateway would start once all three are ready.
  await dev.until(() => dev.output().includes('MongoDB-compatible'), 'it reached the apps', 60);
  dev.signal('SIGINT');
  await dev.expectAllGone();
  expect(dev.output()).not.toContain('supergraph ready');
}, 120_000);

it('boots the supergraph, answers through the gateway, and leaves nothing behind on Ctrl-C', async () => {
  const dev = await launch();
  await dev.until(() => dev.output().includes('supergraph ready'), 'the supergraph is ready', 120);
  const answer = await graphql(`http://127.0.0.1:${dev.ports.GATEWAY_PORT}/graphql`, '{ products(first: 1) { id } }');
  expect(answer.errors).toBeUndefined();
  expect(dev.output()).toContain(`http://localhost:${dev.ports.ADMIN_PORT}/`);
  dev.signal('SIGINT');
  await dev.expectAllGone();
}, 180_000);

it('brings back a SIGKILLed subgraph, worker and gateway; SIGTERM then stops it all, its Redis and FerretDB too, beside a concurrent services stop', async () => {
  // `info`: a worker says when it is ready, which is how the launcher knows it is back.
  const dev = await launch({ ownServices: true, logLevel: 'info' });
  await dev.until(() => dev.output().includes('supergraph ready'), 'the supergraph is ready', 240);
  // Its services, as it recorded them (redis-server rewrites its environment: no marker to find).
  const recorded = JSON.parse(readFileSync(path.join(dev.env.DEV_DATA_DIR, 'pids.json'), 'utf8')) as Record<
    string,
    { pid: number }
  >;
  expect(Object.keys(recorded).sort()).toEqual(['ferretdb', 'postgres', 'redis', 'redis-cache']);
  const servicePids = ['postgres', 'ferretdb', 'redis', 'redis-cache'].map((name) => recorded[name]!.pid);
  leftovers.push(...servicePids);
  expect(servicePids.map(commandLine)).toEqual([
    expect.stringContaining('postgres'),
    expect.stringContaining('ferretdb'),
    expect.stringContaining('redis-server'),
    expect.stringContaining('redis-server'),
  ]);

  const victims = [
    { name: 'posts', entry: 'subgraphs/posts/src/main.ts', port: dev.ports[subgraphPort('posts')]! },
    { name: 'posts-worker', entry: 'subgraphs/posts/src/worker.ts', port: undefined },
    { name: 'gateway', entry: 'gateway/src/main.ts', port: dev.ports.GATEWAY_PORT },
  ];
  for (const victim of victims) {
    const pid = dev.pidOf(victim.entry);
    process.kill(pid, 'SIGKILL');
    await dev.until(
      () => dev.output().includes(`${victim.name} exited (SIGKILL); restarting in`),
      `it said ${victim.name} exited`,
      30,
    );
    // The launcher says "back" once the new process is ready: /readyz 200, or a worker's ready line.
    await dev.until(() => dev.output().includes(`${victim.name} is back (pid`), `${victim.name} came back`, 90);
    const again = dev.pidOf(victim.entry);
    expect(again).not.toBe(pid);
    if (victim.port !== undefined) expect((await fetch(`http://127.0.0.1:${victim.port}/readyz`)).status).toBe(200);
  }
  const answer = await graphql(
    `http://127.0.0.1:${dev.ports.GATEWAY_PORT}/graphql`,
    '{ feed(first: 1) { id } products(first: 1) { id } }',
  );
  expect(answer.errors).toBeUndefined();
  expect(dev.output()).not.toContain('[dev]\x1b[0m stopping');

  // Two stops at once: the launcher's own, and `npm run services stop`'s on the same data folder
  // (run here, so that it surely overlaps: its CLI takes longer to load than the launcher to stop).
  const otherStop = stopLocalServices({ dataRoot: dev.env.DEV_DATA_DIR });
  dev.signal('SIGTERM');
  dev.signal('SIGTERM');
  const outcomes = await otherStop;
  await dev.expectAllGone();
  expect(servicePids.filter((pid) => commandLine(pid) !== '')).toEqual([]);
  expect(outcomes.map((outcome) => outcome.name)).toEqual(['postgres', 'ferretdb', 'redis', 'redis-cache']);
  expect(dev.output()).not.toMatch(/ENOENT|Unhandled|TypeError/);
  expect(readdirSync(dev.env.DEV_DATA_DIR).filter((name) => name.startsWith('pids.json'))).toEqual([]);
}, 420_000);

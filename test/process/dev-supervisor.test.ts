import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { superviseProcess, type SupervisedProcess, type SupervisedProcessOptions } from '../../scripts/dev-supervisor';
import { ownPorts } from './owned-ports';

/** The dev launcher's supervisor, on real processes: restarts, backoff, readiness and stops. */
const running: SupervisedProcess[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((child) => child.stop()));
});

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Supervises `node -e script`, recording what it says and prints; `next(pattern)` waits for a message. */
function supervise(script: string, options: Partial<SupervisedProcessOptions> = {}) {
  const said: string[] = [];
  const lines: string[] = [];
  const waiters: Array<() => void> = [];
  const child = superviseProcess({
    name: 'app',
    command: process.execPath,
    args: ['-e', script],
    cwd: process.cwd(),
    env: { PATH: process.env.PATH ?? '' },
    onLine: (line) => lines.push(line),
    say: (message) => {
      said.push(message);
      for (const wake of waiters.splice(0)) wake();
    },
    ...options,
  });
  running.push(child);
  /** Resolves once `count` messages match `pattern`. */
  const saidTimes = async (pattern: RegExp, count = 1) => {
    while (said.filter((message) => pattern.test(message)).length < count) await new Promise<void>((wake) => waiters.push(wake));
  };
  return { child, said, lines, saidTimes };
}

const STAYS_UP = `console.log('up ' + process.pid); setInterval(() => undefined, 1000);`;

it('restarts a process killed with SIGKILL, says so, and says when it is back', async () => {
  const app = supervise(STAYS_UP, { readyWhen: { line: /^up / }, initialDelayMs: 10 });
  await app.child.firstReady;
  const first = app.child.pid!;
  process.kill(first, 'SIGKILL');
  await app.saidTimes(/is back/);
  expect(app.said).toEqual(['app exited (SIGKILL); restarting in 0.01 s', `app is back (pid ${app.child.pid})`]);
  expect(app.child.pid).not.toBe(first);
  expect(isAlive(app.child.pid!)).toBe(true);
  expect(app.lines).toEqual([`up ${first}`, `up ${app.child.pid}`]);
});

it('backs off, doubling up to the cap, while a process keeps crashing, and says so', async () => {
  const app = supervise(`console.log('run'); process.exit(3);`, { initialDelayMs: 10, maxDelayMs: 80, resetAfterMs: 60_000 });
  await app.saidTimes(/exited/, 6);
  await app.child.stop();
  expect(app.said.slice(0, 6)).toEqual([
    'app exited (code 3); restarting in 0.01 s',
    'app exited (code 3), 2 times in a row: backing off, restarting in 0.02 s',
    'app exited (code 3), 3 times in a row: backing off, restarting in 0.04 s',
    'app exited (code 3), 4 times in a row: backing off, restarting in 0.08 s',
    'app exited (code 3), 5 times in a row: backing off, restarting in 0.08 s',
    'app exited (code 3), 6 times in a row: backing off, restarting in 0.08 s',
  ]);
});

it('starts the backoff over after a run that lasted long enough', async () => {
  const app = supervise(`process.exit(1);`, { initialDelayMs: 10, resetAfterMs: 0 });
  await app.saidTimes(/exited/, 3);
  expect(app.said.slice(0, 3)).toEqual(Array(3).fill('app exited (code 1); restarting in 0.01 s'));
});

it('a stop cancels a pending restart and settles firstReady', async () => {
  const app = supervise(`process.exit(1);`, { initialDelayMs: 600_000, maxDelayMs: 600_000, readyWhen: { line: /never/ } });
  await app.saidTimes(/restarting in 600 s/);
  await app.child.stop();
  await app.child.firstReady;
  expect(app.child.pid).toBeUndefined();
});

it('a stop SIGKILLs a process that ignores SIGTERM after the grace, and is safe to call twice', async () => {
  const app = supervise(`process.on('SIGTERM', () => console.log('ignored')); ${STAYS_UP}`, {
    readyWhen: { line: /^up / },
    stopGraceMs: 200,
  });
  await app.child.firstReady;
  const pid = app.child.pid!;
  await Promise.all([app.child.stop(), app.child.stop()]);
  expect(isAlive(pid)).toBe(false);
  expect(app.lines).toContain('ignored');
  expect(app.said).toEqual([]);
});

it('a process with a port is ready once its /readyz answers 200', async () => {
  const owned = await ownPorts(1);
  const dir = mkdtempSync(path.join(tmpdir(), 'supergraph-supervisor-'));
  const flag = path.join(dir, 'ready');
  try {
    // 503 until the test creates the flag file, and a line for each check.
    const server = `
      require('node:http').createServer((req, res) => {
        res.statusCode = require('node:fs').existsSync(${JSON.stringify(flag)}) ? 200 : 503;
        console.log('readyz ' + res.statusCode);
        res.end();
      }).listen(${owned.ports[0]}, '127.0.0.1');`;
    const app = supervise(server, { readyWhen: { port: owned.ports[0]! } });
    let ready = false;
    void app.child.firstReady.then(() => (ready = true));
    while (!app.lines.includes('readyz 503')) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(ready).toBe(false);
    writeFileSync(flag, '');
    await app.child.firstReady;
    await app.child.stop();
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await owned.release();
  }
});

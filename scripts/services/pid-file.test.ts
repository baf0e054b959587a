import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readPidFile, updatePidFile } from './pid-file';

/** pids.json is read, changed and written by several processes at once (a launcher stopping beside `npm run services stop`). */
let dataRoot: string;
beforeEach(async () => {
  dataRoot = await mkdtemp(join(tmpdir(), 'supergraph-pid-file-'));
});
afterEach(() => rm(dataRoot, { recursive: true, force: true }));

/**
 * One real process making `count` increments of the redis record's port, each a read-modify-write.
 * It says "ready" once loaded, and starts when `go()` is called, so every process writes at once.
 */
function incrementer(count: number) {
  const code = `
    const { updatePidFile } = require(${JSON.stringify(join(__dirname, 'pid-file.ts'))});
    process.stdout.write('ready\\n');
    process.stdin.once('data', async () => {
      try {
        await Promise.all(Array.from({ length: ${count} }, () =>
          updatePidFile(${JSON.stringify(dataRoot)}, (current) => {
            current.redis = { pid: process.pid, port: (current.redis?.port ?? 0) + 1, startedAt: '' };
          })));
        process.exit(0);
      } catch (error) {
        console.error(error);
        process.exit(1);
      }
    });`;
  const child = spawn(process.execPath, ['--import', 'tsx', '-e', code], { stdio: ['pipe', 'pipe', 'pipe'] });
  let output = '';
  const ready = new Promise<void>((resolve) =>
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('ready')) resolve();
    }),
  );
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; output: string }>((resolve) =>
    child.once('exit', (exitCode) => resolve({ code: exitCode, output: output.replace('ready\n', '') })),
  );
  return { ready, go: () => child.stdin.end('go\n'), exited };
}

it('loses no update and never crashes when processes write it at the same time', async () => {
  const writers = [incrementer(40), incrementer(40), incrementer(40), incrementer(40)];
  await Promise.all(writers.map((writer) => writer.ready));
  for (const writer of writers) writer.go();
  const results = await Promise.all(writers.map((writer) => writer.exited));
  // A writer may say it waits for the lock; none fails.
  for (const result of results) expect(result).toEqual({ code: 0, output: expect.not.stringMatching(/error|ENOENT/i) });
  expect((await readPidFile(dataRoot)).redis?.port).toBe(160);
  // No temp file or lock is left behind.
  expect(await readdir(dataRoot)).toEqual(['pids.json']);
}, 120_000);

it('runs concurrent updates of one process one after another, and removes the file once empty', async () => {
  await Promise.all(
    (['ferretdb', 'redis', 'redis-cache'] as const).map((name, index) =>
      updatePidFile(dataRoot, (current) => {
        current[name] = { pid: 100 + index, port: 1000 + index, startedAt: '' };
      }),
    ),
  );
  expect(Object.keys(await readPidFile(dataRoot)).sort()).toEqual(['ferretdb', 'redis', 'redis-cache']);
  await Promise.all(
    (['ferretdb', 'redis', 'redis-cache'] as const).map((name) =>
      updatePidFile(dataRoot, (current) => {
        delete current[name];
      }),
    ),
  );
  expect(await readdir(dataRoot)).toEqual([]);
});

it('takes over the lock of a writer that died holding it', async () => {
  const dead = spawn(process.execPath, ['-e', '']);
  const pid = dead.pid!;
  await new Promise((resolve) => dead.once('exit', resolve));
  await writeFile(join(dataRoot, 'pids.json.lock'), String(pid));
  await updatePidFile(dataRoot, (current) => {
    current.redis = { pid: 1, port: 6379, startedAt: '' };
  });
  expect((await readPidFile(dataRoot)).redis?.port).toBe(6379);
  expect(await readdir(dataRoot)).toEqual(['pids.json']);
});

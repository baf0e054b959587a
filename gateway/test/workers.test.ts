import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { startTestStack, type TestStack } from '../../test/support/stack';

/** GATEWAY_WORKERS: several processes serve one port, and SIGTERM stops them all. */
let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(() => stack.stop());

/**
 * Every Node process below `pid` (tsx runs the gateway in a child; the gateway forks its workers). Other
 * descendants, such as the esbuild service tsx may start on a cold transform cache, are not gateway processes.
 */
function descendantsOf(pid: number): number[] {
  const rows = execFileSync('ps', ['-e', '-o', 'pid=,ppid=,comm='], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .map(([child, parent, command]) => ({ child: Number(child), parent: Number(parent), command: command ?? '' }));
  const found = [{ child: pid, command: 'node' }];
  for (let i = 0; i < found.length; i++) for (const row of rows) if (row.parent === found[i]!.child) found.push(row);
  return found
    .slice(1)
    .filter((row) => row.command === 'node')
    .map((row) => row.child);
}

it('serves one port from several worker processes and stops them all on SIGTERM', async () => {
  const gateway = await stack.startExtraGateway({ GATEWAY_WORKERS: '2' });
  const tree = [gateway.pid];
  try {
    // tsx's child (the supervisor) and its two workers.
    for (let i = 0; i < 50 && descendantsOf(gateway.pid).length < 3; i++)
      await new Promise((resolve) => setTimeout(resolve, 200));
    expect(descendantsOf(gateway.pid)).toHaveLength(3);
    const answers = await Promise.all(Array.from({ length: 20 }, () => gateway.query('{ products(first: 1) { id } }')));
    expect(answers.every((answer) => answer.status === 200 && !answer.errors)).toBe(true);
    tree.push(...descendantsOf(gateway.pid));
  } finally {
    await gateway.stop();
  }
  // A worker that exited stays a zombie until init reaps it (its parent, the supervisor, is gone).
  const alive = (pid: number) => {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
    } catch {
      return false;
    }
  };
  for (let i = 0; i < 50 && tree.some(alive); i++) await new Promise((resolve) => setTimeout(resolve, 100));
  expect(tree.filter(alive)).toEqual([]);
});

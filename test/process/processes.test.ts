import { spawn } from 'node:child_process';
import path from 'node:path';
import { testEnv } from '@supergraph/testing';

const root = path.resolve(__dirname, '../..');
const tsx = path.join(root, 'node_modules/.bin/tsx');

interface Exit {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs an app's real entry point as its own process, as production does. */
function run(entry: string, env: Record<string, string>, onStdout?: (text: string, child: ReturnType<typeof spawn>) => void) {
  const child = spawn(tsx, [path.join(root, entry)], { env: { PATH: process.env.PATH ?? '', ...env }, cwd: root });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    onStdout?.(stdout, child);
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return new Promise<Exit>((resolve) => child.on('exit', (code) => resolve({ code, stdout, stderr })));
}

describe('process entry points', () => {
  it('refuse to boot on an invalid config with one message naming every bad variable', async () => {
    const result = await run('subgraphs/auth/src/main.ts', {
      PRESET: 'enormous',
      MONGO_URL: 'http://not-mongo',
      JWT_SECRET: 'short',
      DB_POOL_SIZE: '-3',
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Invalid configuration:');
    for (const name of ['PRESET', 'MONGO_URL', 'JWT_SECRET', 'DB_POOL_SIZE', 'IDENTITY_SECRET']) {
      expect(result.stderr).toMatch(new RegExp(`^  - ${name}: `, 'm'));
    }
    expect(result.stderr).not.toContain('short'); // secrets are never echoed
    expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  // As deployed (NODE_ENV=production): every cleanup must finish, none may wait out the budget.
  it.each([
    ['auth', 'subgraphs/auth/src/main.ts', 'auth subgraph ready'],
    ['gateway', 'gateway/src/main.ts', 'gateway ready'],
  ])('%s stops cleanly on SIGTERM', async (name, entry, readyLine) => {
    const env = { ...testEnv('proc'), NODE_ENV: 'production', LOG_LEVEL: 'debug', SHUTDOWN_TIMEOUT_MS: '20000' };
    let signalled = false;
    const result = await run(entry, env, (stdout, child) => {
      if (!signalled && stdout.includes(readyLine)) {
        signalled = true;
        child.kill('SIGTERM');
      }
    });
    expect(signalled).toBe(true);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`"msg":"${name} stopped"`);
    expect(result.stdout).toContain('"forced":false');
    expect(result.stdout).not.toContain('shutdown cleanup failed');
  });
});

import { join } from 'node:path';
import { withFileLock } from './file-lock';
import { log, toolsDir } from './paths';
import { findExecutable, runCommand, tailLines } from './run-command';

const SYSTEM_DIRS = ['/usr/bin', '/usr/sbin', '/usr/local/bin', '/usr/local/sbin'];
const MISSING = 'redis-server is missing: install it with `sudo apt-get install redis-server`';

let pending: Promise<string> | undefined;

async function aptGet(apt: string, args: readonly string[]): Promise<void> {
  log(`redis: apt-get ${args.join(' ')}`);
  const result = await runCommand(apt, args, { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  if (result.code !== 0) throw new Error(`apt-get ${args.join(' ')} failed (exit ${result.code}):\n${tailLines(result.output)}`);
}

async function ensureOnce(): Promise<string> {
  const found = findExecutable('redis-server', SYSTEM_DIRS);
  if (found !== undefined) return found;
  if (process.getuid?.() !== 0) throw new Error(MISSING);
  const apt = findExecutable('apt-get', SYSTEM_DIRS);
  if (apt === undefined)
    throw new Error(`${MISSING} (apt-get is not available here either: install Redis with your package manager)`);
  // Two concurrent installs would fight over the dpkg lock; the second one just waits.
  return withFileLock(join(toolsDir(), 'redis-install.lock'), async () => {
    const again = findExecutable('redis-server', SYSTEM_DIRS);
    if (again !== undefined) return again;
    await aptGet(apt, ['update']);
    await aptGet(apt, ['install', '-y', 'redis-server']);
    const installed = findExecutable('redis-server', SYSTEM_DIRS);
    if (installed === undefined) throw new Error('apt-get installed redis-server but it is still not on PATH');
    log(`redis: installed ${installed}`);
    return installed;
  });
}

/**
 * Returns the path of `redis-server`. When missing: installs Debian's package with apt-get if
 * running as root, otherwise fails with instructions. Idempotent and shared by concurrent callers.
 */
export function ensureRedisServer(): Promise<string> {
  pending ??= ensureOnce().catch((error: unknown) => {
    pending = undefined;
    throw error;
  });
  return pending;
}

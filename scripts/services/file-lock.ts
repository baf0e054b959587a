import { mkdir, open, readFile, stat, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { log } from './paths';
import { isPidAlive, sleep } from './process-utils';

/** A lock file younger than this with no pid yet is being written, not abandoned. */
const EMPTY_LOCK_GRACE_MS = 30_000;

async function tryCreate(lockPath: string): Promise<boolean> {
  try {
    const handle = await open(lockPath, 'wx');
    await handle.writeFile(String(process.pid));
    await handle.close();
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

/** Pid of the holder, or undefined when the lock is abandoned (dead holder, or empty and old). */
async function liveHolder(lockPath: string): Promise<number | 'unknown' | undefined> {
  try {
    const pid = Number.parseInt((await readFile(lockPath, 'utf8')).trim(), 10);
    if (Number.isInteger(pid) && pid > 0) return isPidAlive(pid) ? pid : undefined;
    return Date.now() - (await stat(lockPath)).mtimeMs < EMPTY_LOCK_GRACE_MS ? 'unknown' : undefined;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * Runs `task` while holding an exclusive lock file (created with O_EXCL, holding our pid).
 * Waits for a live holder; takes over a lock whose holder died. Works across processes.
 */
export async function withFileLock<T>(lockPath: string, task: () => Promise<T>, timeoutMs = 15 * 60_000): Promise<T> {
  await mkdir(dirname(lockPath), { recursive: true });
  const deadline = Date.now() + timeoutMs;
  let announced = false;
  while (!(await tryCreate(lockPath))) {
    const holder = await liveHolder(lockPath);
    if (holder === undefined) {
      await unlink(lockPath).catch(() => undefined);
      continue;
    }
    if (Date.now() >= deadline) {
      throw new Error(`Timed out after ${timeoutMs / 1000} s waiting for ${lockPath} (held by pid ${holder})`);
    }
    if (!announced) log(`waiting for ${lockPath} (held by pid ${holder})`);
    announced = true;
    await sleep(500);
  }
  try {
    return await task();
  } finally {
    await unlink(lockPath).catch(() => undefined);
  }
}

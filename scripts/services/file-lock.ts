import { randomBytes } from 'node:crypto';
import { link, mkdir, open, readFile, rename, stat, unlink } from 'node:fs/promises';
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

/**
 * Pid of the holder; 'gone' when the lock was released meanwhile (try again, never unlink: the
 * file there now may be a new holder's); 'abandoned' for a dead holder, or an empty, old file.
 */
async function holderOf(lockPath: string): Promise<number | 'unknown' | 'gone' | 'abandoned'> {
  try {
    const pid = Number.parseInt((await readFile(lockPath, 'utf8')).trim(), 10);
    if (Number.isInteger(pid) && pid > 0) return isPidAlive(pid) ? pid : 'abandoned';
    return Date.now() - (await stat(lockPath)).mtimeMs < EMPTY_LOCK_GRACE_MS ? 'unknown' : 'abandoned';
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'gone';
    throw error;
  }
}

/**
 * Removes an abandoned lock, and only it: it is moved aside first (one mover wins), and put back
 * when what was moved turns out to be a live holder's fresh lock rather than the dead one's.
 */
async function removeAbandoned(lockPath: string): Promise<void> {
  const aside = `${lockPath}.${process.pid}.${randomBytes(6).toString('hex')}.stale`;
  try {
    await rename(lockPath, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  const moved = await holderOf(aside);
  if (typeof moved === 'number' || moved === 'unknown') await link(aside, lockPath).catch(() => undefined);
  await unlink(aside).catch(() => undefined);
}

/** Takes the lock when it is free or abandoned; otherwise says who holds it. */
async function acquire(lockPath: string): Promise<true | number | 'unknown'> {
  for (;;) {
    if (await tryCreate(lockPath)) return true;
    const holder = await holderOf(lockPath);
    if (holder === 'abandoned') await removeAbandoned(lockPath);
    else if (holder !== 'gone') return holder;
  }
}

/**
 * Takes an exclusive lock file (created with O_EXCL, holding our pid) without waiting: the
 * function that releases it, or undefined while a live process holds it. Works across processes.
 */
export async function tryFileLock(lockPath: string): Promise<(() => Promise<void>) | undefined> {
  await mkdir(dirname(lockPath), { recursive: true });
  if ((await acquire(lockPath)) !== true) return undefined;
  let released: Promise<void> | undefined;
  return () => (released ??= unlink(lockPath).catch(() => undefined));
}

/**
 * Runs `task` while holding an exclusive lock file (created with O_EXCL, holding our pid).
 * Waits for a live holder; takes over a lock whose holder died. Works across processes.
 */
export async function withFileLock<T>(lockPath: string, task: () => Promise<T>, timeoutMs = 15 * 60_000): Promise<T> {
  await mkdir(dirname(lockPath), { recursive: true });
  const deadline = Date.now() + timeoutMs;
  let announced = false;
  for (;;) {
    const holder = await acquire(lockPath);
    if (holder === true) break;
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

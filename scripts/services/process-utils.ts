import { readFileSync } from 'node:fs';

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Whether a process with this pid exists and is not a zombie.
 * Zombies count as dead because in containers PID 1 often never reaps them.
 */
export function isPidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true; // no procfs: trust kill(0)
  }
}

/** The command line of a process (args joined by spaces); undefined when unreadable. */
export function pidCommandLine(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
  } catch {
    return undefined;
  }
}

/** Polls until the pid is gone; returns false on timeout. */
export async function waitForPidExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isPidAlive(pid)) {
    if (Date.now() >= deadline) return false;
    await sleep(100);
  }
  return true;
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

/**
 * Stops a process that is not our child: SIGTERM (or `first`), up to `graceMs`, then SIGKILL.
 * Returns false when it was not running. Safe to call twice.
 */
export async function stopPid(pid: number, graceMs = 5_000, first: NodeJS.Signals = 'SIGTERM'): Promise<boolean> {
  if (!isPidAlive(pid)) return false;
  signal(pid, first);
  if (await waitForPidExit(pid, graceMs)) return true;
  signal(pid, 'SIGKILL');
  if (!(await waitForPidExit(pid, 2_000))) throw new Error(`Process ${pid} is still alive after SIGKILL`);
  return true;
}

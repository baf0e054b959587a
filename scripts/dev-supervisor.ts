/**
 * Supervises one process of the dev stack: it is restarted when it exits, with a backoff that
 * doubles while it keeps crashing, and every exit and restart is said. Only `stop()` ends it.
 */
import { spawn, type ChildProcess } from 'node:child_process';

/** How to tell that a run of the process is ready. */
export type ReadyWhen =
  /** `GET http://127.0.0.1:<port>/readyz` answers 200. */
  | { port: number }
  /** One of its output lines matches (for a process without HTTP, e.g. a worker). */
  | { line: RegExp };

/** Options of {@link superviseProcess}. */
export interface SupervisedProcessOptions {
  /** Its name in messages. */
  name: string;
  command: string;
  args: readonly string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Each line it prints, stdout and stderr. */
  onLine(line: string): void;
  /** Where exits, restarts and back-offs are said. */
  say(message: string): void;
  /** When set, a restarted run is announced once ready ("<name> is back"). */
  readyWhen?: ReadyWhen;
  /** Delay before the first restart after a crash. @defaultValue 1000 */
  initialDelayMs?: number;
  /** The backoff never waits longer than this. @defaultValue 30000 */
  maxDelayMs?: number;
  /** A run that lasted this long is not a crash loop: the next restart waits `initialDelayMs` again. @defaultValue 30000 */
  resetAfterMs?: number;
  /** Time `stop()` gives the process after SIGTERM before SIGKILL. @defaultValue 15000 */
  stopGraceMs?: number;
  /** Said once per run when it is not ready this long after starting. @defaultValue 60000 */
  slowReadyMs?: number;
}

/** A supervised process: runs until `stop()`, whatever it does. */
export interface SupervisedProcess {
  readonly name: string;
  /** The pid of the current run; undefined while waiting to restart. */
  readonly pid: number | undefined;
  /** Resolves when a run is first ready (at once without `readyWhen`), or when stopped. */
  readonly firstReady: Promise<void>;
  /** Cancels a pending restart, SIGTERMs the process group, SIGKILLs it after the grace. Safe to call twice. */
  stop(): Promise<void>;
}

const seconds = (ms: number) => `${Number((ms / 1000).toFixed(2))} s`;

function validDelay(name: string, value: number | undefined, fallback: number): number {
  const delay = value ?? fallback;
  if (!Number.isFinite(delay) || delay < 0) throw new TypeError(`${name} must be a non-negative number of ms, got ${value}`);
  return delay;
}

/** Starts `command` and keeps it running until `stop()`. */
export function superviseProcess(options: SupervisedProcessOptions): SupervisedProcess {
  const { name, say } = options;
  const initialDelayMs = validDelay('initialDelayMs', options.initialDelayMs, 1_000);
  const maxDelayMs = validDelay('maxDelayMs', options.maxDelayMs, 30_000);
  const resetAfterMs = validDelay('resetAfterMs', options.resetAfterMs, 30_000);
  const stopGraceMs = validDelay('stopGraceMs', options.stopGraceMs, 15_000);
  const slowReadyMs = validDelay('slowReadyMs', options.slowReadyMs, 60_000);

  let child: ChildProcess | undefined;
  let runs = 0;
  /** Runs in a row that ended before `resetAfterMs`. */
  let crashes = 0;
  let restartTimer: NodeJS.Timeout | undefined;
  let stopping: Promise<void> | undefined;
  let markFirstReady: () => void = () => undefined;
  const firstReady = new Promise<void>((resolve) => (markFirstReady = resolve));

  const run = (): void => {
    runs += 1;
    const runNumber = runs;
    const startedAt = Date.now();
    // Its own process group, so a stop reaches whatever it spawned too.
    const current = spawn(options.command, [...options.args], {
      cwd: options.cwd,
      env: options.env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = current;
    const ended = new AbortController();
    let ready = false;
    const onReady = () => {
      if (ready || ended.signal.aborted) return;
      ready = true;
      clearTimeout(slowTimer);
      markFirstReady();
      if (runNumber > 1 && options.readyWhen) say(`${name} is back (pid ${current.pid})`);
    };
    const slowTimer = setTimeout(() => say(`${name} is not ready after ${seconds(slowReadyMs)}; still waiting`), slowReadyMs);
    slowTimer.unref();
    const watchLine = options.readyWhen && 'line' in options.readyWhen ? options.readyWhen.line : undefined;
    for (const stream of [current.stdout, current.stderr]) {
      let buffered = '';
      stream?.on('data', (chunk: Buffer) => {
        buffered += chunk.toString();
        const lines = buffered.split('\n');
        buffered = lines.pop() ?? '';
        for (const line of lines) {
          if (!line.trim()) continue;
          options.onLine(line);
          if (watchLine?.test(line)) onReady();
        }
      });
    }
    if (options.readyWhen === undefined) onReady();
    else if ('port' in options.readyWhen) void pollReady(options.readyWhen.port, ended.signal).then((ok) => ok && onReady());

    let exited = false;
    const onExit = (how: string) => {
      if (exited) return;
      exited = true;
      ended.abort();
      clearTimeout(slowTimer);
      if (child === current) child = undefined;
      if (stopping) return;
      crashes = Date.now() - startedAt >= resetAfterMs ? 1 : crashes + 1;
      const delay = Math.min(initialDelayMs * 2 ** (crashes - 1), maxDelayMs);
      say(
        crashes === 1
          ? `${name} exited (${how}); restarting in ${seconds(delay)}`
          : `${name} exited (${how}), ${crashes} times in a row: backing off, restarting in ${seconds(delay)}`,
      );
      restartTimer = setTimeout(() => {
        restartTimer = undefined;
        if (!stopping) run();
      }, delay);
    };
    current.once('exit', (code, signal) => onExit(signal ?? `code ${code}`));
    // Spawning itself failed (no 'exit' follows): a crash like any other.
    current.once('error', (error) => onExit(error.message));
  };

  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      clearTimeout(restartTimer);
      markFirstReady();
      const current = child;
      if (current?.pid === undefined || current.exitCode !== null || current.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => current.once('exit', () => resolve()));
      signalGroup(current.pid, 'SIGTERM');
      const timer = setTimeout(() => signalGroup(current.pid!, 'SIGKILL'), stopGraceMs);
      await exited;
      clearTimeout(timer);
    })());

  run();
  return {
    name,
    get pid() {
      return child?.pid;
    },
    firstReady,
    stop,
  };
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // the group is gone already
  }
}

/** Whether `/readyz` answered 200 before `signal` aborted (the run ended, or a stop). */
async function pollReady(port: number, signal: AbortSignal): Promise<boolean> {
  while (!signal.aborted) {
    try {
      const timeout = AbortSignal.timeout(2_000);
      const response = await fetch(`http://127.0.0.1:${port}/readyz`, { signal: AbortSignal.any([signal, timeout]) });
      await response.body?.cancel();
      if (response.ok) return true;
    } catch {
      // not listening yet, or this run ended
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return false;
}

import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { isPortOpen } from './ports';
import { sleep } from './process-utils';
import { tailLines } from './run-command';
import type { RunningService, ServiceName } from './types';

const HEALTH_POLL_MS = 100;
const HEALTH_TIMEOUT_MS = 20_000;
const STOP_GRACE_MS = 5_000;
const OUTPUT_LINES = 30;

/** What {@link spawnService} needs to run one service process. */
export interface SpawnServiceOptions {
  name: ServiceName;
  bin: string;
  args: readonly string[];
  port: number;
  url: string;
  isHealthy: () => Promise<boolean>;
  detached?: boolean;
  /** Required when detached: its output cannot go to pipes that die with us. */
  logFile?: string;
  /** Run as this user and group (we must be root): PostgreSQL refuses to run as root. */
  uid?: number;
  gid?: number;
  /** What `stop()` sends first. @defaultValue 'SIGTERM' (PostgreSQL's fast shutdown is SIGINT) */
  stopSignal?: NodeJS.Signals;
  /** Working folder of the process. @defaultValue ours */
  cwd?: string;
}

/** Attached children get SIGTERM if we exit without stopping them, so none is orphaned. */
const attached = new Set<ChildProcess>();
let exitHookInstalled = false;

function trackAttached(child: ChildProcess): void {
  attached.add(child);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const running of attached) running.kill('SIGTERM');
  });
}

function identity(options: SpawnServiceOptions): { uid?: number; gid?: number; cwd?: string } {
  return {
    ...(options.uid === undefined ? {} : { uid: options.uid }),
    ...(options.gid === undefined ? {} : { gid: options.gid }),
    ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
  };
}

function launch(options: SpawnServiceOptions, output: string[]): ChildProcess {
  if (!options.detached) {
    const child = spawn(options.bin, options.args, { stdio: ['ignore', 'pipe', 'pipe'], ...identity(options) });
    const keep = (chunk: Buffer): void => {
      output.push(...chunk.toString().split('\n'));
      output.splice(0, Math.max(0, output.length - OUTPUT_LINES));
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    // A forgotten stop() must not keep the caller alive forever; the exit hook still kills the child.
    child.unref();
    for (const stream of [child.stdout, child.stderr]) unrefStream(stream);
    trackAttached(child);
    return child;
  }
  if (options.logFile === undefined) throw new Error(`${options.name}: a detached service needs a logFile`);
  const fd = openSync(options.logFile, 'w');
  try {
    const child = spawn(options.bin, options.args, { detached: true, stdio: ['ignore', fd, fd], ...identity(options) });
    child.unref();
    return child;
  } finally {
    closeSync(fd);
  }
}

/**
 * Spawns a service, waits until `isHealthy` answers true (polling every 100 ms, 20 s at most) and
 * returns a handle whose `stop()` sends SIGTERM (or `stopSignal`), waits 5 s, then SIGKILL. Fails fast when the port
 * is already taken or the process exits, with the last lines of its output in the error.
 */
export async function spawnService(options: SpawnServiceOptions): Promise<RunningService> {
  const { name, port } = options;
  if (await isPortOpen(port)) {
    throw new Error(`${name}: port ${port} on 127.0.0.1 is already in use by another process`);
  }
  const output: string[] = [];
  const child = launch(options, output);
  let exitReason: string | undefined;
  const exited = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exitReason = signal === null ? `exit code ${code}` : `signal ${signal}`;
      attached.delete(child);
      resolve();
    });
    child.once('error', (error) => {
      exitReason = error.message;
      attached.delete(child);
      resolve();
    });
  });
  const recentOutput = (): string => {
    const text = options.detached && options.logFile ? safeRead(options.logFile) : output.join('\n');
    return tailLines(text, OUTPUT_LINES) || '(no output)';
  };

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      if (exitReason !== undefined) return;
      child.kill(options.stopSignal ?? 'SIGTERM');
      if (await settlesWithin(exited, STOP_GRACE_MS)) return;
      child.kill('SIGKILL');
      await settlesWithin(exited, 2_000);
    })());

  const deadline = Date.now() + HEALTH_TIMEOUT_MS;
  for (;;) {
    if (exitReason !== undefined) {
      throw new Error(`${name} stopped (${exitReason}) before answering on port ${port}. Last output:\n${recentOutput()}`);
    }
    if (await options.isHealthy()) break;
    if (Date.now() >= deadline) {
      await stop();
      throw new Error(
        `${name} did not answer on port ${port} within ${HEALTH_TIMEOUT_MS / 1000} s. Last output:\n${recentOutput()}`,
      );
    }
    await sleep(HEALTH_POLL_MS);
  }
  if (child.pid === undefined) throw new Error(`${name}: spawned process has no pid`);
  return { name, url: options.url, port, pid: child.pid, reused: false, stop };
}

function unrefStream(stream: unknown): void {
  if (typeof stream === 'object' && stream !== null && 'unref' in stream && typeof stream.unref === 'function') stream.unref();
}

function safeRead(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

async function settlesWithin(promise: Promise<void>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  const result = await Promise.race([promise.then(() => true as const), timeout]);
  clearTimeout(timer);
  return result;
}

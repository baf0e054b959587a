import { spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(__dirname, '../..');

/** One JSON log line of an app (pino), as parsed. */
export type LogLine = Record<string, unknown> & { level?: number; msg?: string };

/** An app's real entry point running as a process of its own. */
export interface AppProcess {
  name: string;
  pid: number;
  /** `http://127.0.0.1:<port>` of its HTTP server (API, or a worker's health port). */
  origin: string;
  /** Every JSON line it logged so far, in order. */
  readonly logs: readonly LogLine[];
  /** Resolves with its exit code (null after a signal) once it has exited. */
  readonly exited: Promise<number | null>;
  alive(): boolean;
  /** Resolves with the first line from now on that matches, or rejects after `timeoutMs`. */
  waitForLog(match: (line: LogLine) => boolean, timeoutMs: number): Promise<LogLine>;
  /** SIGTERM to its process group, then waits for the exit (SIGKILL after 20 s). Safe to call twice. */
  stop(): Promise<void>;
}

/**
 * Runs `entry` (`node --import tsx <entry>`, node itself so the pid is the app's and signals reach
 * it directly) with exactly `env`, and resolves once it logs a line with `msg` matching `ready`
 * and a `port` field. Rejects, with its output, when it exits first or takes over 45 s.
 */
export async function startAppProcess(
  name: string,
  entry: string,
  env: Record<string, string>,
  ready: RegExp,
): Promise<AppProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, entry)], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? os.tmpdir(), ...env },
    detached: true, // its own process group: stop() reaches anything it started
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: LogLine[] = [];
  const raw: string[] = [];
  const listeners = new Set<(line: LogLine) => void>();
  let partial = '';
  const take = (chunk: Buffer) => {
    const parts = (partial + chunk.toString('utf8')).split('\n');
    partial = parts.pop() ?? '';
    for (const text of parts) {
      raw.push(text);
      if (raw.length > 200) raw.shift();
      let line: LogLine;
      try {
        line = JSON.parse(text) as LogLine;
      } catch {
        continue; // not a log line (a stack trace on stderr): kept in `raw` for error messages
      }
      logs.push(line);
      for (const listener of listeners) listener(line);
    }
  };
  child.stdout.on('data', take);
  child.stderr.on('data', take);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const waitForLog = (match: (line: LogLine) => boolean, timeoutMs: number) =>
    new Promise<LogLine>((resolve, reject) => {
      const timer = setTimeout(() => {
        listeners.delete(listener);
        reject(new Error(`${name}: no matching log line within ${timeoutMs} ms; last output:\n${raw.slice(-20).join('\n')}`));
      }, timeoutMs);
      const listener = (line: LogLine) => {
        if (!match(line)) return;
        clearTimeout(timer);
        listeners.delete(listener);
        resolve(line);
      };
      listeners.add(listener);
    });
  const readyLine = await Promise.race([
    waitForLog((line) => typeof line.port === 'number' && ready.test(line.msg ?? ''), 45_000),
    exited.then((code) => {
      throw new Error(`${name} exited (${code}) before it was ready; last output:\n${raw.slice(-20).join('\n')}`);
    }),
  ]);
  let exitCode: number | null | undefined;
  void exited.then((code) => (exitCode = code));
  let stopping: Promise<void> | undefined;
  const app: AppProcess = {
    name,
    pid: child.pid!,
    origin: `http://127.0.0.1:${String(readyLine.port)}`,
    logs,
    exited,
    alive: () => exitCode === undefined,
    waitForLog,
    stop: () =>
      (stopping ??= (async () => {
        if (!app.alive()) return;
        signalGroup(child.pid!, 'SIGTERM');
        let timer: NodeJS.Timeout | undefined;
        const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), 20_000)));
        if ((await Promise.race([exited, late])) === 'late' && app.alive()) signalGroup(child.pid!, 'SIGKILL');
        clearTimeout(timer);
        await exited;
      })()),
  };
  return app;
}

/** Signals a process group; one that is already gone is not an error. */
function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

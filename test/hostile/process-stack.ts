import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readdirSync, readFileSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { SUBGRAPH_NAMES, type SubgraphName } from '@supergraph/registry';
import { testEnv } from '@supergraph/testing';
import { Redis } from 'ioredis';
import mongoose from 'mongoose';

/**
 * The supergraph as real processes (`node --import tsx <app>/src/main.ts`), each with every line it prints
 * written to a file, so a campaign can read their logs afterwards: every subgraph in production mode and
 * two gateways in front of them, one `NODE_ENV=production`, one `development`. All log at `debug`.
 */

const root = path.resolve(__dirname, '../..');
/** The registry's subgraphs (subgraphs/<name>/subgraph.json). */
const SUBGRAPHS = SUBGRAPH_NAMES;

export type { SubgraphName };
export type GatewayMode = 'production' | 'development';

/** One app running as its own process. */
export interface AppProcess {
  name: string;
  pid: number;
  /** `http://127.0.0.1:<port>` (no path). */
  origin: string;
  /** Every line it wrote to stdout or stderr, in order, as written. */
  logPath: string;
  /** Lines written so far (a campaign marks where it started). */
  lineCount(): number;
  /** Whether the process is still running. */
  alive(): boolean;
  /** Its resident set now (VmRSS), in bytes. */
  rssBytes(): number;
  /** CPU time its threads have used so far, in milliseconds (nanosecond resolution). */
  cpuMs(): number;
  stop(): Promise<void>;
}

export interface HostileStack {
  subgraphs: Record<SubgraphName, AppProcess>;
  gateways: Record<GatewayMode, AppProcess>;
  /** Every process, subgraphs first. */
  all(): AppProcess[];
  /** The folder holding every process's log file (kept after stop, for a reader of a failure). */
  logDir: string;
  /** Stops every process, then drops the subgraphs' databases and the stack's Redis keys. Safe to call twice. */
  stop(): Promise<void>;
}

export interface HostileStackOptions {
  /** Extra settings for both gateways (e.g. their rate limits). */
  gatewayEnv?: Record<string, string>;
  /** Which gateways to run. @defaultValue both */
  gatewayModes?: readonly GatewayMode[];
}

const READY_LINE = /"port":(\d+),"msg":"[^"]*ready/;

function procStatus(pid: number, field: string): number {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/**
 * CPU time of every thread of a process so far, in milliseconds: the first field of each thread's schedstat is
 * its time on a CPU in nanoseconds, where /proc/<pid>/stat counts 10 ms ticks (too coarse for one request).
 */
function cpuMsOf(pid: number): number {
  try {
    return readdirSync(`/proc/${pid}/task`).reduce((sum, task) => {
      try {
        return sum + Number(readFileSync(`/proc/${pid}/task/${task}/schedstat`, 'utf8').split(' ')[0]) / 1e6;
      } catch {
        return sum; // the thread ended while we read
      }
    }, 0);
  } catch {
    return 0;
  }
}

async function startApp(name: string, entry: string, env: Record<string, string>, logDir: string): Promise<AppProcess> {
  const logPath = path.join(logDir, `${name}.log`);
  const fd = openSync(logPath, 'a');
  // node itself, not tsx's CLI: the pid is then the app's, for /proc, and no wrapper stands between signals.
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', path.join(root, entry)], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? os.tmpdir(), ...env },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let lines = 0;
  let port: number | undefined;
  let onReady: ((port: number) => void) | undefined;
  // Whole lines only, each written as it completes: stdout and stderr never interleave inside a line, and a
  // reader of the file sees every line counted so far (synchronous appends).
  const splitter = () => {
    let partial = '';
    const take = (line: string) => {
      writeSync(fd, `${line}\n`);
      lines += 1;
      const ready = port === undefined ? READY_LINE.exec(line) : null;
      if (ready) {
        port = Number(ready[1]);
        onReady?.(port);
      }
    };
    return {
      data(chunk: Buffer) {
        const parts = (partial + chunk.toString('utf8')).split('\n');
        partial = parts.pop() ?? '';
        for (const line of parts) take(line);
      },
      end() {
        if (partial) take(partial);
        partial = '';
      },
    };
  };
  const out = splitter();
  const err = splitter();
  child.stdout!.on('data', out.data);
  child.stderr!.on('data', err.data);
  const exited = new Promise<void>((resolve) =>
    // 'close': both pipes are drained (after 'exit' they may still hold output).
    child.once('close', () => {
      out.end();
      err.end();
      closeSync(fd);
      resolve();
    }),
  );
  const readyPort = await new Promise<number>((resolve, reject) => {
    onReady = resolve;
    child.once('exit', (code, signal) =>
      reject(new Error(`${name} exited (${code ?? signal}) before it was ready; its output: ${logPath}`)),
    );
  });
  const pid = child.pid!;
  const app: AppProcess = {
    name,
    pid,
    origin: `http://127.0.0.1:${readyPort}`,
    logPath,
    lineCount: () => lines,
    alive: () => child.exitCode === null && child.signalCode === null,
    rssBytes: () => procStatus(pid, 'VmRSS'),
    cpuMs: () => cpuMsOf(pid),
    async stop() {
      if (!app.alive()) return;
      process.kill(-pid, 'SIGTERM');
      const stopped = await Promise.race([exited.then(() => true), sleep(20_000, undefined, { ref: false }).then(() => false)]);
      if (!stopped && app.alive()) {
        process.kill(-pid, 'SIGKILL');
        await exited;
      }
    },
  };
  return app;
}

/** Each subgraph's origin, by name: where a campaign sends requests straight to a subgraph. */
export function originsOf(subgraphs: Record<SubgraphName, AppProcess>): Record<SubgraphName, string> {
  return Object.fromEntries(Object.entries(subgraphs).map(([name, app]) => [name, app.origin])) as Record<SubgraphName, string>;
}

/** Starts the subgraphs, then the gateways in front of them, on free ports against the test servers. */
export async function startHostileStack(options: HostileStackOptions = {}): Promise<HostileStack> {
  const logDir = mkdtempSync(path.join(os.tmpdir(), 'supergraph-hostile-'));
  const started: AppProcess[] = [];
  const envs = Object.fromEntries(
    SUBGRAPHS.map((name) => [name, testEnv(name, { NODE_ENV: 'production', LOG_LEVEL: 'debug' })]),
  ) as Record<SubgraphName, ReturnType<typeof testEnv>>;
  const gatewayEnvs: ReturnType<typeof testEnv>[] = [];
  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      await Promise.all(started.filter((app) => app.name.startsWith('gateway')).map((app) => app.stop()));
      await Promise.all(started.filter((app) => !app.name.startsWith('gateway')).map((app) => app.stop()));
      await Promise.all(Object.values(envs).map((env) => dropDatabase(env.MONGO_URL)));
      await deleteKeys(
        testEnv('gateway').REDIS_URL,
        [...Object.values(envs), ...gatewayEnvs].map((env) => env.REDIS_KEY_PREFIX),
      );
    })());
  try {
    const subgraphs = {} as Record<SubgraphName, AppProcess>;
    await Promise.all(
      SUBGRAPHS.map(async (name) => {
        subgraphs[name] = await startApp(name, `subgraphs/${name}/src/main.ts`, envs[name], logDir);
        started.push(subgraphs[name]);
      }),
    );
    const gateways = {} as Record<GatewayMode, AppProcess>;
    await Promise.all(
      (options.gatewayModes ?? ['production', 'development']).map(async (mode) => {
        const env = testEnv('gateway', {
          NODE_ENV: mode,
          LOG_LEVEL: 'debug',
          SUBGRAPH_URLS: SUBGRAPHS.map((name) => `${name}=${subgraphs[name].origin}/graphql`).join(','),
          ...options.gatewayEnv,
        });
        gatewayEnvs.push(env);
        gateways[mode] = await startApp(`gateway-${mode}`, 'gateway/src/main.ts', env, logDir);
        started.push(gateways[mode]);
      }),
    );
    return { subgraphs, gateways, logDir, all: () => [...started], stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function dropDatabase(url: string): Promise<void> {
  const connection = await mongoose.createConnection(url, { serverSelectionTimeoutMS: 5_000 }).asPromise();
  try {
    await connection.dropDatabase();
  } finally {
    await connection.close();
  }
}

async function deleteKeys(url: string, prefixes: readonly string[]): Promise<void> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  try {
    for (const prefix of prefixes) {
      for await (const keys of redis.scanStream({ match: `${prefix}*`, count: 1_000 }) as AsyncIterable<string[]>) {
        if (keys.length > 0) await redis.unlink(...keys);
      }
    }
  } finally {
    await redis.quit();
  }
}

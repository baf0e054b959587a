import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Servers a benchmark runs as processes of their own (subgraphs, gateways, the load generator's
 * targets), with what the results need from the kernel: CPU seconds and peak RSS of the process
 * and every process it forked (a gateway may run one worker per core).
 */

/** Clock ticks per second in /proc/<pid>/stat (USER_HZ: 100 on every Linux the bench runs on). */
const TICKS_PER_SECOND = 100;

export interface ServiceProcess {
  name: string;
  pid: number;
  /** The process and its descendants, now. */
  pids(): number[];
  /** User + system CPU seconds used so far by the process tree. */
  cpuSeconds(): number;
  /** Sum over the process tree of each process's peak resident set (VmHWM), in bytes. */
  peakRssBytes(): number;
  /** The last lines it printed, for error messages. */
  output(): string;
  stop(): Promise<void>;
}

function childrenOf(): Map<number, number[]> {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // The command name (2nd field) may hold spaces and parentheses: fields start after the last ')'.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // The process ended while we listed it.
    }
  }
  return children;
}

export function processTree(pid: number): number[] {
  const children = childrenOf();
  const tree = [pid];
  for (let i = 0; i < tree.length; i++) tree.push(...(children.get(tree[i]!) ?? []));
  return tree;
}

function cpuTicks(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of stat, i.e. 11 and 12 after the command name.
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return 0;
  }
}

/** CPU seconds these processes have used so far (a process that ended counts 0). */
export function cpuSecondsOf(pids: readonly number[]): number {
  return pids.reduce((sum, pid) => sum + cpuTicks(pid), 0) / TICKS_PER_SECOND;
}

/** Pids whose command line contains every one of `parts` (e.g. a server and its port). */
export function findPids(...parts: string[]): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((entry) => {
      try {
        const commandLine = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' ');
        return parts.every((part) => commandLine.includes(part));
      } catch {
        return false;
      }
    })
    .map(Number);
}

function peakRss(pid: number): number {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

export interface SpawnOptions {
  name: string;
  command: string;
  args: string[];
  env: Record<string, string>;
  cwd: string;
  /** An http URL answering 200 once the service is ready... */
  readyUrl?: string;
  /** ...or a piece of text it prints (stdout or stderr) once it is ready. */
  readyLine?: string;
  /** Ready as soon as readyUrl answers at all (a server without a health route). */
  readyOnAnyAnswer?: boolean;
  readyTimeoutMs?: number;
  /** Called with every whole line it prints (stdout and stderr), e.g. to count log messages. */
  onLine?: (line: string) => void;
}

export async function spawnService(options: SpawnOptions): Promise<ServiceProcess> {
  const child: ChildProcess = spawn(options.command, options.args, {
    cwd: options.cwd,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...options.env },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let tail = '';
  const keep = (chunk: Buffer) => {
    tail = (tail + chunk.toString()).slice(-8_000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  if (options.onLine) {
    const onLine = options.onLine;
    for (const stream of [child.stdout!, child.stderr!]) {
      let partial = '';
      stream.on('data', (chunk: Buffer) => {
        const lines = (partial + chunk.toString()).split('\n');
        partial = lines.pop() ?? '';
        for (const line of lines) onLine(line);
      });
    }
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const pid = child.pid!;
  const service: ServiceProcess = {
    name: options.name,
    pid,
    pids: () => processTree(pid),
    cpuSeconds: () => cpuSecondsOf(processTree(pid)),
    peakRssBytes: () => processTree(pid).reduce((sum, each) => sum + peakRss(each), 0),
    output: () => tail,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      try {
        process.kill(-pid, 'SIGTERM');
      } catch {
        return;
      }
      const killed = await Promise.race([exited.then(() => true), sleep(10_000).then(() => false)]);
      if (!killed) {
        try {
          process.kill(-pid, 'SIGKILL');
        } catch {
          // already gone
        }
        await exited;
      }
    },
  };
  let printed = '';
  const watch = (chunk: Buffer) => {
    printed = (printed + chunk.toString()).slice(-4_000);
  };
  if (options.readyLine) {
    child.stdout!.on('data', watch);
    child.stderr!.on('data', watch);
  }
  const ready = async () => {
    if (options.readyLine) return printed.includes(options.readyLine);
    try {
      const response = await fetch(options.readyUrl!, { signal: AbortSignal.timeout(2_000) });
      await response.arrayBuffer();
      return response.ok || options.readyOnAnyAnswer === true;
    } catch {
      return false; // not listening yet
    }
  };
  const deadline = Date.now() + (options.readyTimeoutMs ?? 60_000);
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${options.name} exited (${child.exitCode}) before it was ready:\n${tail}`);
    if (await ready()) {
      child.stdout!.off('data', watch);
      child.stderr!.off('data', watch);
      return service;
    }
    await sleep(100);
  }
  await service.stop();
  throw new Error(`${options.name} was not ready within ${options.readyTimeoutMs ?? 60_000} ms:\n${tail}`);
}

import { execFileSync } from 'node:child_process';
import os from 'node:os';

/** The machine a run happened on, as recorded in every results file. */
export interface MachineInfo {
  cpuModel: string;
  cpuCount: number;
  totalMemoryBytes: number;
  node: string;
  os: string;
  loadAverage: number[];
}

export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cpuCount: cpus.length,
    totalMemoryBytes: os.totalmem(),
    node: process.version,
    os: `${os.type()} ${os.release()} (${os.arch()})`,
    loadAverage: os.loadavg().map((value) => Math.round(value * 100) / 100),
  };
}

/** The commit measured, and whether the working tree had changes; undefined outside a git checkout. */
export function gitRevision(cwd: string): { commit: string; dirty: boolean } | undefined {
  try {
    const commit = execFileSync('git', ['rev-parse', 'HEAD'], {
      cwd,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
    const status = execFileSync('git', ['status', '--porcelain'], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    return { commit, dirty: status.trim().length > 0 };
  } catch {
    return undefined;
  }
}

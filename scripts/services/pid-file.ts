import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { withFileLock } from './file-lock';
import { isPidAlive, pidCommandLine } from './process-utils';
import { SERVICE_NAMES, type ServiceName } from './types';

/** One started service as recorded in `<dataRoot>/pids.json`. */
export interface PidRecord {
  pid: number;
  port: number;
  startedAt: string;
}

/** Contents of `<dataRoot>/pids.json`. */
export type PidFile = Partial<Record<ServiceName, PidRecord>>;

const EXECUTABLE: Record<ServiceName, string> = {
  postgres: 'postgres',
  ferretdb: 'ferretdb',
  redis: 'redis-server',
  'redis-cache': 'redis-server',
};

function pidFilePath(dataRoot: string): string {
  return join(dataRoot, 'pids.json');
}

function asRecord(value: unknown): PidRecord | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { pid, port, startedAt } = value as Record<string, unknown>;
  if (typeof pid !== 'number' || typeof port !== 'number') return undefined;
  return { pid, port, startedAt: typeof startedAt === 'string' ? startedAt : '' };
}

/** Reads pids.json; a missing or corrupt file reads as empty. */
export async function readPidFile(dataRoot: string): Promise<PidFile> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(pidFilePath(dataRoot), 'utf8'));
  } catch {
    return {};
  }
  const result: PidFile = {};
  if (typeof parsed !== 'object' || parsed === null) return result;
  for (const name of SERVICE_NAMES) {
    const record = asRecord((parsed as Record<string, unknown>)[name]);
    if (record) result[name] = record;
  }
  return result;
}

/** The updates of this process, one at a time: services stopped together must not lose each other's change. */
let updates: Promise<void> = Promise.resolve();

/** An update waits this long for another process' update before failing (each takes milliseconds). */
const LOCK_TIMEOUT_MS = 30_000;

/**
 * Read-modify-write of pids.json (written atomically; removed when it becomes empty). Calls from
 * one process run one after another, and calls from different processes (the launcher stopping
 * while `npm run services stop` runs) hold `pids.json.lock`, so no update is lost.
 */
export function updatePidFile(dataRoot: string, change: (current: PidFile) => void): Promise<void> {
  const update = updates.then(() =>
    withFileLock(`${pidFilePath(dataRoot)}.lock`, () => rewritePidFile(dataRoot, change), LOCK_TIMEOUT_MS),
  );
  updates = update.catch(() => undefined);
  return update;
}

async function rewritePidFile(dataRoot: string, change: (current: PidFile) => void): Promise<void> {
  const current = await readPidFile(dataRoot);
  change(current);
  const path = pidFilePath(dataRoot);
  if (Object.keys(current).length === 0) {
    await rm(path, { force: true });
    return;
  }
  await mkdir(dataRoot, { recursive: true });
  // A name no other writer can pick, even one that took over the lock of a writer that died.
  const temp = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await writeFile(temp, `${JSON.stringify(current, null, 2)}\n`);
    await rename(temp, path);
  } finally {
    await rm(temp, { force: true });
  }
}

/** Whether the recorded pid still runs the recorded service (guards against pid reuse). */
export function isRecordRunning(name: ServiceName, record: PidRecord): boolean {
  if (!isPidAlive(record.pid)) return false;
  const commandLine = pidCommandLine(record.pid);
  return commandLine === undefined || commandLine.includes(EXECUTABLE[name]);
}

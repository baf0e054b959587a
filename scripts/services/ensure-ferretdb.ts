import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { buildFerretDb, FERRETDB_VERSION, ferretDbBinaryProblem } from './build-ferretdb';
import { withFileLock } from './file-lock';
import { log, toolsBinDir, toolsDir } from './paths';

let pending: Promise<string> | undefined;

async function usable(bin: string): Promise<boolean> {
  return existsSync(bin) && (await ferretDbBinaryProblem(bin)) === undefined;
}

async function ensureOnce(): Promise<string> {
  const bin = join(toolsBinDir(), 'ferretdb');
  if (await usable(bin)) return bin;
  await mkdir(toolsBinDir(), { recursive: true });
  return withFileLock(join(toolsDir(), 'ferretdb-build.lock'), async () => {
    // Another process may have finished the build while we waited for the lock.
    if (await usable(bin)) return bin;
    log(`ferretdb: ${bin} is missing or not ${FERRETDB_VERSION}; building it`);
    await buildFerretDb(bin, toolsDir());
    log(`ferretdb: ready at ${bin}`);
    return bin;
  });
}

/**
 * Returns the path of `<repo>/.tools/bin/ferretdb` (FerretDB v1.24.2), building it on first use.
 * Idempotent; concurrent callers share one build (in-process promise + a lock file under `.tools/`).
 */
export function ensureFerretDb(): Promise<string> {
  pending ??= ensureOnce().catch((error: unknown) => {
    pending = undefined;
    throw error;
  });
  return pending;
}

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { withFileLock } from './file-lock';
import { log, toolsDir } from './paths';
import { findExecutable, runCommand, tailLines } from './run-command';

/** Where Debian and Ubuntu put each PostgreSQL major version's server programs. */
const DEBIAN_ROOT = '/usr/lib/postgresql';
const SYSTEM_DIRS = ['/usr/bin', '/usr/sbin', '/usr/local/bin', '/usr/local/sbin'];
const MISSING =
  'PostgreSQL (the backend of our FerretDB) is missing: install it with `sudo apt-get install postgresql` ' +
  '(any version from 13 on), or run `npx tsx scripts/services-cli.ts install` as root';

/** The server programs of one PostgreSQL installation. */
export interface PostgresBinaries {
  /** Folder holding `postgres` and `initdb`. */
  binDir: string;
  postgres: string;
  initdb: string;
  /** Major version, e.g. 15. */
  version: number;
}

/**
 * The account PostgreSQL runs as. It refuses to run as root, so when we are root it runs as the
 * `postgres` system user that Debian's package creates; otherwise as ourselves.
 */
export interface PostgresAccount {
  uid: number;
  gid: number;
  name: string;
}

let pending: Promise<PostgresBinaries> | undefined;

function binariesIn(binDir: string): PostgresBinaries | undefined {
  const postgres = join(binDir, 'postgres');
  const initdb = join(binDir, 'initdb');
  if (!existsSync(postgres) || !existsSync(initdb)) return undefined;
  const version = Number(/\/(\d+)\/bin$/.exec(binDir)?.[1] ?? Number.NaN);
  return { binDir, postgres, initdb, version };
}

/** The newest major version under /usr/lib/postgresql, else `postgres` and `initdb` on PATH. */
export function findPostgres(): PostgresBinaries | undefined {
  if (existsSync(DEBIAN_ROOT)) {
    const versions = readdirSync(DEBIAN_ROOT)
      .filter((name) => /^\d+$/.test(name))
      .map(Number)
      .sort((a, b) => b - a);
    for (const version of versions) {
      const found = binariesIn(join(DEBIAN_ROOT, String(version), 'bin'));
      if (found) return found;
    }
  }
  const postgres = findExecutable('postgres', SYSTEM_DIRS);
  const initdb = findExecutable('initdb', SYSTEM_DIRS);
  if (postgres === undefined || initdb === undefined) return undefined;
  return { binDir: join(postgres, '..'), postgres, initdb, version: Number.NaN };
}

async function aptGet(apt: string, args: readonly string[]): Promise<void> {
  log(`postgresql: apt-get ${args.join(' ')}`);
  const result = await runCommand(apt, args, { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  if (result.code !== 0) throw new Error(`apt-get ${args.join(' ')} failed (exit ${result.code}):\n${tailLines(result.output)}`);
}

async function ensureOnce(): Promise<PostgresBinaries> {
  const found = findPostgres();
  if (found !== undefined) return found;
  if (process.getuid?.() !== 0) throw new Error(MISSING);
  const apt = findExecutable('apt-get', SYSTEM_DIRS);
  if (apt === undefined) throw new Error(`${MISSING} (apt-get is not available here either)`);
  // The same lock as redis-server's install: two apt-gets at once would fight over dpkg's lock.
  return withFileLock(join(toolsDir(), 'redis-install.lock'), async () => {
    const again = findPostgres();
    if (again !== undefined) return again;
    await aptGet(apt, ['update']);
    await aptGet(apt, ['install', '-y', '--no-install-recommends', 'postgresql']);
    const installed = findPostgres();
    if (installed === undefined) throw new Error('apt-get installed postgresql but its programs are not where expected');
    log(`postgresql: installed ${installed.binDir}`);
    return installed;
  });
}

/**
 * Returns PostgreSQL's server programs. When missing: installs Debian's `postgresql` with apt-get
 * if running as root, otherwise fails with instructions. Idempotent and shared by concurrent callers.
 */
export function ensurePostgres(): Promise<PostgresBinaries> {
  pending ??= ensureOnce().catch((error: unknown) => {
    pending = undefined;
    throw error;
  });
  return pending;
}

/** The account to run PostgreSQL as (see {@link PostgresAccount}). */
export function postgresAccount(): PostgresAccount {
  const uid = process.getuid?.() ?? 0;
  const gid = process.getgid?.() ?? 0;
  if (uid !== 0) return { uid, gid, name: process.env.USER ?? String(uid) };
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((entry) => entry.startsWith('postgres:'));
  const [, , userId, groupId] = line?.split(':') ?? [];
  if (userId === undefined || groupId === undefined) {
    throw new Error(
      'PostgreSQL refuses to run as root, and there is no `postgres` user to run it as: ' +
        "install Debian's `postgresql` package (it creates one) or run as a normal user",
    );
  }
  return { uid: Number(userId), gid: Number(groupId), name: 'postgres' };
}

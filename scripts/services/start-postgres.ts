import { existsSync, statSync } from 'node:fs';
import { chown, mkdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { ensurePostgres, postgresAccount, type PostgresAccount } from './ensure-postgres';
import { pingPostgres } from './ping-postgres';
import { runCommand, tailLines } from './run-command';
import { spawnService } from './spawn-service';
import { serviceUrl, type RunningService, type ServiceOptions } from './types';

/** Options for {@link startPostgres}. */
export interface PostgresServiceOptions extends ServiceOptions {
  /**
   * Keep data across a crash of the machine: `fsync` on. Throwaway servers (tests, benchmarks)
   * turn it off, which is much faster and loses nothing that outlives them. Either way commits
   * do not wait for the disk (`synchronous_commit=off`: a crash loses the last moment of
   * writes, never consistency). @defaultValue false
   */
  durable?: boolean;
}

/**
 * Settings on the command line, so a data folder needs no edited configuration file: TCP on
 * 127.0.0.1 only, no Unix socket (its default folder may not exist or be ours), and room for
 * FerretDB's pool (50 connections by default) plus tools.
 */
function serverArgs(dataDir: string, port: number, durable: boolean): string[] {
  const settings = {
    listen_addresses: '127.0.0.1',
    port: String(port),
    unix_socket_directories: '',
    max_connections: '200',
    fsync: durable ? 'on' : 'off',
    full_page_writes: durable ? 'on' : 'off',
    synchronous_commit: 'off',
    // Plans here are small: compiling them costs more than it saves.
    jit: 'off',
    log_min_messages: 'warning',
    logging_collector: 'off',
  };
  return ['-D', dataDir, ...Object.entries(settings).flatMap(([name, value]) => ['-c', `${name}=${value}`])];
}

/** PostgreSQL refuses a data folder its account cannot reach: say which folder is in the way. */
function checkReachable(dataDir: string, account: PostgresAccount): void {
  if (account.uid === process.getuid?.()) return;
  for (let dir = dirname(dataDir); dir !== dirname(dir); dir = dirname(dir)) {
    const stats = statSync(dir);
    const searchable =
      stats.uid === account.uid ? stats.mode & 0o100 : stats.gid === account.gid ? stats.mode & 0o010 : stats.mode & 0o001;
    if (!searchable) {
      throw new Error(
        `PostgreSQL runs as the \`${account.name}\` user, which cannot enter ${dir} (mode ${(stats.mode & 0o777).toString(8)}): ` +
          `put its data elsewhere, or \`chmod o+x ${dir}\``,
      );
    }
  }
}

async function initDataDir(initdb: string, dataDir: string, account: PostgresAccount, durable: boolean): Promise<void> {
  const args = ['-D', dataDir, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--no-locale', '--no-instructions'];
  if (!durable) args.push('--no-sync');
  const result = await runCommand(initdb, args, { cwd: dataDir, uid: account.uid, gid: account.gid });
  if (result.code !== 0) throw new Error(`initdb ${dataDir} failed (exit ${result.code}):\n${tailLines(result.output)}`);
}

/**
 * Starts PostgreSQL on 127.0.0.1:`port` with its data in `dataDir` (created with `initdb` on
 * first use: user `postgres`, trust authentication, reachable on the loopback only) and waits
 * until it accepts sessions. Installs PostgreSQL first when needed (see ensurePostgres). As root,
 * it runs as the `postgres` user, which then owns `dataDir`; every folder above it must let
 * that user through. `stop()` asks for a fast shutdown (SIGINT): open sessions are ended.
 */
export async function startPostgres(options: PostgresServiceOptions): Promise<RunningService> {
  const dataDir = resolve(options.dataDir);
  const durable = options.durable ?? false;
  const [binaries] = await Promise.all([ensurePostgres(), mkdir(dataDir, { recursive: true, mode: 0o700 })]);
  const account = postgresAccount();
  checkReachable(dataDir, account);
  if (statSync(dataDir).uid !== account.uid) await chown(dataDir, account.uid, account.gid);
  if (!existsSync(join(dataDir, 'PG_VERSION'))) await initDataDir(binaries.initdb, dataDir, account, durable);
  return spawnService({
    name: 'postgres',
    bin: binaries.postgres,
    args: serverArgs(dataDir, options.port, durable),
    port: options.port,
    url: serviceUrl('postgres', options.port),
    isHealthy: () => pingPostgres(options.port),
    detached: options.detached,
    logFile: options.logFile ?? `${dataDir}.log`,
    uid: account.uid,
    gid: account.gid,
    cwd: dataDir,
    stopSignal: 'SIGINT',
  });
}

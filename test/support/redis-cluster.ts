import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { ensureRedisServer, isPortOpen } from '../../scripts/services';

const run = promisify(execFile);

/** A real Redis Cluster of three masters on loopback, for tests. */
export interface TestRedisCluster {
  /** `host:port` of each node, as REDIS_CLUSTER_NODES takes them. */
  nodes: string[];
  stop(): Promise<void>;
}

/** A port that is free, and whose cluster bus port (port + 10000) is free too. */
async function clusterPort(taken: Set<number>): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    const port = 20_000 + Math.floor(Math.random() * 25_000);
    if (taken.has(port) || taken.has(port + 10_000)) continue;
    if (!(await isPortOpen(port)) && !(await isPortOpen(port + 10_000))) {
      taken.add(port).add(port + 10_000);
      return port;
    }
  }
  throw new Error('no free port pair for a Redis Cluster node');
}

/**
 * Starts three masters and joins them. A random port can be taken between choosing it and
 * binding it (other suites start servers too): a node that exits or never listens makes the
 * whole attempt start again on fresh ports.
 */
export async function startRedisCluster(): Promise<TestRedisCluster> {
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt += 1) {
    try {
      return await tryStartRedisCluster();
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError;
}

async function tryStartRedisCluster(): Promise<TestRedisCluster> {
  const server = await ensureRedisServer();
  const cli = path.join(path.dirname(server), 'redis-cli');
  const dir = mkdtempSync(path.join(tmpdir(), 'supergraph-cluster-'));
  const taken = new Set<number>();
  const ports = [await clusterPort(taken), await clusterPort(taken), await clusterPort(taken)];
  const children: ChildProcess[] = ports.map((port) =>
    spawn(
      server,
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--cluster-enabled',
        'yes',
        '--cluster-config-file',
        path.join(dir, `nodes-${port}.conf`),
        '--dir',
        dir,
        '--save',
        '',
        '--appendonly',
        'no',
        '--logfile',
        '',
      ],
      { stdio: 'ignore' },
    ),
  );
  const stop = async () => {
    await Promise.all(
      children.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.kill('SIGKILL');
          }),
      ),
    );
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (const [index, port] of ports.entries()) {
      for (let i = 0; i < 200 && !(await isPortOpen(port)); i += 1) {
        if (children[index]?.exitCode !== null) throw new Error(`redis-server on port ${port} exited`);
        await new Promise((r) => setTimeout(r, 50));
      }
      if (!(await isPortOpen(port))) throw new Error(`redis-server on port ${port} is not listening`);
    }
    const nodes = ports.map((port) => `127.0.0.1:${port}`);
    await run(cli, ['--cluster', 'create', ...nodes, '--cluster-replicas', '0', '--cluster-yes']);
    for (let i = 0; i < 100; i += 1) {
      const { stdout } = await run(cli, ['-p', String(ports[0]), 'cluster', 'info']);
      if (stdout.includes('cluster_state:ok')) return { nodes, stop };
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('the test Redis Cluster did not reach cluster_state:ok');
  } catch (error) {
    await stop();
    throw error;
  }
}

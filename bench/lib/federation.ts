import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { signAccessToken } from '@supergraph/identity';
import { SUBGRAPH_NAMES, type SubgraphName } from '@supergraph/registry';
import { TEST_SECRETS } from '@supergraph/testing';
import { freePort, startTestServices } from '../../scripts/services';
import { seedEmail } from '../../scripts/seed/accounts';
import { seedId } from '../../scripts/seed/data';
import type { Cleanups } from './cleanup';
import { spawnService, type ServiceProcess } from './processes';

/**
 * The supergraph as production runs it, for the gateway benchmarks: FerretDB and Redis on free ports, seeded
 * data, each subgraph built (esbuild bundle) and run as its own process with NODE_ENV=production, and a
 * supergraph file pointing at their ports. Gateways are started one at a time by `startGateway`.
 */

const run = promisify(execFile);
const repoRoot = path.resolve(__dirname, '../..');
const SUBGRAPHS = SUBGRAPH_NAMES;

export type GatewayKind = 'ours' | 'stock' | 'hive';
export const GATEWAY_LABELS: Record<GatewayKind, string> = {
  ours: 'ours',
  stock: 'stock Apollo Gateway',
  hive: 'Hive Gateway',
};

export interface SeedSizes {
  users: number;
  posts: number;
  products: number;
}

export interface BenchUser {
  id: string;
  email: string;
}

export interface Federation {
  subgraphs: Record<SubgraphName, { url: string; process: ServiceProcess }>;
  supergraphPath: string;
  secrets: { JWT_SECRET: string; IDENTITY_SECRET: string; JWT_ISSUER: string; JWT_AUDIENCE: string };
  redisUrl: string;
  /** The seeded users (ids and emails are deterministic: see scripts/seed/data.ts). */
  users: BenchUser[];
  productIds: string[];
  /** Starts one gateway as a process on a free port; `extraEnv` for our gateway's settings. */
  startGateway(
    kind: GatewayKind,
    extraEnv?: Record<string, string>,
    nodeArgs?: string[],
  ): Promise<{ url: string; process: ServiceProcess }>;
  /** A bearer token for a seeded user (valid one hour). */
  tokenFor(user: BenchUser): Promise<string>;
}

const SECRETS = { ...TEST_SECRETS, JWT_ISSUER: 'supergraph', JWT_AUDIENCE: 'supergraph' };

async function buildApps(log: (line: string) => void): Promise<void> {
  log('building the gateway and the subgraphs (esbuild bundles)');
  await Promise.all(
    ['gateway', ...SUBGRAPHS.map((name) => `subgraphs/${name}`)].map((dir) =>
      run(process.execPath, [path.join(repoRoot, 'scripts/build-app.mjs'), dir, 'src/main.ts'], { cwd: repoRoot }),
    ),
  );
}

export async function startFederation(options: {
  cleanups: Cleanups;
  log: (line: string) => void;
  seed: SeedSizes;
  /** Settings for every subgraph process. */
  subgraphEnv?: Record<string, string>;
}): Promise<Federation> {
  const { cleanups, log } = options;
  await buildApps(log);
  const services = await startTestServices();
  cleanups.add('FerretDB + Redis', () => services.stop());
  const scratch = await mkdtemp(path.join(os.tmpdir(), 'supergraph-bench-'));
  cleanups.add('scratch directory', () => rm(scratch, { recursive: true, force: true }));

  log(`seeding ${options.seed.users} users, ${options.seed.posts} posts, ${options.seed.products} products`);
  await run(
    path.join(repoRoot, 'node_modules/.bin/tsx'),
    [
      path.join(repoRoot, 'scripts/seed.ts'),
      `--users=${options.seed.users}`,
      `--posts=${options.seed.posts}`,
      `--products=${options.seed.products}`,
    ],
    { cwd: repoRoot, env: { ...process.env, MONGO_URL: services.mongoUrl, REDIS_URL: services.redisUrl } },
  );

  const common = {
    NODE_ENV: 'production',
    // As deploy/Dockerfile sets it for every app; the peer gateways get it too.
    NODE_OPTIONS: '--max-semi-space-size=32',
    LOG_LEVEL: 'warn',
    HOST: '127.0.0.1',
    REDIS_URL: services.redisUrl,
    ...SECRETS,
  };
  const subgraphs = {} as Federation['subgraphs'];
  await Promise.all(
    SUBGRAPHS.map(async (name) => {
      const port = await freePort();
      const process_ = await spawnService({
        name,
        command: process.execPath,
        args: [path.join(repoRoot, `subgraphs/${name}/dist/main.js`)],
        cwd: repoRoot,
        env: {
          ...common,
          PORT: String(port),
          MONGO_URL: `${services.mongoUrl}/supergraph_${name}`,
          ...options.subgraphEnv,
        },
        readyUrl: `http://127.0.0.1:${port}/readyz`,
      });
      cleanups.add(`${name} subgraph`, () => process_.stop());
      subgraphs[name] = { url: `http://127.0.0.1:${port}/graphql`, process: process_ };
    }),
  );

  // The committed supergraph names the dev ports; the bench's copy names the ports it used.
  let supergraph = await readFile(path.join(repoRoot, 'schema/supergraph.graphql'), 'utf8');
  for (const name of SUBGRAPHS) {
    supergraph = supergraph.replace(
      new RegExp(`(@join__graph\\(name: "${name}", url: ")[^"]+`),
      (_, head: string) => `${head}${subgraphs[name].url}`,
    );
  }
  const supergraphPath = path.join(scratch, 'supergraph.graphql');
  await writeFile(supergraphPath, supergraph);

  const users = Array.from({ length: options.seed.users }, (_, i) => ({
    id: String(seedId('user', i)),
    email: seedEmail(i + 1),
  }));
  const productIds = Array.from({ length: options.seed.products }, (_, i) => String(seedId('product', i)));

  const startGateway: Federation['startGateway'] = async (kind, extraEnv = {}, nodeArgs = []) => {
    const port = await freePort();
    const env = { ...common, PORT: String(port), SUPERGRAPH_PATH: supergraphPath };
    const spawned =
      kind === 'ours'
        ? await spawnService({
            name: GATEWAY_LABELS.ours,
            command: process.execPath,
            args: [...nodeArgs, path.join(repoRoot, 'gateway/dist/main.js')],
            cwd: repoRoot,
            env: { ...env, RATE_LIMIT_USER_POINTS: '1000000', RATE_LIMIT_IP_POINTS: '1000000', ...extraEnv },
            readyUrl: `http://127.0.0.1:${port}/readyz`,
          })
        : kind === 'stock'
          ? await spawnService({
              name: GATEWAY_LABELS.stock,
              command: process.execPath,
              args: [...nodeArgs, '--import', 'tsx', path.join(repoRoot, 'bench/gateways/stock-apollo.ts')],
              cwd: repoRoot,
              env,
              // Apollo Server has no health route: it listens once the supergraph is loaded.
              readyUrl: `http://127.0.0.1:${port}/`,
              readyOnAnyAnswer: true,
            })
          : await spawnService({
              name: GATEWAY_LABELS.hive,
              command: process.execPath,
              args: [
                ...nodeArgs,
                path.join(repoRoot, 'node_modules/@graphql-hive/gateway/dist/bin.js'),
                'supergraph',
                supergraphPath,
                '--config-path',
                path.join(repoRoot, 'bench/gateways/hive.config.ts'),
                '--host',
                '127.0.0.1',
                '--port',
                String(port),
              ],
              cwd: repoRoot,
              env,
              readyUrl: `http://127.0.0.1:${port}/healthcheck`,
            });
    const stop = cleanups.add(GATEWAY_LABELS[kind], () => spawned.stop());
    return {
      url: `http://127.0.0.1:${port}/graphql`,
      process: { ...spawned, stop },
    };
  };

  return {
    subgraphs,
    supergraphPath,
    secrets: SECRETS,
    redisUrl: services.redisUrl,
    users,
    productIds,
    startGateway,
    tokenFor: (user) => signAccessToken({ userId: user.id, email: user.email, roles: [], sessionId: 'bench' }, SECRETS, 3600),
  };
}

import { spawn } from 'node:child_process';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { CACHE_PREFIX } from '@supergraph/cache';
import { SUBGRAPH_NAMES, type SubgraphName } from '@supergraph/registry';
import { Redis } from 'ioredis';
import { withDatabase } from '../../scripts/mongo-url';
import { startTestServices, type TestServices } from '../../scripts/services';
import type { SeedSizes } from '../../scripts/seed/data';
import { startTestStack, type StackWatch, type TestStack } from '../../test/support/stack';
import type { ScenarioContext } from './types';

/**
 * The whole stack in-process on throwaway FerretDB + Redis, filled by the project's own seed (`npm run seed`), with
 * what the read benchmarks need: MongoDB commands counted per subgraph, and a way to make the subgraphs' Redis cache cold.
 */

const repoRoot = path.resolve(__dirname, '../..');
const SUBGRAPHS = SUBGRAPH_NAMES;

/** MongoDB command names each subgraph sent for one operation. */
export type CommandsBySubgraph = Record<SubgraphName, string[]>;

/** One operation through the gateway, timed by the client, with the MongoDB commands it caused. */
export interface Measured<TData> {
  ms: number;
  commands: CommandsBySubgraph;
  data: TData | null | undefined;
  errors: unknown;
}

export interface SeededStack {
  stack: TestStack;
  services: TestServices;
  /** Deletes every subgraph cache entry of this stack (`<prefix>cache:*`), never sessions; returns how many. */
  coldCache(): Promise<number>;
  /** Runs an operation through the gateway: only the HTTP call is timed, commands are counted around it. */
  measure<TData = Record<string, unknown>>(
    query: string,
    options?: { token?: string; variables?: Record<string, unknown> },
  ): Promise<Measured<TData>>;
}

export const totalCommands = (commands: CommandsBySubgraph) => SUBGRAPHS.reduce((sum, name) => sum + commands[name].length, 0);

/** Runs `scripts/seed.ts` against the services, as `npm run seed` would, in a child process the cleanups can stop. */
export async function seed(
  services: Pick<TestServices, 'mongoUrl' | 'redisUrl'>,
  sizes: SeedSizes,
  { cleanups, log }: Pick<ScenarioContext, 'cleanups' | 'log'>,
) {
  const args = ['--users', String(sizes.users), '--posts', String(sizes.posts), '--products', String(sizes.products)];
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'scripts/seed.ts'), ...args], {
    cwd: repoRoot,
    env: { ...process.env, MONGO_URL: services.mongoUrl, REDIS_URL: services.redisUrl },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stop = cleanups.add('seed process', () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  await stop();
  if (code !== 0) throw new Error(`the seed failed (exit ${code}):\n${output.slice(-2_000)}`);
  for (const line of output.split('\n').filter((text) => /^(New|Tag counts):/.test(text))) log(`  seed: ${line}`);
}

/** Starts FerretDB + Redis, seeds them, starts the subgraphs and the gateway on the seeded databases. */
export async function startSeededStack(
  label: string,
  sizes: SeedSizes,
  context: Pick<ScenarioContext, 'cleanups' | 'log'>,
): Promise<SeededStack> {
  const { cleanups, log } = context;
  log(`${label}: starting FerretDB + Redis`);
  const services = await startTestServices();
  cleanups.add('FerretDB + Redis', () => services.stop());
  process.env.TEST_MONGO_URL = services.mongoUrl;
  process.env.TEST_REDIS_URL = services.redisUrl;

  log(`${label}: seeding ${sizes.users} users, ${sizes.posts} posts, ${sizes.products} products (scripts/seed.ts)`);
  const seeded = performance.now();
  await seed(services, sizes, context);
  log(`${label}: seeded in ${((performance.now() - seeded) / 1000).toFixed(1)} s`);

  log(`${label}: building the subgraphs and the gateway in-process`);
  const stack = await startTestStack(
    // The gateway's whole-response cache (on in production) stays off: what is measured is the subgraphs' cache.
    { RESPONSE_CACHE: 'false', ACCESS_TOKEN_TTL_SECONDS: '3600' },
    {
      perService: Object.fromEntries(
        SUBGRAPHS.map((name) => [name, { MONGO_URL: withDatabase(services.mongoUrl, `supergraph_${name}`) }]),
      ),
    },
  );
  cleanups.add('gateway and subgraphs', () => stack.stop());
  const redis = new Redis(services.redisUrl, { lazyConnect: true });
  await redis.connect();
  cleanups.add('cache-flushing Redis client', () => redis.quit());
  const watch: StackWatch = stack.watch();
  cleanups.add('MongoDB command watch', () => watch.stop());

  const coldCache = async () => {
    let dropped = 0;
    for (const name of SUBGRAPHS) {
      const match = `${stack.envs[name].REDIS_KEY_PREFIX}${CACHE_PREFIX}*`;
      for await (const keys of redis.scanStream({ match, count: 1_000 }) as AsyncIterable<string[]>) {
        if (keys.length > 0) dropped += await redis.unlink(...keys);
      }
    }
    return dropped;
  };

  const measure: SeededStack['measure'] = async (query, options = {}) => {
    const body = JSON.stringify({ query, variables: options.variables });
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    watch.reset();
    const started = performance.now();
    const response = await fetch(stack.gatewayUrl, { method: 'POST', headers, body });
    const text = await response.text();
    const elapsed = performance.now() - started;
    const commands = Object.fromEntries(SUBGRAPHS.map((name) => [name, [...watch[name]]])) as CommandsBySubgraph;
    let parsed: { data?: unknown; errors?: unknown };
    try {
      parsed = JSON.parse(text) as typeof parsed;
    } catch {
      throw new Error(`non-JSON answer (${response.status}): ${text.slice(0, 200)}`);
    }
    return { ms: elapsed, commands, data: parsed.data as never, errors: parsed.errors };
  };

  return { stack, services, coldCache, measure };
}

/** Throws with the errors when an answer has any, or no data. */
export function checked<TData>(what: string, result: { data?: TData | null; errors?: unknown }): TData {
  if (result.errors || !result.data)
    throw new Error(`${what} failed: ${JSON.stringify(result.errors ?? 'no data').slice(0, 500)}`);
  return result.data;
}

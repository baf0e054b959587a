import { createLogger } from '@supergraph/logger';
import mongoose from 'mongoose';
import type { HttpService } from '@supergraph/server';
import type { BuiltSubgraph } from '@supergraph/subgraph';
import { graphql, testEnv, type GraphQLCallOptions } from '@supergraph/testing';
import { loadGatewayConfig } from '../../gateway/src/config';
import { buildGateway } from '../../gateway/src/server';
import { loadAuthConfig } from '../../subgraphs/auth/src/config';
import { buildAuthSubgraph } from '../../subgraphs/auth/src/server';
import { loadCartConfig } from '../../subgraphs/cart/src/config';
import { buildCartSubgraph } from '../../subgraphs/cart/src/server';
import { loadPostsConfig } from '../../subgraphs/posts/src/config';
import { buildPostsSubgraph } from '../../subgraphs/posts/src/server';
import { startAppProcess, type AppProcess } from '../support/app-process';

/**
 * The supergraph with one subgraph (the one under fault) running as real processes, its API and
 * its worker, on servers the test owns; the other two subgraphs and the gateway run in this
 * process against the shared test servers, so their fields still answer while the test stops the
 * faulted subgraph's MongoDB or Redis.
 */
export type SubgraphName = 'auth' | 'posts' | 'cart';

export interface FaultStackOptions {
  /** The subgraph whose API and worker run as processes. */
  faulted: SubgraphName;
  /** Its settings: at least its own MONGO_URL or REDIS_URL (the servers the test will stop). */
  env: Record<string, string>;
  /** Where its worker sends mail (auth and cart workers need one). */
  smtpUrl: string;
}

export interface FaultStack {
  /** The current gateway's URL (`replaceGateway` changes it). */
  readonly gatewayUrl: string;
  /** The faulted subgraph's API and worker processes. */
  api: AppProcess;
  worker: AppProcess;
  /** The faulted subgraph's settings, to start more of its processes. */
  env: Record<string, string>;
  /** The in-process subgraphs. */
  others: Partial<Record<SubgraphName, BuiltSubgraph>>;
  query<TData = Record<string, unknown>>(query: string, options?: GraphQLCallOptions): ReturnType<typeof graphql<TData>>;
  /**
   * Replaces the gateway with a fresh one (fresh breakers): a breaker's rolling window would carry
   * one test's calls into the next.
   */
  replaceGateway(): Promise<void>;
  /** Starts the faulted subgraph's API (`api`) or worker entry again as another process, with `env` on top. */
  startProcess(kind: 'api' | 'worker', env?: Record<string, string>): Promise<AppProcess>;
  stop(): Promise<void>;
}

const silent = (service: string) => createLogger({ service, level: 'silent' });
const builders = {
  auth: (env: Record<string, string>) => buildAuthSubgraph(loadAuthConfig(env), silent('auth')),
  posts: (env: Record<string, string>) => buildPostsSubgraph(loadPostsConfig(env), silent('posts')),
  cart: (env: Record<string, string>) => buildCartSubgraph(loadCartConfig(env), silent('cart')),
};

/** Starts the stack; the processes log at info, so a test can read what they said. */
export async function startFaultStack(options: FaultStackOptions): Promise<FaultStack> {
  const { faulted } = options;
  const env = testEnv(faulted, {
    NODE_ENV: 'production',
    LOG_LEVEL: 'info',
    SMTP_URL: options.smtpUrl,
    WORKER_HEALTH_PORT: '0',
    // Quick job settings, so a job held up by the outage runs soon after it ends.
    JOB_BACKOFF_MS: '100',
    OUTBOX_SWEEP_MS: '300',
    WORKER_LOCK_DURATION_MS: '2000',
    ...options.env,
  });
  const started: AppProcess[] = [];
  const others: Partial<Record<SubgraphName, BuiltSubgraph>> = {};
  let gateway: HttpService | undefined;
  const startProcess = async (kind: 'api' | 'worker', extra: Record<string, string> = {}) => {
    const entry = kind === 'api' ? `subgraphs/${faulted}/src/main.ts` : `subgraphs/${faulted}/src/worker.ts`;
    const app = await startAppProcess(`${faulted}-${kind}`, entry, { ...env, ...extra }, /ready/);
    started.push(app);
    return app;
  };
  const stop = async () => {
    await gateway?.shutdown('test done');
    await Promise.all(started.map((app) => app.stop()));
    await dropDatabase(env.MONGO_URL);
    await Promise.all(
      Object.values(others).map(async (subgraph) => {
        await subgraph.connection.dropDatabase().catch(() => undefined);
        await subgraph.service.shutdown('test done');
      }),
    );
  };
  try {
    const [api, worker] = await Promise.all([startProcess('api'), startProcess('worker')]);
    const urls: Record<string, string> = { [`${faulted.toUpperCase()}_URL`]: `${api.origin}/graphql` };
    for (const name of (['auth', 'posts', 'cart'] as const).filter((name) => name !== faulted)) {
      const subgraph = await builders[name](testEnv(name));
      others[name] = subgraph;
      const address = await subgraph.service.listen(0, '127.0.0.1');
      urls[`${name.toUpperCase()}_URL`] = `http://127.0.0.1:${address.port}/graphql`;
    }
    const gatewayConfig = loadGatewayConfig(testEnv('gateway', { ...urls, BREAKER_VOLUME: '4', BREAKER_RESET_MS: '5000' }));
    let gatewayUrl = '';
    const startGateway = async () => {
      gateway = await buildGateway(gatewayConfig, silent('gateway'));
      gatewayUrl = `http://127.0.0.1:${(await gateway.listen(0, '127.0.0.1')).port}/graphql`;
    };
    await startGateway();
    return {
      get gatewayUrl() {
        return gatewayUrl;
      },
      api,
      worker,
      env,
      others,
      query: (query, callOptions) => graphql(gatewayUrl, query, callOptions),
      async replaceGateway() {
        await gateway?.shutdown('replaced by the test');
        await startGateway();
      },
      startProcess,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Drops the faulted subgraph's database, wherever it is; a server that is gone keeps nothing to drop. */
async function dropDatabase(url: string): Promise<void> {
  const connection = mongoose.createConnection(url, { serverSelectionTimeoutMS: 2_000 });
  try {
    await connection.asPromise();
    await connection.dropDatabase();
  } catch {
    // the test stopped that server for good
  } finally {
    await connection.close().catch(() => undefined);
  }
}

import type { AddressInfo } from 'node:net';
import { createLogger } from '@supergraph/logger';
import { watchCommands } from '@supergraph/mongo';
import type { HttpService } from '@supergraph/server';
import { buildWorker, type BuiltSubgraph, type BuiltWorker } from '@supergraph/subgraph';
import { graphql, testEnv, type GraphQLCallOptions } from '@supergraph/testing';
import { loadGatewayConfig } from '../../gateway/src/config';
import { buildGateway } from '../../gateway/src/server';
import { loadAuthConfig, loadAuthWorkerConfig } from '../../subgraphs/auth/src/config';
import { authWorker } from '../../subgraphs/auth/src/worker-definition';
import { buildAuthSubgraph } from '../../subgraphs/auth/src/server';
import { loadCartConfig, loadCartWorkerConfig } from '../../subgraphs/cart/src/config';
import { cartWorker } from '../../subgraphs/cart/src/worker-definition';
import { buildCartSubgraph } from '../../subgraphs/cart/src/server';
import { loadPostsConfig } from '../../subgraphs/posts/src/config';
import { postsWorker } from '../../subgraphs/posts/src/worker-definition';
import { buildPostsSubgraph } from '../../subgraphs/posts/src/server';
import { startGatewayProcess } from './gateway-process';
import { startOwnRedis, type OwnRedis } from './own-redis';

/** The whole supergraph, in this process, on free ports, against the test servers. */
export interface TestStack {
  gatewayUrl: string;
  subgraphUrls: { auth: string; posts: string; cart: string };
  subgraphs: { auth: BuiltSubgraph; posts: BuiltSubgraph; cart: BuiltSubgraph };
  gateway: HttpService;
  /** Each subgraph's settings (its database, Redis prefix...), to run its worker as a process. */
  envs: Record<'auth' | 'posts' | 'cart', Record<string, string>>;
  /** The gateway's settings (its Redis prefix...). */
  gatewayEnv: Record<string, string>;
  /** The in-process workers, when started with `{ workers }`. */
  workers: BuiltWorker[];
  /** The stack's own Redis, when started with `{ ownRedis: true }`. */
  redis?: OwnRedis;
  /** Records the MongoDB commands each subgraph sends from now on. */
  watch(): StackWatch;
  /** Another gateway replica, as its own process, with the same settings (so the same Redis) plus `env`. */
  startExtraGateway(
    env?: Record<string, string>,
  ): Promise<{ url: string; pid: number; query: TestStack['query']; stop(): Promise<void> }>;
  /** Stops one subgraph (as if it died); `restartSubgraph` brings it back on the same port. */
  stopSubgraph(name: 'auth' | 'posts' | 'cart'): Promise<void>;
  restartSubgraph(name: 'auth' | 'posts' | 'cart'): Promise<void>;
  /** Runs an operation through the gateway. */
  query<TData = Record<string, unknown>>(query: string, options?: GraphQLCallOptions): ReturnType<typeof graphql<TData>>;
  stop(): Promise<void>;
}

const silent = (service: string) => createLogger({ service, level: 'silent' });
const urlOf = (address: AddressInfo) => `http://127.0.0.1:${address.port}/graphql`;

/** MongoDB commands per subgraph since the watch started. */
export interface StackWatch {
  auth: readonly string[];
  posts: readonly string[];
  cart: readonly string[];
  reset(): void;
  stop(): void;
}

export interface StackOptions {
  /** Also run the workers in-process (all three, or `only` these), sending mail to `smtpUrl`. */
  workers?: { smtpUrl: string; only?: ReadonlyArray<'auth' | 'posts' | 'cart'> };
  /** Leave the subgraphs' databases in place on stop (they belong to the test). */
  keepDatabases?: boolean;
  /** Run on a Redis of the stack's own, which the test may stop, start or flush. */
  ownRedis?: boolean;
  /** Settings for one service only, e.g. its own MONGO_URL. */
  perService?: Partial<Record<'auth' | 'posts' | 'cart', Record<string, string>>>;
}

/** Starts the three subgraphs and the gateway; env overrides apply to every service. */
export async function startTestStack(overrides: Record<string, string> = {}, options: StackOptions = {}): Promise<TestStack> {
  const redis = options.ownRedis ? await startOwnRedis() : undefined;
  if (redis) overrides = { ...overrides, REDIS_URL: redis.url };
  // Quick job settings, so retries and stalled jobs resolve within a test's patience.
  const jobs = { WORKER_LOCK_DURATION_MS: '2000', JOB_BACKOFF_MS: '100', OUTBOX_SWEEP_MS: '300' };
  const envs = {
    auth: testEnv('auth', { ...jobs, ...overrides, ...options.perService?.auth }),
    posts: testEnv('posts', { ...jobs, ...overrides, ...options.perService?.posts }),
    cart: testEnv('cart', { ...jobs, ...overrides, ...options.perService?.cart }),
  };
  const [auth, posts, cart] = await Promise.all([
    buildAuthSubgraph(loadAuthConfig(envs.auth), silent('auth')),
    buildPostsSubgraph(loadPostsConfig(envs.posts), silent('posts')),
    buildCartSubgraph(loadCartConfig(envs.cart), silent('cart')),
  ]);
  const mail = options.workers ? { SMTP_URL: options.workers.smtpUrl } : undefined;
  const wanted = (name: 'auth' | 'posts' | 'cart') =>
    Boolean(mail) && (options.workers?.only ?? ['auth', 'posts', 'cart']).includes(name);
  /** One subgraph's worker, its config loaded once for both the definition and the connections. */
  const startWorker = <C extends Parameters<typeof buildWorker>[1]>(
    name: string,
    config: C,
    define: (config: C) => Parameters<typeof buildWorker>[0],
  ) => buildWorker(define(config), config, silent(`${name}-worker`));
  const workers = await Promise.all([
    ...(wanted('auth') ? [startWorker('auth', loadAuthWorkerConfig({ ...envs.auth, ...mail }), authWorker)] : []),
    ...(wanted('posts') ? [startWorker('posts', loadPostsConfig(envs.posts), postsWorker)] : []),
    ...(wanted('cart') ? [startWorker('cart', loadCartWorkerConfig({ ...envs.cart, ...mail }), cartWorker)] : []),
  ]);
  const [authAddress, postsAddress, cartAddress] = await Promise.all([
    auth.service.listen(0, '127.0.0.1'),
    posts.service.listen(0, '127.0.0.1'),
    cart.service.listen(0, '127.0.0.1'),
  ]);
  const subgraphUrls = { auth: urlOf(authAddress), posts: urlOf(postsAddress), cart: urlOf(cartAddress) };
  const gatewayEnv = testEnv('gateway', {
    AUTH_URL: subgraphUrls.auth,
    POSTS_URL: subgraphUrls.posts,
    CART_URL: subgraphUrls.cart,
    ...overrides,
  });
  const gatewayConfig = loadGatewayConfig(gatewayEnv);
  const gateway = await buildGateway(gatewayConfig, silent('gateway'));
  const gatewayUrl = urlOf(await gateway.listen(0, '127.0.0.1'));
  const built = { auth, posts, cart };
  const extraGateways: Array<{ stop(): Promise<void> }> = [];
  const stack: TestStack = {
    gatewayUrl,
    subgraphUrls,
    subgraphs: { auth, posts, cart },
    gateway,
    envs,
    gatewayEnv,
    workers,
    ...(redis ? { redis } : {}),
    watch() {
      const watches = {
        auth: watchCommands(auth.connection),
        posts: watchCommands(posts.connection),
        cart: watchCommands(cart.connection),
      };
      return {
        auth: watches.auth.commands,
        posts: watches.posts.commands,
        cart: watches.cart.commands,
        reset: () => Object.values(watches).forEach((watch) => watch.reset()),
        stop: () => Object.values(watches).forEach((watch) => watch.stop()),
      };
    },
    query: (query, options) => graphql(gatewayUrl, query, options),
    async startExtraGateway(env = {}) {
      const replica = await startGatewayProcess({ ...gatewayEnv, PORT: '0', LOG_LEVEL: 'info', ...env });
      extraGateways.push(replica);
      return { ...replica, query: (query, options) => graphql(replica.url, query, options) };
    },
    async stopSubgraph(name) {
      await built[name].service.shutdown('stopped by the test');
    },
    async restartSubgraph(name) {
      const builders = {
        auth: () => buildAuthSubgraph(loadAuthConfig(envs.auth), silent('auth')),
        posts: () => buildPostsSubgraph(loadPostsConfig(envs.posts), silent('posts')),
        cart: () => buildCartSubgraph(loadCartConfig(envs.cart), silent('cart')),
      };
      const fresh = await builders[name]();
      await fresh.service.listen(Number(new URL(subgraphUrls[name]).port), '127.0.0.1');
      built[name] = fresh;
      stack.subgraphs[name] = fresh;
    },
    async stop() {
      await Promise.all(workers.map((worker) => worker.close()));
      await Promise.all(extraGateways.map((extra) => extra.stop()));
      await gateway.shutdown('test done');
      await Promise.all(
        Object.values(built).map(async (subgraph) => {
          if (!options.keepDatabases) await subgraph.connection.dropDatabase().catch(() => undefined);
          await subgraph.service.shutdown('test done');
        }),
      );
      await redis?.dispose();
    },
  };
  return stack;
}

import type { AddressInfo } from 'node:net';
import { createLogger } from '@supergraph/logger';
import { watchCommands } from '@supergraph/mongo';
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
import { startOwnRedis, type OwnRedis } from './own-redis';

/** The whole supergraph, in this process, on free ports, against the test servers. */
export interface TestStack {
  gatewayUrl: string;
  subgraphUrls: { auth: string; posts: string; cart: string };
  subgraphs: { auth: BuiltSubgraph; posts: BuiltSubgraph; cart: BuiltSubgraph };
  gateway: HttpService;
  /** The stack's own Redis, when started with `{ ownRedis: true }`. */
  redis?: OwnRedis;
  /** Records the MongoDB commands each subgraph sends from now on. */
  watch(): StackWatch;
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
  const [auth, posts, cart] = await Promise.all([
    buildAuthSubgraph(loadAuthConfig(testEnv('auth', { ...overrides, ...options.perService?.auth })), silent('auth')),
    buildPostsSubgraph(loadPostsConfig(testEnv('posts', { ...overrides, ...options.perService?.posts })), silent('posts')),
    buildCartSubgraph(loadCartConfig(testEnv('cart', { ...overrides, ...options.perService?.cart })), silent('cart')),
  ]);
  const [authAddress, postsAddress, cartAddress] = await Promise.all([
    auth.service.listen(0, '127.0.0.1'),
    posts.service.listen(0, '127.0.0.1'),
    cart.service.listen(0, '127.0.0.1'),
  ]);
  const subgraphUrls = { auth: urlOf(authAddress), posts: urlOf(postsAddress), cart: urlOf(cartAddress) };
  const gatewayConfig = loadGatewayConfig(
    testEnv('gateway', { AUTH_URL: subgraphUrls.auth, POSTS_URL: subgraphUrls.posts, CART_URL: subgraphUrls.cart, ...overrides }),
  );
  const gateway = await buildGateway(gatewayConfig, silent('gateway'));
  const gatewayUrl = urlOf(await gateway.listen(0, '127.0.0.1'));
  return {
    gatewayUrl,
    subgraphUrls,
    subgraphs: { auth, posts, cart },
    gateway,
    ...(redis ? { redis } : {}),
    watch() {
      const watches = { auth: watchCommands(auth.connection), posts: watchCommands(posts.connection), cart: watchCommands(cart.connection) };
      return {
        auth: watches.auth.commands,
        posts: watches.posts.commands,
        cart: watches.cart.commands,
        reset: () => Object.values(watches).forEach((watch) => watch.reset()),
        stop: () => Object.values(watches).forEach((watch) => watch.stop()),
      };
    },
    query: (query, options) => graphql(gatewayUrl, query, options),
    async stop() {
      await gateway.shutdown('test done');
      await Promise.all(
        [auth, posts, cart].map(async (subgraph) => {
          if (!options.keepDatabases) await subgraph.connection.dropDatabase().catch(() => undefined);
          await subgraph.service.shutdown('test done');
        }),
      );
      await redis?.dispose();
    },
  };
}

import { randomBytes } from 'node:crypto';
import { Pool } from 'undici';
import {
  DEFAULT_MIX,
  OPERATION_KINDS,
  idempotencyKey,
  loadOperationDocuments,
  newAccountEmail,
  postInput,
  strongPassword,
  type OperationKind,
} from './mixed-operations';
import { createTally, type MixedStats, type Outcome } from './mixed-stats';

/**
 * A mixed load on a gateway, as many people using the site at once: anonymous reads (the feed
 * with its authors, products), signed-in reads (`me` with cart and orders), sign-ins, sign-ups,
 * posts, and add-to-cart then checkout with an idempotency key. Each virtual client is a closed
 * loop (its next request as soon as the last one answered) on its own keep-alive connection and,
 * by default, its own source address, and keeps a session as a browser would. Every request is
 * counted by operation, with failures by code. Reusable: `start()`, `stats()`, `reset()`, `stop()`.
 */

export type { MixedStats, OperationStats } from './mixed-stats';
export { OPERATION_KINDS, type OperationKind } from './mixed-operations';

/** Options for {@link createMixedLoad}. */
export interface MixedLoadOptions {
  /** The gateway's GraphQL endpoint, e.g. `http://127.0.0.1:4000/graphql`. */
  url: string;
  /** Virtual clients, each one request at a time. */
  clients: number;
  /**
   * Existing accounts to sign in as (e.g. the seed's: `seed-user-<n>@example.com`, password
   * `supergraph-seed-1`). Each client signs in only as its own share of them, so no two clients
   * fill or buy the same cart at once.
   */
  accounts: { emails: readonly string[]; password: string };
  /** Relative weights of the operation kinds. @defaultValue DEFAULT_MIX */
  mix?: Partial<Record<OperationKind, number>>;
  /** Products go in carts only while their stock is at least this. @defaultValue 50 */
  minStock?: number;
  /**
   * Give client n the source address 127.0.<1 + n / 250>.<1 + n % 250>, as distinct people have
   * distinct addresses (the gateway's rate limit and the login throttle count per address). Only
   * for a gateway on the loopback. @defaultValue true when the URL's host is 127.0.0.1 or localhost
   */
  distinctAddresses?: boolean;
  /** A request taking longer fails as CLIENT_TIMEOUT. @defaultValue 30_000 */
  requestTimeoutMs?: number;
  /** The load stops by itself after this long, whatever else happens. @defaultValue 900_000 (15 min) */
  maxDurationMs?: number;
  /** ...or once this many requests were sent. @defaultValue unbounded */
  maxRequests?: number;
  /** Seeds each client's choice of operations, so a run can be repeated. @defaultValue 1 */
  seed?: number;
}

/** A running (or ready) mixed load. */
export interface MixedLoad {
  /** Starts the clients. Safe to call twice. */
  start(): void;
  /** Figures since the start or the last reset. */
  stats(): MixedStats;
  /** Starts counting afresh, e.g. after a warm-up; the clients keep going. */
  reset(): void;
  /** Stops the clients, waits for the requests in flight and closes the connections; the final figures. Safe to call twice. */
  stop(): Promise<MixedStats>;
  /** Resolves with the final figures once the load has stopped (by `stop()` or one of its bounds). */
  readonly done: Promise<MixedStats>;
}

interface Session {
  token: string;
  /** When to sign in again: a little before the access token expires. */
  renewAt: number;
  /** Units put in the cart since the last checkout; unknown after a sign-in (another run may have left some). */
  cartUnits: number | undefined;
}

interface Answer {
  data?: Record<string, unknown> | null;
  errors?: Array<{ message?: string; extensions?: { code?: string } }>;
}

/** mulberry32: a small seeded PRNG, one per client. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

type ValidOptions = Required<Omit<MixedLoadOptions, 'maxRequests' | 'mix'>> & {
  mix: Record<OperationKind, number>;
  maxRequests: number;
};

function validate(options: MixedLoadOptions): ValidOptions {
  const url = new URL(options.url);
  if (!Number.isInteger(options.clients) || options.clients < 1 || options.clients > 60_000) {
    throw new TypeError(`mixed load: clients must be a whole number from 1 to 60000, got ${options.clients}`);
  }
  if (options.accounts.emails.length === 0) throw new TypeError('mixed load: accounts.emails must name at least one account');
  const mix: Record<OperationKind, number> = { ...DEFAULT_MIX, ...options.mix };
  for (const [kind, weight] of Object.entries(mix)) {
    if (!Number.isFinite(weight) || weight < 0)
      throw new TypeError(`mixed load: the weight of ${kind} must be 0 or more, got ${weight}`);
  }
  if (Object.values(mix).every((weight) => weight === 0)) throw new TypeError('mixed load: every weight of the mix is 0');
  const loopback = url.hostname === '127.0.0.1' || url.hostname === 'localhost';
  const distinctAddresses = options.distinctAddresses ?? loopback;
  if (distinctAddresses && !loopback) {
    throw new TypeError(`mixed load: distinctAddresses needs a gateway on the loopback, got ${url.hostname}`);
  }
  return {
    url: options.url,
    clients: options.clients,
    accounts: options.accounts,
    mix,
    minStock: options.minStock ?? 50,
    distinctAddresses,
    requestTimeoutMs: options.requestTimeoutMs ?? 30_000,
    maxDurationMs: options.maxDurationMs ?? 900_000,
    maxRequests: options.maxRequests ?? Number.POSITIVE_INFINITY,
    seed: options.seed ?? 1,
  };
}

/** The reason a request failed, or ok; `succeeded` says whether the answer holds what was asked. */
function judge(status: number, text: string, succeeded: (data: Record<string, unknown>) => boolean): Outcome {
  let answer: Answer;
  try {
    answer = JSON.parse(text) as Answer;
  } catch {
    return { ok: false, code: `HTTP_${status}`, detail: text.slice(0, 300) };
  }
  const firstError = answer.errors?.[0];
  if (firstError) return { ok: false, code: firstError.extensions?.code ?? `HTTP_${status}`, detail: text.slice(0, 300) };
  if (status !== 200) return { ok: false, code: `HTTP_${status}`, detail: text.slice(0, 300) };
  if (!answer.data || !succeeded(answer.data)) return { ok: false, code: 'NO_DATA', detail: text.slice(0, 300) };
  return { ok: true };
}

function networkCode(error: unknown): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) return 'CLIENT_TIMEOUT';
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? `NETWORK_${code}` : 'NETWORK_ERROR';
}

/** Starts nothing until `start()`: see {@link MixedLoad}. */
export function createMixedLoad(input: MixedLoadOptions): MixedLoad {
  const options = validate(input);
  const documents = loadOperationDocuments();
  const target = new URL(options.url);
  const runId = randomBytes(4).toString('hex');
  const tally = createTally();
  const kinds = OPERATION_KINDS.filter((kind) => options.mix[kind] > 0);
  const totalWeight = kinds.reduce((sum, kind) => sum + options.mix[kind], 0);
  /** Products with stock, as the last `products` answers showed them. */
  const stocked = new Map<string, number>();
  const pools: Pool[] = [];
  let sent = 0;
  let stopping = false;
  let clients: Promise<void>[] | undefined;
  let boundTimer: NodeJS.Timeout | undefined;
  let resolveDone!: (stats: MixedStats) => void;
  const done = new Promise<MixedStats>((resolve) => (resolveDone = resolve));
  let stopped: Promise<MixedStats> | undefined;

  const choose = (random: () => number): OperationKind => {
    let point = random() * totalWeight;
    for (const kind of kinds) {
      point -= options.mix[kind];
      if (point < 0) return kind;
    }
    return kinds[kinds.length - 1]!;
  };

  const runClient = async (index: number): Promise<void> => {
    const random = prng(options.seed * 100_003 + index);
    const address = `127.0.${1 + Math.floor(index / 250)}.${1 + (index % 250)}`;
    const pool = new Pool(target.origin, {
      connections: 1,
      pipelining: 1,
      keepAliveTimeout: 30_000,
      ...(options.distinctAddresses ? { localAddress: address } : {}),
    });
    pools.push(pool);
    // Its own share of the accounts; with fewer accounts than clients, some clients share one.
    const { emails } = options.accounts;
    const accounts =
      emails.length >= options.clients
        ? emails.filter((_, n) => n % options.clients === index)
        : [emails[index % emails.length]!];
    let session: Session | undefined;
    let signUps = 0;

    /** Sends one operation; records it; returns the data when it succeeded. */
    const send = async (
      kind: OperationKind,
      variables: Record<string, unknown>,
      succeeded: (data: Record<string, unknown>) => boolean,
      token?: string,
    ): Promise<Record<string, unknown> | undefined> => {
      if (stopping || sent >= options.maxRequests) return undefined;
      sent += 1;
      if (sent >= options.maxRequests) void stop();
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (token) headers.authorization = `Bearer ${token}`;
      const body = JSON.stringify({ query: documents[kind], variables });
      const started = performance.now();
      let outcome: Outcome;
      let data: Record<string, unknown> | undefined;
      try {
        const response = await pool.request({
          path: target.pathname,
          method: 'POST',
          headers,
          body,
          signal: AbortSignal.timeout(options.requestTimeoutMs),
        });
        const text = await response.body.text();
        outcome = judge(response.statusCode, text, succeeded);
        if (outcome.ok) data = (JSON.parse(text) as Answer).data ?? undefined;
      } catch (error) {
        outcome = { ok: false, code: networkCode(error), detail: error instanceof Error ? error.message : String(error) };
      }
      tally.record(kind, performance.now() - started, outcome);
      return data;
    };

    const startSession = (
      data: Record<string, unknown> | undefined,
      field: 'login' | 'register',
      cartUnits: number | undefined,
    ) => {
      const issued = data?.[field] as { accessToken: string; expiresIn: number } | undefined;
      if (issued) session = { token: issued.accessToken, renewAt: Date.now() + (issued.expiresIn - 30) * 1000, cartUnits };
    };
    const login = async () => {
      const email = accounts[Math.floor(random() * accounts.length)]!;
      const data = await send('login', { input: { email, password: options.accounts.password } }, (d) => Boolean(d.login));
      startSession(data, 'login', undefined);
    };
    const register = async () => {
      signUps += 1;
      const email = newAccountEmail(runId, index, signUps);
      const input = { email, password: strongPassword(), name: `Load Client ${index}-${signUps}` };
      startSession(await send('register', { input }, (d) => Boolean(d.register)), 'register', 0);
    };
    const signedIn = async (): Promise<Session | undefined> => {
      if (!session || Date.now() >= session.renewAt) await login();
      return session;
    };
    const products = async () => {
      const data = await send('products', { first: 20 }, (d) => Array.isArray(d.products));
      for (const product of (data?.products ?? []) as Array<{ id: string; stock: number }>) {
        if (product.stock >= options.minStock) stocked.set(product.id, product.stock);
        else stocked.delete(product.id);
      }
    };
    /** Puts one unit of a stocked product in the cart; whether it did. */
    const addToCart = async (current: Session): Promise<boolean> => {
      if (stocked.size === 0) await products();
      const ids = [...stocked.keys()];
      if (ids.length === 0) {
        tally.record('addToCart', 0, {
          ok: false,
          code: 'LOAD_NO_STOCKED_PRODUCT',
          detail: `no product with stock >= ${options.minStock}`,
        });
        return false;
      }
      const productId = ids[Math.floor(random() * ids.length)]!;
      const data = await send('addToCart', { productId, quantity: 1 }, (d) => Boolean(d.addToCart), current.token);
      if (data) current.cartUnits = (current.cartUnits ?? 0) + 1;
      return data !== undefined;
    };

    const perform = async (kind: OperationKind): Promise<void> => {
      switch (kind) {
        case 'feed':
          await send('feed', { first: 20 }, (d) => Array.isArray(d.feed));
          return;
        case 'products':
          await products();
          return;
        case 'login':
          await login();
          return;
        case 'register':
          await register();
          return;
      }
      const current = await signedIn();
      if (!current) return;
      if (kind === 'me') await send('me', {}, (d) => Boolean(d.me), current.token);
      else if (kind === 'createPost') {
        await send('createPost', { input: postInput(random) }, (d) => Boolean(d.createPost), current.token);
      } else if (kind === 'addToCart') await addToCart(current);
      else {
        // A person checks out a cart they filled: put something in it first when it may be empty.
        if (!current.cartUnits && !(await addToCart(current))) return;
        const data = await send('checkout', { idempotencyKey: idempotencyKey() }, (d) => Boolean(d.checkout), current.token);
        // A checkout that failed may still have gone through (an answer lost to a timeout).
        current.cartUnits = data ? 0 : undefined;
      }
    };

    while (!stopping && sent < options.maxRequests) await perform(choose(random));
  };

  const stop = (): Promise<MixedStats> =>
    (stopped ??= (async () => {
      stopping = true;
      clearTimeout(boundTimer);
      await Promise.all(clients ?? []);
      await Promise.all(pools.map((pool) => pool.close().catch(() => undefined)));
      const stats = tally.snapshot();
      resolveDone(stats);
      return stats;
    })());

  return {
    start() {
      if (clients || stopping) return;
      tally.reset();
      boundTimer = setTimeout(() => void stop(), options.maxDurationMs);
      clients = Array.from({ length: options.clients }, (_, index) => runClient(index));
    },
    stats: () => tally.snapshot(),
    reset: () => tally.reset(),
    stop,
    done,
  };
}

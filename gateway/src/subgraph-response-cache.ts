import { createHash } from 'node:crypto';
import type { Logger } from '@supergraph/logger';
import { closeRedis, type RedisClient } from '@supergraph/redis';
import { LRUCache } from 'lru-cache';

/**
 * The gateway's cache of public subgraph answers (entity caching): a subgraph fetch of a query
 * plan whose answer the subgraph marked `Cache-Control: public, max-age=N` is kept for
 * min(N, SUBGRAPH_CACHE_MAX_SECONDS) and reused for the same subgraph, query and variables,
 * whoever asks: the subgraph said the answer is the same for everyone. Answers with errors,
 * private or uncacheable ones are never kept, and mutations are never cached.
 *
 * Two levels: an in-process LRU (no network at all on a hit), then Redis, shared by replicas.
 * Identical fetches in flight at once share one subgraph call once a key is known to be public.
 *
 * Read-your-writes: a mutation a subgraph answers through the gateway moves that subgraph's
 * generation, which is part of every key, so the next read misses. The generation lives in
 * Redis and replicas hear of a change on a pub/sub channel. Changes made outside the gateway
 * (background jobs) show within the max-age, as they would through a CDN.
 * Redis down: the local level keeps working, and generations move locally.
 */

export interface CacheHint {
  maxAge: number;
  scope: 'PUBLIC' | 'PRIVATE' | undefined;
}

export interface CachedAnswer {
  body: string;
  hint: CacheHint;
}

export interface SubgraphCacheSettings {
  SUBGRAPH_CACHE_MAX_SECONDS: number;
  SUBGRAPH_CACHE_MAX_MB: number;
}

interface Entry {
  body: string;
  maxAge: number;
  expiresAt: number;
}

const CHANNEL = 'gateway:subgraph-cache:generation';

export class SubgraphResponseCache {
  private readonly local: LRUCache<string, Entry>;
  private readonly generations = new Map<string, number>();
  private readonly inFlight = new Map<string, Promise<CachedAnswer>>();
  /**
   * What each key's last answer was. Only public keys share in-flight calls (a private one never
   * may), and a private key goes straight to its subgraph: no lookup, no Redis round trip.
   */
  private readonly visibility = new LRUCache<string, 'public' | 'private'>({ max: 50_000 });

  constructor(
    private readonly settings: SubgraphCacheSettings,
    private readonly logger: Logger,
    /** Commands (fail-fast) and a connection of its own for pub/sub (queues while disconnected, resubscribes). */
    private readonly redis: RedisClient | undefined,
    private readonly subscriber: RedisClient | undefined,
    /** Names the pub/sub channel (the client's key prefix applies to keys only). */
    private readonly channelPrefix = '',
  ) {
    this.local = new LRUCache<string, Entry>({
      maxSize: settings.SUBGRAPH_CACHE_MAX_MB * 1024 * 1024,
      sizeCalculation: (entry) => entry.body.length * 2 + 100,
      ttlAutopurge: false,
    });
  }

  /** Subscribes to generation changes of other replicas. */
  async start(): Promise<void> {
    if (!this.subscriber) return;
    this.subscriber.on('message', (_channel: string, message: string) => {
      const [subgraph, generation] = message.split(' ');
      if (subgraph && generation) this.advance(subgraph, Number(generation));
    });
    await this.subscriber.subscribe(this.channelPrefix + CHANNEL).catch((error: unknown) => this.warn('subscribe', error));
  }

  async stop(): Promise<void> {
    if (this.subscriber) await closeRedis(this.subscriber);
  }

  /**
   * The answer for a fetch: from the cache, or from `send` (then kept when public). Only call it
   * for queries, never mutations.
   */
  async load(subgraph: string, body: string, send: () => Promise<CachedAnswer>): Promise<CachedAnswer> {
    const key = await this.keyFor(subgraph, body);
    const call = () =>
      send().then((answer) => {
        this.keep(key, answer);
        return answer;
      });
    const seen = this.visibility.get(key);
    if (seen === 'private') return call();
    const local = this.local.get(key);
    if (local && local.expiresAt > Date.now()) return { body: local.body, hint: publicFor(local) };
    const shared = await this.fromRedis(key);
    if (shared) {
      this.local.set(key, shared, { ttl: Math.max(1, shared.expiresAt - Date.now()) });
      return { body: shared.body, hint: publicFor(shared) };
    }
    const pending = this.inFlight.get(key);
    if (pending) return pending;
    const answer = call();
    if (seen === 'public') {
      this.inFlight.set(key, answer);
      void answer.then(
        () => this.inFlight.delete(key),
        () => this.inFlight.delete(key),
      );
    }
    return answer;
  }

  /** A mutation went to this subgraph: what was cached of it is no longer current. */
  async invalidate(subgraph: string): Promise<void> {
    this.advance(subgraph, (this.generations.get(subgraph) ?? 0) + 1);
    if (!this.redis) return;
    try {
      const generation = await this.redis.incr(this.generationKey(subgraph));
      this.advance(subgraph, generation);
      await this.redis.publish(this.channelPrefix + CHANNEL, `${subgraph} ${generation}`);
    } catch (error) {
      this.warn('invalidate', error);
    }
  }

  private keep(key: string, answer: CachedAnswer): void {
    const maxAge = Math.min(answer.hint.maxAge, this.settings.SUBGRAPH_CACHE_MAX_SECONDS);
    if (answer.hint.scope !== 'PUBLIC' || maxAge <= 0) {
      this.visibility.set(key, 'private');
      return;
    }
    this.visibility.set(key, 'public');
    const entry = { body: answer.body, maxAge, expiresAt: Date.now() + maxAge * 1000 };
    this.local.set(key, entry, { ttl: maxAge * 1000 });
    this.redis?.set(key, `${entry.expiresAt} ${maxAge} ${entry.body}`, 'EX', maxAge).catch((error: unknown) => {
      this.warn('set', error);
    });
  }

  private async fromRedis(key: string): Promise<Entry | undefined> {
    if (!this.redis) return undefined;
    try {
      const stored = await this.redis.get(key);
      if (!stored) return undefined;
      const first = stored.indexOf(' ');
      const second = stored.indexOf(' ', first + 1);
      const entry = {
        expiresAt: Number(stored.slice(0, first)),
        maxAge: Number(stored.slice(first + 1, second)),
        body: stored.slice(second + 1),
      };
      return entry.expiresAt > Date.now() ? entry : undefined;
    } catch (error) {
      this.warn('get', error);
      return undefined;
    }
  }

  private async keyFor(subgraph: string, body: string): Promise<string> {
    if (!this.generations.has(subgraph)) await this.loadGeneration(subgraph);
    const digest = createHash('sha256').update(body).digest('base64url');
    return `gateway:subgraph-cache:${subgraph}:${this.generations.get(subgraph) ?? 0}:${digest}`;
  }

  private async loadGeneration(subgraph: string): Promise<void> {
    let stored = 0;
    try {
      stored = Number((await this.redis?.get(this.generationKey(subgraph))) ?? 0);
    } catch (error) {
      this.warn('generation', error);
    }
    this.advance(subgraph, stored);
  }

  private advance(subgraph: string, generation: number): void {
    if (generation > (this.generations.get(subgraph) ?? -1)) this.generations.set(subgraph, generation);
  }

  private generationKey(subgraph: string): string {
    return `gateway:subgraph-cache:generation:${subgraph}`;
  }

  private warn(what: string, error: unknown): void {
    this.logger.warn({ err: error instanceof Error ? error.message : String(error), what }, 'subgraph cache: redis unavailable');
  }
}

function publicFor(entry: Entry): CacheHint {
  // What is left of the max-age, so the client's Cache-Control never outlives the subgraph's.
  return { maxAge: Math.max(0, Math.floor((entry.expiresAt - Date.now()) / 1000)), scope: 'PUBLIC' };
}

/** The cache hint of a subgraph's Cache-Control header, as Apollo's gateway reads it. */
export function hintFromHeader(header: string | undefined): CacheHint {
  let maxAge = 0;
  let scope: CacheHint['scope'];
  for (const part of (header ?? '').split(',')) {
    const [name = '', value] = part.trim().toLowerCase().split('=');
    if (name === 'max-age' && value && /^\d+$/.test(value)) maxAge = Number(value);
    else if (name === 'private') scope = 'PRIVATE';
    else if (name === 'public') scope = 'PUBLIC';
  }
  return { maxAge, scope };
}

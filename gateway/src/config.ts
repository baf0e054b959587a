import { availableParallelism } from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { csv, identityVars, int, jwtVars, loadConfig, port, processVars } from '@supergraph/config';
import { pickSubgraphUrlVars } from './subgraph-urls';

const url = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });

export const gatewayConfigShape = {
  ...processVars,
  PORT: port.default(4000),
  /**
   * Processes serving the port (node:cluster): "auto" is one per available core. The gateway
   * keeps no state in memory that matters, so they need no coordination. Under Kubernetes,
   * keep 1 and let the autoscaler add pods.
   */
  GATEWAY_WORKERS: z
    .union([z.literal('auto'), int(1, 256)])
    .default(1)
    .transform((value) => (value === 'auto' ? availableParallelism() : value)),
  ...jwtVars,
  // With a JWKS (tokens from an identity provider), the gateway needs no shared secret.
  JWT_SECRET: jwtVars.JWT_SECRET.optional(),
  /** Verify access tokens against this JWKS (RS256/ES256/EdDSA) instead of JWT_SECRET. */
  JWT_JWKS_URL: url.optional(),
  ...identityVars,
  /** The composed supergraph the gateway serves. */
  SUPERGRAPH_PATH: z.string().min(1).default(path.resolve(__dirname, '../../schema/supergraph.graphql')),
  /** How often the supergraph file is checked for a new version (hot reload). */
  SUPERGRAPH_POLL_MS: int(50, 600_000).default(2_000),
  /**
   * Where subgraphs run, overriding the URLs composed into the supergraph, e.g.
   * `auth=http://auth:4001/graphql,posts=http://posts:4002/graphql`. `<NAME>_URL` (AUTH_URL...)
   * does the same for one subgraph and wins over this list (subgraph-urls.ts).
   */
  SUBGRAPH_URLS: csv
    .pipe(z.array(z.string().regex(/^[a-z][a-z0-9-]*=https?:\/\/\S+$/, 'each entry must be name=http(s)://...')))
    .transform((entries) =>
      Object.fromEntries(entries.map((entry) => [entry.slice(0, entry.indexOf('=')), entry.slice(entry.indexOf('=') + 1)])),
    )
    .default({}),
  /** Budget for one subgraph fetch. */
  SUBGRAPH_TIMEOUT_MS: int(100, 120_000).default(10_000),
  /** Per-subgraph budgets overriding SUBGRAPH_TIMEOUT_MS, e.g. `posts=2000,cart=5000`. */
  SUBGRAPH_TIMEOUTS: csv
    .pipe(z.array(z.string().regex(/^[\w-]+=\d+$/, 'each entry must be name=milliseconds')))
    .transform((entries) =>
      Object.fromEntries(entries.map((entry) => entry.split('=') as [string, string]).map(([name, ms]) => [name, Number(ms)])),
    )
    .default({}),
  SUBGRAPH_MAX_CONNECTIONS: int(1, 10_000).default(128),
  BREAKER_ERROR_PERCENT: int(1, 100).default(50),
  BREAKER_VOLUME: int(1, 10_000).default(10),
  BREAKER_RESET_MS: int(100, 600_000).default(5_000),
  /** Behind a load balancer, take the client address from the first X-Forwarded-For entry. */
  TRUST_PROXY: z.stringbool().default(false),
  /** Shared state of every replica (rate limits, persisted queries, response cache). */
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL')
    .optional(),
  REDIS_KEY_PREFIX: z.string().default(''),
  RATE_LIMIT_USER_POINTS: int(1, 1_000_000).default(600),
  RATE_LIMIT_IP_POINTS: int(1, 1_000_000).default(300),
  RATE_LIMIT_WINDOW_SECONDS: int(1, 86_400).default(60),
  /** How long an automatic persisted query is kept. */
  APQ_TTL_SECONDS: int(60, 30 * 86_400).default(86_400),
  /**
   * Whole-response caching of public operations in Redis, for anonymous requests only and for
   * at most their public max-age. On by default in production.
   */
  RESPONSE_CACHE: z.stringbool().optional(),
  /**
   * Entity caching: subgraph answers marked public are reused for everyone (in process, then
   * Redis) for at most their max-age and SUBGRAPH_CACHE_MAX_SECONDS; a mutation through the
   * gateway starts that subgraph's cache afresh. On by default in production.
   */
  SUBGRAPH_CACHE: z.stringbool().optional(),
  SUBGRAPH_CACHE_MAX_SECONDS: int(1, 86_400).default(30),
  /** Memory for the in-process level, per gateway process. */
  SUBGRAPH_CACHE_MAX_MB: int(1, 4_096).default(64),
  /** Browser origins allowed to call the gateway (CORS); Apollo Studio is added outside production. */
  CORS_ORIGINS: csv.default([]),
  /** The frontend's operations (codegen's client preset manifest). */
  TRUSTED_DOCUMENTS_PATH: z.string().min(1).default(path.resolve(__dirname, '../../schema/client/persisted-documents.json')),
  /** Accept only the operations in that manifest. */
  TRUSTED_DOCUMENTS: z.stringbool().default(false),
  /** Operation limits (see operation-limits.ts). */
  MAX_DEPTH: int(1, 100).default(12),
  MAX_ALIASES: int(0, 1_000).default(15),
  MAX_DIRECTIVES: int(0, 1_000).default(20),
  MAX_TOKENS: int(10, 1_000_000).default(3_000),
  /** Field selections with fragments spread in place (what execution would visit). */
  MAX_FIELDS: int(1, 1_000_000).default(1_000),
  MAX_ROOT_FIELDS: int(1, 1_000).default(10),
  /**
   * Pairs of same-named fields in one selection, weighted by what each selects: graphql's
   * validation must prove each pair mergeable, at a cost that grows with this figure.
   */
  MAX_FIELD_PAIRS: int(0, 100_000_000).default(10_000),
  /** UTF-8 bytes of a document, comments included, checked before it is hashed or parsed. */
  MAX_DOCUMENT_BYTES: int(100, 1_048_576).default(16_384),
  MAX_COST: int(1, 100_000_000).default(20_000),
  DEFAULT_LIST_SIZE: int(1, 1_000).default(20),
  /**
   * Parsed and validated documents kept by hash (Apollo's document store), in MiB as Apollo
   * estimates them (JSON size; a parsed document holds about 4 times that in the heap).
   */
  DOCUMENT_CACHE_MB: int(1, 1_024).default(8),
  /** Query plans kept by operation, in MiB as the gateway estimates them. */
  QUERY_PLAN_CACHE_MB: int(1, 1_024).default(16),
  /** Request bodies above this are refused (413) before parsing. */
  MAX_BODY_BYTES: int(1_024, 10_485_760).default(102_400),
  /** The queue dashboard (Bull Board): on when ADMIN_PASSWORD and a Redis are set. */
  ADMIN_PORT: port.default(4100),
  /** Where the admin port listens: loopback unless an operator opens it on purpose. */
  ADMIN_HOST: z.string().min(1).default('127.0.0.1'),
  /** Failed admin sign-ins allowed per client address, and from all addresses together, per window. */
  ADMIN_MAX_FAILURES_PER_IP: int(1, 100_000).default(10),
  ADMIN_MAX_FAILURES: int(1, 1_000_000).default(100),
  /** The window, and how long a block lasts once an allowance is used up. */
  ADMIN_FAILURE_WINDOW_SECONDS: int(1, 86_400).default(900),
  ADMIN_USERNAME: z
    .string()
    .min(1)
    .regex(/^[^:]+$/, 'must not contain ":"')
    .default('admin'),
  ADMIN_PASSWORD: z.string().min(12, 'must be at least 12 characters').optional(),
  /** Where the queues live (the subgraphs' durable Redis); also holds the admin sign-in throttle. */
  QUEUE_REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL')
    .optional(),
  QUEUE_PREFIX: z.string().min(1).default('bull'),
  /**
   * The queues the dashboard shows. Unset: every BullMQ queue found under QUEUE_PREFIX in the queue
   * Redis, looked for again every QUEUE_DISCOVERY_MS (a subgraph's queue appears once it has run).
   */
  QUEUE_NAMES: csv.pipe(z.array(z.string().regex(/^[\w.-]+$/)).min(1)).optional(),
  QUEUE_DISCOVERY_MS: int(100, 3_600_000).default(10_000),
};

export type GatewayConfig = ReturnType<typeof loadGatewayConfig>;

/** The gateway's config from the environment; throws ConfigError naming every problem. */
export function loadGatewayConfig(env: Record<string, string | undefined> = process.env) {
  const config = loadConfig(gatewayConfigShape, env, (config) =>
    config.JWT_SECRET || config.JWT_JWKS_URL
      ? []
      : ["JWT_SECRET: is required (or set JWT_JWKS_URL to verify tokens with an identity provider's keys)"],
  );
  // Subgraph names are known only from the supergraph: keep every other *_URL for subgraphUrlOverride.
  return { ...config, subgraphUrlVars: pickSubgraphUrlVars(env, new Set(Object.keys(gatewayConfigShape))) };
}

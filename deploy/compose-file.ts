/**
 * docker-compose.yml, rendered from the subgraph registry: the shared services and anchors are
 * written here once, and each subgraph of subgraphs/<name>/subgraph.json adds its service, its
 * worker and its route in the gateway. `npm run registry` writes the file; a test checks that it
 * is current (YAML cannot read the registry itself).
 */
import { subgraphEnvPrefix, type SubgraphEntry } from '@supergraph/registry';

/** Where the rendered file goes, relative to the repository root. */
export const COMPOSE_FILE = 'docker-compose.yml';

/** The shared secrets a subgraph may name in its `secrets` (every one gets IDENTITY_SECRET), by anchor. */
const SHARED_SECRETS: Readonly<Record<string, string>> = { JWT_SECRET: 'jwt-secret' };

/** What the file needs to know about a subgraph. */
export type ComposeSubgraph = Pick<SubgraphEntry, 'name' | 'dir' | 'port' | 'secrets' | 'worker'>;

/** The lines a subgraph's service and its worker's share: the one image built from its folder. */
const build = (subgraph: ComposeSubgraph): string[] => [
  '    build:',
  '      context: .',
  '      dockerfile: deploy/Dockerfile',
  '      args:',
  `        APP: ${subgraph.dir}`,
  `        PORT: '${subgraph.port}'`,
  `    image: supergraph/${subgraph.name}:local`,
];

/** Its own database, and the shared secrets it names. */
const ownEnvironment = (subgraph: ComposeSubgraph): string[] => [
  `      MONGO_URL: mongodb://mongo:27017/supergraph_${subgraph.name}`,
  ...subgraph.secrets.map((secret) => `      ${secret}: *${SHARED_SECRETS[secret]}`),
];

const service = (subgraph: ComposeSubgraph): string[] => [
  `  ${subgraph.name}:`,
  '    <<: *app',
  ...build(subgraph),
  '    environment:',
  '      <<: *subgraph-env',
  ...ownEnvironment(subgraph),
  '    depends_on: *subgraph-depends-on',
  '',
];

const worker = (subgraph: ComposeSubgraph): string[] => [
  `  ${subgraph.name}-worker:`,
  '    <<: *worker',
  `    # The same image as the ${subgraph.name} subgraph (same build, so \`up --build\` never pulls it).`,
  ...build(subgraph),
  `    command: ['node', '--enable-source-maps', '${subgraph.dir}/dist/worker.js']`,
  '    environment:',
  '      <<: *worker-env',
  ...ownEnvironment(subgraph),
  '    depends_on:',
  '      <<: *worker-depends-on',
  `      ${subgraph.name}:`,
  '        condition: service_healthy',
  '',
];

const gateway = (subgraphs: readonly ComposeSubgraph[]): string[] => [
  '  gateway:',
  '    <<: *app',
  '    build:',
  '      context: .',
  '      dockerfile: deploy/Dockerfile',
  '      args:',
  '        APP: gateway',
  "        PORT: '4000'",
  '    image: supergraph/gateway:local',
  '    environment:',
  '      <<: *process-env',
  '      JWT_SECRET: *jwt-secret',
  '      IDENTITY_SECRET: *identity-secret',
  '      # The composed supergraph points at localhost; inside the network each subgraph is',
  '      # reached by service name (<NAME>_URL, read for every subgraph of the supergraph).',
  ...subgraphs.map(
    (subgraph) => `      ${subgraphEnvPrefix(subgraph.name)}_URL: http://${subgraph.name}:${subgraph.port}/graphql`,
  ),
  '      # Persisted queries, response and entity caches and rate limits: all cache.',
  '      REDIS_URL: redis://redis-cache:6379',
  '      # The queue dashboard (Bull Board) on the admin port, user `admin`. It reads the queues',
  '      # (every one it finds), and counts failed sign-ins, in the durable Redis. It listens on',
  '      # every interface of the container, and the host publishes it on its loopback only.',
  '      ADMIN_PASSWORD: *admin-password',
  '      ADMIN_HOST: 0.0.0.0',
  '      QUEUE_REDIS_URL: redis://redis:6379',
  '    ports:',
  "      - '4000:4000'",
  "      - '127.0.0.1:4100:4100'",
  '    depends_on:',
  ...[...subgraphs.map((subgraph) => subgraph.name), 'redis', 'redis-cache'].flatMap((name) => [
    `      ${name}:`,
    '        condition: service_healthy',
  ]),
  '',
];

/**
 * The whole docker-compose.yml for these subgraphs (in this order).
 *
 * @throws Error when a subgraph names a secret that compose does not share.
 */
export function renderComposeFile(subgraphs: readonly ComposeSubgraph[]): string {
  for (const subgraph of subgraphs) {
    const unknown = subgraph.secrets.filter((secret) => !SHARED_SECRETS[secret]);
    if (unknown.length > 0) {
      throw new Error(
        `${subgraph.dir}/subgraph.json: secrets: compose shares no ${unknown.join(', ')} (only ${Object.keys(SHARED_SECRETS).join(', ')}: add it to deploy/compose-file.ts)`,
      );
    }
  }
  return [
    SHARED,
    '',
    ...subgraphs.flatMap(service),
    ...gateway(subgraphs),
    ...subgraphs.filter((subgraph) => subgraph.worker).flatMap(worker),
    VOLUMES,
  ].join('\n');
}

// Everything before the first subgraph's service: the header, the anchors and the shared services.
const SHARED = `# The whole backend in containers: MongoDB, two Redis (durable, and cache), every subgraph of the
# registry with its worker, and the gateway, in production mode.
#
# Generated by \`npm run registry\` from subgraphs/*/subgraph.json and deploy/compose-file.ts: edit
# those, not this file (a test fails while it is stale).
#
#   docker compose --env-file deploy/compose.local.env up --build   # then http://localhost:4000/graphql
#
# It refuses to start without its secrets: JWT_SECRET and IDENTITY_SECRET (32+ chars each) and
# ADMIN_PASSWORD (12+), from the shell, a .env file beside this one (never committed) or
# --env-file. deploy/compose.local.env holds public values for a try-out on your own machine;
# never use them for anything others can reach. Optional: PRESET (starter | growth |
# high-scale), LOG_LEVEL, PUBLIC_APP_URL.
# Only the gateway (4000) and the mail UI (8025) are published; the queue dashboard (4100) on the
# host's loopback only. test/deploy/docker-compose.test.ts checks this file against the apps'
# real config loaders and the Redis roles of scripts/services/redis-roles.ts.
name: supergraph

# One value per secret, so every service that must agree on it does. No defaults: \`:?\` stops
# \`docker compose\` with the message when one is missing.
x-secrets:
  identity-secret: &identity-secret \${IDENTITY_SECRET:?set IDENTITY_SECRET (32+ characters), or use --env-file deploy/compose.local.env on your own machine}
  jwt-secret: &jwt-secret \${JWT_SECRET:?set JWT_SECRET (32+ characters), or use --env-file deploy/compose.local.env on your own machine}
  admin-password: &admin-password \${ADMIN_PASSWORD:?set ADMIN_PASSWORD (12+ characters), or use --env-file deploy/compose.local.env on your own machine}

# What every app service shares. Its healthcheck is readiness (/readyz: its dependencies
# answer), which is what \`depends_on: condition: service_healthy\` waits for. PORT is set in
# the image from the build arg of the same name.
x-app: &app
  restart: unless-stopped
  init: true
  # Longer than the largest preset's SHUTDOWN_TIMEOUT_MS (30 s), so a graceful drain finishes
  # before Docker sends SIGKILL.
  stop_grace_period: 40s
  healthcheck:
    test:
      [
        'CMD',
        'node',
        '-e',
        "fetch('http://127.0.0.1:'+(process.env.PORT||4000)+'/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))",
      ]
    interval: 10s
    timeout: 5s
    start_period: 30s
    retries: 5

x-process-env: &process-env
  NODE_ENV: production
  PRESET: \${PRESET:-starter}
  LOG_LEVEL: \${LOG_LEVEL:-info}

# Each subgraph owns its collections, so each gets its own database (set per service). Sessions,
# throttles and queues go to the durable Redis, caches to the evictable one.
x-subgraph-env: &subgraph-env
  <<: *process-env
  REDIS_URL: redis://redis:6379
  CACHE_REDIS_URL: redis://redis-cache:6379
  IDENTITY_SECRET: *identity-secret

x-subgraph-depends-on: &subgraph-depends-on
  mongo:
    condition: service_healthy
  redis:
    condition: service_healthy
  redis-cache:
    condition: service_healthy

# A subgraph's worker: the same image as its subgraph, running the worker entry. It serves no
# HTTP, so the image's HTTP healthcheck is off; SIGTERM lets running jobs finish, and a job cut
# off by a kill is taken back by another worker once its lock expires.
x-worker: &worker
  restart: unless-stopped
  init: true
  stop_grace_period: 40s
  healthcheck:
    disable: true

x-worker-env: &worker-env
  <<: *subgraph-env
  SMTP_URL: smtp://mailpit:1025
  PUBLIC_APP_URL: \${PUBLIC_APP_URL:-http://localhost:3000}

x-worker-depends-on: &worker-depends-on
  mongo:
    condition: service_healthy
  redis:
    condition: service_healthy
  redis-cache:
    condition: service_healthy
  mailpit:
    condition: service_healthy

services:
  mongo:
    image: mongo:7.0.28
    restart: unless-stopped
    volumes:
      - mongo-data:/data/db
    healthcheck:
      test: ['CMD', 'mongosh', '--quiet', '--eval', "db.adminCommand('ping').ok"]
      interval: 10s
      timeout: 5s
      start_period: 20s
      retries: 5

  # The durable Redis: BullMQ queues, sessions and refresh tokens, sign-in throttles. Never
  # evicts (when full it refuses writes), and every write is on disk before it is acknowledged
  # (AOF, fsync always). The container's limit leaves room for an AOF rewrite's fork.
  redis:
    image: redis:7.4.11-alpine
    restart: unless-stopped
    command:
      [
        'redis-server',
        '--maxmemory',
        '512mb',
        '--maxmemory-policy',
        'noeviction',
        '--appendonly',
        'yes',
        '--appendfsync',
        'always',
        '--save',
        '',
      ]
    volumes:
      - redis-data:/data
    deploy:
      resources:
        limits:
          memory: 1g
    healthcheck:
      test: ['CMD', 'redis-cli', 'ping']
      interval: 10s
      timeout: 5s
      start_period: 10s
      retries: 5

  # The cache Redis: subgraph caches, the gateway's persisted queries, response and entity caches
  # and rate limits. Bounded; the least recently used keys make room. Nothing on disk.
  redis-cache:
    image: redis:7.4.11-alpine
    restart: unless-stopped
    command: ['redis-server', '--maxmemory', '256mb', '--maxmemory-policy', 'allkeys-lru', '--appendonly', 'no', '--save', '']
    deploy:
      resources:
        limits:
          memory: 384m
    healthcheck:
      test: ['CMD', 'redis-cli', 'ping']
      interval: 10s
      timeout: 5s
      start_period: 10s
      retries: 5

  # Catches every email; its web UI is on http://localhost:8025. Point SMTP_URL at a real relay
  # for anything else.
  mailpit:
    image: axllent/mailpit:v1.31.4
    restart: unless-stopped
    ports:
      - '8025:8025'
    healthcheck:
      test: ['CMD', '/mailpit', 'readyz']
      interval: 10s
      timeout: 5s
      start_period: 10s
      retries: 5`;

const VOLUMES = `volumes:
  mongo-data:
  redis-data:
`;

/**
 * Checks docker-compose.yml and deploy/Dockerfile against the code they run, without a Docker
 * engine: the file must be what the subgraph registry renders, every app service must hand its
 * process an environment that the app's real config loader accepts, wire the gateway to the
 * subgraphs where they actually listen, and only depend on services whose health it can wait
 * for. Compose must refuse to start without real secrets, pin every image, and run the two Redis
 * roles with the settings of scripts/services. The subgraphs are the registry's (subgraph.json).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { ConfigError, PRESET_NAMES } from '@supergraph/config';
import { listSubgraphs } from '@supergraph/registry';
import { COMPOSE_FILE } from '../../deploy/compose-file';
import { loadGatewayConfig } from '../../gateway/src/config';
import { subgraphUrlOverride } from '../../gateway/src/subgraph-urls';
import { registryOutputs } from '../../scripts/registry';
import { REDIS_ROLES, redisBytes, type RedisRole } from '../../scripts/services';
import { loadSubgraphModules } from '../support/subgraph-modules';

const root = path.resolve(__dirname, '../..');
const composePath = path.join(root, 'docker-compose.yml');
const dockerfilePath = path.join(root, 'deploy/Dockerfile');
const localEnvPath = path.join(root, 'deploy/compose.local.env');

type Env = Record<string, string | undefined>;

/** The variables `docker compose` would take from an --env-file: KEY=VALUE lines, # comments. */
function readEnvFile(file: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const match = /^\s*([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (match?.[1] && match[2] !== undefined) env[match[1]] = match[2].trim();
  }
  return env;
}

/** What `docker compose --env-file deploy/compose.local.env` interpolates with. */
const LOCAL_ENV = readEnvFile(localEnvPath);
/** Variables compose must not start without: the secrets. */
const SECRETS = ['JWT_SECRET', 'IDENTITY_SECRET', 'ADMIN_PASSWORD'];
/** The part of every app's config this test looks at. */
interface AppConfig {
  NODE_ENV: string;
  PORT: number;
  SHUTDOWN_TIMEOUT_MS: number;
}
type Loader = (env: Env) => AppConfig;

interface AppSpec {
  dir: string;
  load: Loader;
  /** Variables with no default: leaving any one out must stop the process from booting. */
  required: readonly string[];
}

const SUBGRAPHS = listSubgraphs().map(loadSubgraphModules);
/** What every subgraph process needs, whatever its registry entry says. */
const SUBGRAPH_REQUIRED = ['MONGO_URL', 'REDIS_URL', 'IDENTITY_SECRET'];

/** Each app: the registry's subgraphs (with the shared secrets they name), and the gateway. */
const APPS: Readonly<Record<string, AppSpec>> = {
  ...Object.fromEntries(
    SUBGRAPHS.map(({ entry, server }) => [
      entry.name,
      { dir: entry.dir, load: server.loadConfig, required: [...SUBGRAPH_REQUIRED, ...entry.secrets] },
    ]),
  ),
  gateway: { dir: 'gateway', load: loadGatewayConfig, required: ['IDENTITY_SECRET', 'JWT_SECRET'] },
};
const APP_NAMES = Object.keys(APPS);

/** Each subgraph's worker: its loader and what it needs (SMTP_URL when it sends mail). */
const WORKERS: Readonly<Record<string, { subgraph: string; load: Loader; required: readonly string[] }>> = Object.fromEntries(
  SUBGRAPHS.flatMap(({ entry, worker }) =>
    worker
      ? [
          [
            `${entry.name}-worker`,
            {
              subgraph: entry.name,
              load: worker.loadConfig,
              required: [...SUBGRAPH_REQUIRED, ...entry.secrets, ...(worker.mail ? ['SMTP_URL'] : [])],
            },
          ],
        ]
      : [],
  ),
);
const SUBGRAPH_SERVICES = SUBGRAPHS.map(({ entry }) => entry.name);
/** The services that share JWT_SECRET with the gateway (those whose subgraph.json names it). */
const JWT_SERVICES = SUBGRAPHS.filter(({ entry }) => entry.secrets.includes('JWT_SECRET')).map(({ entry }) => entry.name);

// --- narrowing helpers for the parsed YAML (which is untyped) ---

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function mapping(value: unknown, what: string): Record<string, unknown> {
  if (!isRecord(value)) throw new Error(`${what} must be a mapping`);
  return value;
}

function text(value: unknown, what: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new Error(`${what} must be a scalar, got ${JSON.stringify(value)}`);
}

function list(value: unknown, what: string): unknown[] {
  if (!Array.isArray(value)) throw new Error(`${what} must be a list`);
  return value;
}

// --- Compose semantics this test relies on ---

/** Compose variable interpolation: $$, $VAR, ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?err}, ${VAR?err}. */
function interpolate(value: string, hostEnv: Env): string {
  const pattern = /\$(?:(\$)|\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g;
  return value.replace(pattern, (_match, dollar?: string, name?: string, operator?: string, operand?: string, bare?: string) => {
    if (dollar) return '$';
    if (bare) return hostEnv[bare] ?? '';
    const variable = name ?? '';
    const current = hostEnv[variable];
    const unset = operator?.startsWith(':') ? !current : current === undefined;
    if (operator === ':-' || operator === '-') return unset ? (operand ?? '') : (current ?? '');
    if (operator === ':?' || operator === '?') {
      if (unset) throw new Error(`compose requires ${variable}: ${operand ?? ''}`);
      return current ?? '';
    }
    return current ?? '';
  });
}

/** Interpolates every string of the document, as `docker compose` does before using it. */
function interpolateAll(value: unknown, hostEnv: Env): unknown {
  if (typeof value === 'string') return interpolate(value, hostEnv);
  if (Array.isArray(value)) return value.map((item) => interpolateAll(item, hostEnv));
  if (isRecord(value))
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, interpolateAll(item, hostEnv)]));
  return value;
}

function loadCompose(hostEnv: Env = LOCAL_ENV): Record<string, unknown> {
  return mapping(interpolateAll(loadRawCompose(), hostEnv), 'docker-compose.yml');
}

/** The document before interpolation, with YAML merge keys applied. */
function loadRawCompose(): unknown {
  return parse(readFileSync(composePath, 'utf8'), { merge: true });
}

function services(compose: Record<string, unknown>): Record<string, Record<string, unknown>> {
  const all = mapping(compose.services, 'services');
  return Object.fromEntries(Object.entries(all).map(([name, service]) => [name, mapping(service, `services.${name}`)]));
}

function service(compose: Record<string, unknown>, name: string): Record<string, unknown> {
  const found = services(compose)[name];
  if (!found) throw new Error(`docker-compose.yml has no service ${name}`);
  return found;
}

/** A service's `environment:`, in either of Compose's forms (mapping, or list of KEY=VALUE). */
function serviceEnvironment(svc: Record<string, unknown>, name: string): Record<string, string> {
  const raw = svc.environment ?? {};
  const env: Record<string, string> = {};
  if (Array.isArray(raw)) {
    for (const entry of raw) {
      const line = text(entry, `services.${name}.environment[]`);
      const equals = line.indexOf('=');
      if (equals > 0) env[line.slice(0, equals)] = line.slice(equals + 1);
    }
    return env;
  }
  for (const [key, value] of Object.entries(mapping(raw, `services.${name}.environment`))) {
    if (value !== null && value !== undefined) env[key] = text(value, `services.${name}.environment.${key}`);
  }
  return env;
}

function buildArgs(svc: Record<string, unknown>, name: string): Record<string, string> {
  const build = mapping(svc.build, `services.${name}.build`);
  const args = mapping(build.args ?? {}, `services.${name}.build.args`);
  return Object.fromEntries(Object.entries(args).map(([key, value]) => [key, text(value, `services.${name}.build.args.${key}`)]));
}

const dockerfile = existsSync(dockerfilePath) ? readFileSync(dockerfilePath, 'utf8') : '';

/** The image's default for a build arg (`ARG NAME=value` in deploy/Dockerfile). */
function dockerfileArgDefault(name: string): string | undefined {
  return new RegExp(`^ARG ${name}=(\\S+)\\s*$`, 'm').exec(dockerfile)?.[1];
}

/**
 * What the app process of a service sees: the variables the image sets (deploy/Dockerfile:
 * NODE_ENV, APP_DIR and PORT from the build args), overridden by the service's `environment:`.
 */
function containerEnv(compose: Record<string, unknown>, name: string): Record<string, string> {
  const svc = service(compose, name);
  const args = buildArgs(svc, name);
  const imageEnv: Record<string, string> = { NODE_ENV: 'production', APP_DIR: args.APP ?? '' };
  const port = args.PORT ?? dockerfileArgDefault('PORT');
  if (port !== undefined) imageEnv.PORT = port;
  return { ...imageEnv, ...serviceEnvironment(svc, name) };
}

function appSpec(name: string): AppSpec {
  const spec = APPS[name];
  if (!spec) throw new Error(`unknown app ${name}`);
  return spec;
}

function without(env: Env, name: string): Env {
  const copy = { ...env };
  delete copy[name];
  return copy;
}

/** The ConfigError a loader throws for this environment (fails the test when it does not throw). */
function configErrorOf(load: Loader, env: Env): ConfigError {
  try {
    load(env);
  } catch (error: unknown) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected the config loader to throw a ConfigError');
}

function healthcheckCommand(svc: Record<string, unknown>, name: string): string[] {
  const healthcheck = mapping(svc.healthcheck, `services.${name}.healthcheck`);
  const test = healthcheck.test;
  if (typeof test === 'string') return ['CMD-SHELL', test];
  return list(test, `services.${name}.healthcheck.test`).map((part) => text(part, `services.${name}.healthcheck.test[]`));
}

/** depends_on in either form; the list form means condition service_started. */
function dependsOn(svc: Record<string, unknown>, name: string): Record<string, string> {
  const raw = svc.depends_on;
  if (raw === undefined) return {};
  if (Array.isArray(raw)) {
    return Object.fromEntries(raw.map((target) => [text(target, `services.${name}.depends_on[]`), 'service_started']));
  }
  return Object.fromEntries(
    Object.entries(mapping(raw, `services.${name}.depends_on`)).map(([target, options]) => [
      target,
      text(mapping(options, `services.${name}.depends_on.${target}`).condition ?? 'service_started', 'condition'),
    ]),
  );
}

/** A Compose duration (`40s`, `1m30s`, `500ms`) in milliseconds. */
function durationMs(value: string): number {
  const units: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1, us: 0.001 };
  let total = 0;
  let rest = value.trim();
  while (rest.length > 0) {
    const match = /^(\d+(?:\.\d+)?)(ms|us|h|m|s)/.exec(rest);
    if (!match?.[1] || !match[2]) throw new Error(`not a duration: ${value}`);
    total += Number(match[1]) * (units[match[2]] ?? 0);
    rest = rest.slice(match[0].length);
  }
  return total;
}

describe('docker-compose.yml', () => {
  const compose = loadCompose();

  it('is what `npm run registry` renders from the subgraph registry', () => {
    // If this fails, run `npm run registry` and commit docker-compose.yml.
    expect(readFileSync(composePath, 'utf8')).toBe(registryOutputs()[COMPOSE_FILE]);
  });

  it("defines mongo, redis, a mail server, the registry's subgraphs, their workers and the gateway", () => {
    expect(SUBGRAPH_SERVICES.length).toBeGreaterThan(0);
    expect(Object.keys(services(compose)).sort()).toEqual(
      ['gateway', 'mailpit', 'mongo', 'redis', 'redis-cache', ...SUBGRAPH_SERVICES, ...Object.keys(WORKERS)].sort(),
    );
    expect(service(compose, 'mongo').image).toMatch(/^mongo:7\./);
    expect(service(compose, 'redis').image).toMatch(/^redis:7\./);
  });

  it.each(APP_NAMES)('%s builds from deploy/Dockerfile with APP naming a real app directory', (name) => {
    const svc = service(compose, name);
    const build = mapping(svc.build, `services.${name}.build`);
    expect(path.resolve(root, text(build.context ?? '.', 'context'))).toBe(root);
    expect(build.dockerfile).toBe('deploy/Dockerfile');
    const args = buildArgs(svc, name);
    expect(args.APP).toBe(appSpec(name).dir);
    expect(existsSync(path.join(root, appSpec(name).dir, 'src/main.ts'))).toBe(true);
  });

  it.each(APP_NAMES)("%s's environment passes the app's real config loader", (name) => {
    const env = containerEnv(compose, name);
    const config = appSpec(name).load(env);
    expect(config.NODE_ENV).toBe('production');
    // The image keeps each app on its own default port (the build arg PORT agrees with the config).
    const defaultPort = appSpec(name).load(without(env, 'PORT')).PORT;
    expect(config.PORT).toBe(defaultPort);
  });

  it.each(APP_NAMES)('%s: leaving out any one required variable stops the loader, naming it', (name) => {
    const { load, required } = appSpec(name);
    const env = containerEnv(compose, name);
    for (const variable of required) {
      expect(env[variable]).toBeTruthy();
      const error = configErrorOf(load, without(env, variable));
      expect(error.problems.some((problem) => problem.startsWith(`${variable}:`))).toBe(true);
    }
    // And these are exactly the variables the environment cannot do without.
    const indispensable = Object.keys(env).filter((variable) => {
      try {
        load(without(env, variable));
        return false;
      } catch (error: unknown) {
        if (error instanceof ConfigError) return true;
        throw error;
      }
    });
    expect(indispensable.sort()).toEqual([...required].sort());
  });

  it.each(SUBGRAPH_SERVICES)('a missing IDENTITY_SECRET in the %s service is reported by name', (name) => {
    const env = without(containerEnv(compose, name), 'IDENTITY_SECRET');
    expect(configErrorOf(appSpec(name).load, env).problems).toEqual([expect.stringMatching(/^IDENTITY_SECRET: is required/)]);
  });

  it.each(APP_NAMES)('%s: host variables override the interpolated defaults', (name) => {
    const hostile = loadCompose({ ...LOCAL_ENV, JWT_SECRET: 'too-short', PRESET: 'high-scale' });
    const env = containerEnv(hostile, name);
    expect(env.PRESET).toBe('high-scale');
    if (appSpec(name).required.includes('JWT_SECRET')) {
      expect(configErrorOf(appSpec(name).load, env).problems).toEqual([expect.stringMatching(/^JWT_SECRET: /)]);
    } else {
      expect(appSpec(name).load(env).SHUTDOWN_TIMEOUT_MS).toBe(30_000);
    }
  });

  it('services that must agree on a secret get the same value', () => {
    const identity = APP_NAMES.map((name) => containerEnv(compose, name).IDENTITY_SECRET);
    expect(new Set(identity).size).toBe(1);
    const jwt = [...JWT_SERVICES, 'gateway'].map((name) => containerEnv(compose, name).JWT_SECRET);
    expect(new Set(jwt)).toEqual(new Set([LOCAL_ENV.JWT_SECRET]));
  });

  it('gives each subgraph its own database on the mongo service and points it at the redis service', () => {
    const databases = SUBGRAPH_SERVICES.map((name) => {
      const env = containerEnv(compose, name);
      const mongo = new URL(env.MONGO_URL ?? '');
      expect(mongo.hostname).toBe('mongo');
      expect(new URL(env.REDIS_URL ?? '').hostname).toBe('redis');
      expect(new URL(env.CACHE_REDIS_URL ?? '').hostname).toBe('redis-cache');
      return mongo.pathname;
    });
    expect(databases.every((database) => database.length > 1)).toBe(true);
    expect(new Set(databases).size).toBe(SUBGRAPH_SERVICES.length);
  });

  it("routes the gateway to every subgraph's service name and the port its PORT settles to", () => {
    const config = loadGatewayConfig(containerEnv(compose, 'gateway'));
    for (const { entry } of SUBGRAPHS) {
      const target = subgraphUrlOverride(config, entry.name);
      expect(target).toBeDefined();
      const url = new URL(target ?? '');
      const [serviceName] = Object.entries(APPS).find(([, spec]) => spec.dir === entry.dir) ?? [];
      expect(url.hostname).toBe(serviceName);
      const subgraphPort = appSpec(url.hostname).load(containerEnv(compose, url.hostname)).PORT;
      expect(url.port).toBe(String(subgraphPort));
      expect(url.pathname).toBe(new URL(entry.url).pathname);
    }
  });

  it('every depends_on target exists, has a healthcheck, and is waited for until healthy', () => {
    const all = services(compose);
    for (const [name, svc] of Object.entries(all)) {
      for (const [target, condition] of Object.entries(dependsOn(svc, name))) {
        const dependency = all[target];
        expect(dependency).toBeDefined();
        expect(dependency?.healthcheck).toBeDefined();
        expect(`${name} -> ${target}: ${condition}`).toBe(`${name} -> ${target}: service_healthy`);
      }
    }
    for (const name of SUBGRAPH_SERVICES)
      expect(Object.keys(dependsOn(service(compose, name), name)).sort()).toEqual(['mongo', 'redis', 'redis-cache']);
    expect(Object.keys(dependsOn(service(compose, 'gateway'), 'gateway')).sort()).toEqual(
      [...SUBGRAPH_SERVICES, 'redis', 'redis-cache'].sort(),
    );
  });

  it('every URL an app is given names a service it depends on', () => {
    for (const name of APP_NAMES) {
      const deps = Object.keys(dependsOn(service(compose, name), name));
      for (const [variable, value] of Object.entries(containerEnv(compose, name))) {
        if (!variable.endsWith('_URL')) continue;
        const host = new URL(value).hostname;
        expect({ [`${name}.${variable}`]: deps.includes(host) ? host : `${host} (not a dependency)` }).toEqual({
          [`${name}.${variable}`]: host,
        });
      }
    }
  });

  it.each(APP_NAMES)('%s is probed on /readyz with node itself and drains before being killed', (name) => {
    const svc = service(compose, name);
    const command = healthcheckCommand(svc, name);
    expect(command.slice(0, 2)).toEqual(['CMD', 'node']);
    expect(command.join(' ')).toContain('/readyz');
    expect(command.join(' ')).toContain('process.env.PORT');
    expect(svc.restart).toBe('unless-stopped');
    const grace = durationMs(text(svc.stop_grace_period, `services.${name}.stop_grace_period`));
    const env = containerEnv(compose, name);
    for (const preset of PRESET_NAMES) {
      const shutdown = appSpec(name).load({ ...without(env, 'SHUTDOWN_TIMEOUT_MS'), PRESET: preset }).SHUTDOWN_TIMEOUT_MS;
      expect(grace).toBeGreaterThan(shutdown);
    }
  });

  it('publishes only the gateway (4000, and its admin port 4100 on the host loopback) and the mail UI (8025)', () => {
    const published: Record<string, unknown> = { gateway: ['4000:4000', '127.0.0.1:4100:4100'], mailpit: ['8025:8025'] };
    for (const [name, svc] of Object.entries(services(compose))) expect(svc.ports).toEqual(published[name]);
    // Inside its container the dashboard must listen beyond loopback for the published port to reach it.
    const gateway = loadGatewayConfig(containerEnv(compose, 'gateway'));
    expect(gateway.ADMIN_HOST).toBe('0.0.0.0');
    expect(gateway.ADMIN_PORT).toBe(4100);
    expect(gateway.ADMIN_PASSWORD).toBeDefined();
  });

  it('checks and persists mongo and the durable redis', () => {
    expect(healthcheckCommand(service(compose, 'mongo'), 'mongo').join(' ')).toContain("db.adminCommand('ping')");
    for (const name of ['redis', 'redis-cache'])
      expect(healthcheckCommand(service(compose, name), name)).toEqual(['CMD', 'redis-cli', 'ping']);
    const volumes = mapping(compose.volumes, 'volumes');
    for (const [name, target] of [
      ['mongo', '/data/db'],
      ['redis', '/data'],
    ] as const) {
      const mounts = list(service(compose, name).volumes, `${name}.volumes`).map((mount) => text(mount, 'volume'));
      const mount = mounts.find((entry) => entry.endsWith(`:${target}`));
      expect(mount).toBeDefined();
      expect(Object.keys(volumes)).toContain(mount?.split(':')[0]);
    }
  });
});

describe('deploy/Dockerfile', () => {
  it('exists', () => {
    expect(existsSync(dockerfilePath)).toBe(true);
  });

  it('builds from node 20 in every stage, selected by ARG APP', () => {
    const froms = dockerfile.match(/^FROM\s+\S+/gm) ?? [];
    expect(froms.length).toBeGreaterThan(1);
    for (const from of froms) expect(from).toMatch(/^FROM\s+node:20/);
    expect(dockerfile).toMatch(/^ARG APP\s*$/m);
    expect(dockerfile).toContain('node scripts/build-app.mjs "$APP"');
  });

  it('runs the final stage as a non-root user with a healthcheck, stop signal and the bundle as command', () => {
    // Instructions on one line each: line continuations joined.
    const instructions = dockerfile.replace(/\\\n\s*/g, ' ');
    const finalStage = instructions.slice(instructions.lastIndexOf('\nFROM '));
    const users = finalStage.match(/^USER\s+(\S+)/gm) ?? [];
    expect(users.length).toBeGreaterThan(0);
    expect(users[users.length - 1]).not.toMatch(/^USER\s+(root|0)(:|$)/);
    expect(finalStage).toMatch(/^HEALTHCHECK\s.*CMD\s+\["node",/m);
    expect(finalStage).toMatch(/^STOPSIGNAL SIGTERM$/m);
    expect(finalStage).toMatch(/^EXPOSE\s/m);
    expect(finalStage).toMatch(/^ENV NODE_ENV=production$/m);
    expect(finalStage).toMatch(/--omit=dev/);
    expect(finalStage).toMatch(/^CMD .*\$APP_DIR\/dist\/main\.js/m);
  });

  it('copies the manifest of every workspace named in the root package.json', () => {
    const pkg = mapping(JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')), 'package.json');
    const workspaces = list(pkg.workspaces, 'workspaces').map((workspace) => text(workspace, 'workspace'));
    for (const workspace of workspaces) expect(dockerfile).toContain(`${workspace}/package.json`);
  });

  it('keeps dependencies, bundles, VCS data and secrets out of the build context', () => {
    const ignored = readFileSync(path.join(root, '.dockerignore'), 'utf8')
      .split('\n')
      .map((line) => line.trim());
    for (const entry of ['node_modules', 'dist', '.git', '.tools', '.data', '.nx', 'coverage', '.env'])
      expect(ignored).toContain(entry);
  });

  it.each(APP_NAMES)('%s has the schema file its bundle reads at run time', (name) => {
    const dir = appSpec(name).dir;
    const schema = dir === 'gateway' ? 'schema/supergraph.graphql' : `${dir}/schema.graphql`;
    expect(existsSync(path.join(root, schema))).toBe(true);
  });
});

describe('docker-compose.yml workers', () => {
  const compose = loadCompose();

  it.each(Object.keys(WORKERS))('%s runs its subgraph image with the worker entry', (name) => {
    const spec = WORKERS[name]!;
    const worker = service(compose, name);
    const subgraph = service(compose, spec.subgraph);
    expect(worker.image).toBe(subgraph.image);
    expect(worker.build).toEqual(subgraph.build);
    const command = list(worker.command, `services.${name}.command`).map((part) => text(part, 'command'));
    expect(command[0]).toBe('node');
    expect(command.at(-1)).toBe(`${appSpec(spec.subgraph).dir}/dist/worker.js`);
    expect(existsSync(path.join(root, appSpec(spec.subgraph).dir, 'src/worker.ts'))).toBe(true);
  });

  it.each(Object.keys(WORKERS))("%s's environment passes the worker's config loader, sharing its subgraph's database", (name) => {
    const spec = WORKERS[name]!;
    const env = containerEnv(compose, name);
    expect(spec.load(env).NODE_ENV).toBe('production');
    expect(env.MONGO_URL).toBe(containerEnv(compose, spec.subgraph).MONGO_URL);
    for (const variable of spec.required) {
      expect(env[variable]).toBeTruthy();
      expect(
        configErrorOf(spec.load, without(env, variable)).problems.some((problem) => problem.startsWith(`${variable}:`)),
      ).toBe(true);
    }
    // And these are exactly what it cannot do without: the registry's `secrets` and `mail` are true.
    const indispensable = Object.keys(env).filter((variable) => {
      try {
        spec.load(without(env, variable));
        return false;
      } catch (error: unknown) {
        if (error instanceof ConfigError) return true;
        throw error;
      }
    });
    expect(indispensable.sort()).toEqual([...spec.required].sort());
  });

  it.each(Object.keys(WORKERS))('%s starts after what it uses is healthy, and drains its jobs before being killed', (name) => {
    const spec = WORKERS[name]!;
    const worker = service(compose, name);
    expect(Object.keys(dependsOn(worker, name)).sort()).toEqual(
      [spec.subgraph, 'mailpit', 'mongo', 'redis', 'redis-cache'].sort(),
    );
    for (const target of Object.keys(dependsOn(worker, name))) {
      const health = service(compose, target).healthcheck;
      expect(isRecord(health) && health.disable !== true).toBe(true);
    }
    const env = containerEnv(compose, name);
    for (const preset of PRESET_NAMES) {
      const budget = spec.load({ ...env, PRESET: preset }).SHUTDOWN_TIMEOUT_MS;
      expect(durationMs(text(worker.stop_grace_period, `services.${name}.stop_grace_period`))).toBeGreaterThan(budget);
    }
  });
});

describe('docker-compose.yml secrets', () => {
  const raw = readFileSync(composePath, 'utf8');
  /** Every `${NAME...}` interpolation in the file, with its operator and operand. */
  const interpolations = [...raw.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}/g)].map((match) => ({
    name: match[1] ?? '',
    operator: match[2],
    operand: match[3] ?? '',
  }));
  const isSecret = (name: string) => /SECRET|PASSWORD|TOKEN|PRIVATE|API_KEY/.test(name);

  it('has no default for any secret: each one is `${NAME:?message}`', () => {
    const secrets = interpolations.filter((entry) => isSecret(entry.name));
    expect([...new Set(secrets.map((entry) => entry.name))].sort()).toEqual([...SECRETS].sort());
    for (const entry of secrets) {
      expect({ [entry.name]: entry.operator }).toEqual({ [entry.name]: ':?' });
      expect(entry.operand).toContain(entry.name);
    }
  });

  it('refuses to start without each secret, naming it', () => {
    for (const name of SECRETS) {
      const env = { ...LOCAL_ENV };
      delete env[name];
      expect(() => loadCompose(env)).toThrow(new RegExp(`compose requires ${name}: set ${name}`));
      // An empty value counts as missing (`:?`), as it does for the apps.
      expect(() => loadCompose({ ...LOCAL_ENV, [name]: '' })).toThrow(new RegExp(`compose requires ${name}`));
    }
    expect(() => loadCompose({})).toThrow(/compose requires/);
  });

  it('hands every app secret through interpolation, never as a literal in the file', () => {
    const document = mapping(loadRawCompose(), 'docker-compose.yml');
    for (const [name, svc] of Object.entries(mapping(document.services, 'services'))) {
      const environment = mapping(mapping(svc, name).environment ?? {}, `services.${name}.environment`);
      for (const [variable, value] of Object.entries(environment)) {
        if (!isSecret(variable)) continue;
        expect({ [`${name}.${variable}`]: text(value, variable) }).toEqual({
          [`${name}.${variable}`]: expect.stringMatching(new RegExp(`^\\$\\{${variable}:\\?[^}]+\\}$`)),
        });
      }
    }
    for (const value of Object.values(LOCAL_ENV)) expect(raw).not.toContain(value);
  });

  it('deploy/compose.local.env sets exactly the secrets, with values the apps accept', () => {
    expect(Object.keys(LOCAL_ENV).sort()).toEqual([...SECRETS].sort());
    expect(loadGatewayConfig(containerEnv(loadCompose(), 'gateway')).ADMIN_PASSWORD).toBe(LOCAL_ENV.ADMIN_PASSWORD);
    expect(loadGatewayConfig(containerEnv(loadCompose(), 'gateway')).JWT_SECRET).toBe(LOCAL_ENV.JWT_SECRET);
  });
});

describe('docker-compose.yml images', () => {
  const compose = loadCompose();

  it('pins every image it pulls to a full version (no latest, no floating major)', () => {
    for (const [name, svc] of Object.entries(services(compose))) {
      const image = text(svc.image, `services.${name}.image`);
      if (svc.build !== undefined) {
        // Built here from deploy/Dockerfile: a local tag, never pulled.
        expect(image).toMatch(/^supergraph\/[\w-]+:local$/);
        continue;
      }
      expect({ [name]: image }).toEqual({
        [name]: expect.stringMatching(/^[\w./-]+:v?\d+\.\d+\.\d+(-[\w.]+)?(@sha256:[0-9a-f]{64})?$/),
      });
    }
  });
});

describe('docker-compose.yml Redis roles', () => {
  const compose = loadCompose();
  const roles: Record<RedisRole, string> = { durable: 'redis', cache: 'redis-cache' };

  /** `redis-server --name value ...` as a settings record. */
  function serverSettings(name: string): Record<string, string> {
    const command = list(service(compose, name).command, `services.${name}.command`).map((part) => text(part, 'command'));
    expect(command[0]).toBe('redis-server');
    const settings: Record<string, string> = {};
    for (let i = 1; i < command.length; i += 2) {
      const flag = command[i] ?? '';
      expect(flag.startsWith('--')).toBe(true);
      settings[flag.slice(2)] = command[i + 1] ?? '';
    }
    return settings;
  }

  it.each(Object.entries(roles))('the %s role (%s) runs with the settings of REDIS_ROLES', (role, name) => {
    expect(serverSettings(name)).toEqual(REDIS_ROLES[role as RedisRole]);
  });

  it('queues and state never evict and are fsynced on every write; the cache is bounded and evicts LRU', () => {
    const durable = serverSettings('redis');
    expect(durable).toMatchObject({ 'maxmemory-policy': 'noeviction', appendonly: 'yes', appendfsync: 'always' });
    const cache = serverSettings('redis-cache');
    expect(cache['maxmemory-policy']).toMatch(/^allkeys-(lru|lfu)$/);
    expect(Number(redisBytes(cache.maxmemory ?? ''))).toBeGreaterThan(0);
    expect(cache.appendonly).toBe('no');
  });

  it("bounds each Redis container's memory above its maxmemory; only the durable one keeps a volume", () => {
    const limitBytes = (name: string): number => {
      const limits = mapping(
        mapping(mapping(service(compose, name).deploy, `${name}.deploy`).resources, `${name}.deploy.resources`).limits,
        `${name}.deploy.resources.limits`,
      );
      return Number(redisBytes(text(limits.memory, `${name}.memory`).toLowerCase()));
    };
    for (const name of Object.values(roles)) {
      expect(limitBytes(name)).toBeGreaterThan(Number(redisBytes(serverSettings(name).maxmemory ?? '')));
    }
    expect(list(service(compose, 'redis').volumes, 'redis.volumes').map((mount) => text(mount, 'volume'))).toEqual([
      'redis-data:/data',
    ]);
    expect(service(compose, 'redis-cache').volumes).toBeUndefined();
  });

  it('gives state and queues to the durable Redis and caches to the cache Redis, in every app', () => {
    const host = (url: string | undefined) => new URL(url ?? '').hostname;
    for (const name of [...SUBGRAPH_SERVICES, ...Object.keys(WORKERS)]) {
      const env = containerEnv(compose, name);
      expect({ name, durable: host(env.REDIS_URL), cache: host(env.CACHE_REDIS_URL) }).toEqual({
        name,
        durable: 'redis',
        cache: 'redis-cache',
      });
    }
    // The gateway's REDIS_URL holds only cache-role data (APQ, response and entity caches, rate
    // limits); its queue dashboard reads the durable one.
    const gateway = loadGatewayConfig(containerEnv(compose, 'gateway'));
    expect(host(gateway.REDIS_URL)).toBe('redis-cache');
    expect(host(gateway.QUEUE_REDIS_URL)).toBe('redis');
  });
});

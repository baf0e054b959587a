/**
 * The shape of `subgraphs/<name>/subgraph.json`, and its checks. Everything a tool needs to know
 * about a subgraph lives in that one file (docs/adding-a-subgraph.md lists the fields).
 */

/** An export of a module in the subgraph's folder, written `src/config.ts#loadPostsConfig`. */
export type ModuleRef = string;

/** What `subgraph.json` holds. */
export interface SubgraphManifest {
  /** The folder's name: the Nx project, the compose service, the database `supergraph_<name>`. */
  name: string;
  /** Its default port (its config, the dev launcher, compose, the image). Unique among subgraphs. */
  port: number;
  /** The BullMQ queues its worker consumes. Unique among subgraphs. */
  queues: string[];
  /** Shared secrets its processes need beyond IDENTITY_SECRET (compose hands them over), e.g. `JWT_SECRET`. */
  secrets: string[];
  /** The API process: its config loader (`env -> config`) and its definition factory (`config -> SubgraphDefinition`). */
  server: { config: ModuleRef; definition: ModuleRef };
  /**
   * The worker process (`src/worker.ts`), or null for a subgraph without one: its config loader, its
   * definition factory (`config -> WorkerDefinition`), and whether it sends mail (needs SMTP_URL).
   */
  worker: { config: ModuleRef; definition: ModuleRef; mail: boolean } | null;
  /** Typed resolvers (codegen.ts): the context type, and the model type each GraphQL type maps to. */
  codegen: { contextType: string; mappers: Record<string, string> };
}

/** A subgraph.json that breaks the rules; `problems` names each field and why. */
export class RegistryError extends Error {
  override readonly name = 'RegistryError';
  constructor(readonly problems: readonly string[]) {
    super(`invalid subgraph registry:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
  }
}

/** Lower-case letters, digits and dashes: safe as a folder, a service, an env prefix and an Nx project. */
export const SUBGRAPH_NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
/**
 * Names taken by what runs beside the subgraphs: their `<NAME>_URL` / `<NAME>_PORT` would be one of
 * our variables (REDIS_URL, GATEWAY_PORT...), or their service one of compose's.
 */
const RESERVED_NAMES = new Set([
  'admin',
  'cache-redis',
  'ferretdb',
  'gateway',
  'jwt-jwks',
  'mail',
  'mailpit',
  'mongo',
  'postgres',
  'public-app',
  'queue-redis',
  'redis',
  'redis-cache',
  'smtp',
  'smtp-sink',
]);
const QUEUE_NAME = /^[\w.-]+$/;
const ENV_NAME = /^[A-Z][A-Z0-9_]*$/;
const MODULE_REF = /^src\/[\w./-]+\.ts#[A-Za-z_$][\w$]*$/;
const TYPE_REF = /^[\w./-]+#[A-Za-z_$][\w$]*$/;
const KNOWN_FIELDS = new Set(['name', 'port', 'queues', 'secrets', 'server', 'worker', 'codegen']);

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const show = (value: unknown): string => JSON.stringify(value) ?? String(value);

/**
 * Checks one parsed subgraph.json from the folder `folder`, returning the manifest or the list of
 * problems (each `<field>: <why>`), never throwing.
 */
export function parseManifest(
  raw: unknown,
  folder: string,
): { ok: true; manifest: SubgraphManifest } | { ok: false; problems: string[] } {
  const problems: string[] = [];
  if (!isRecord(raw)) return { ok: false, problems: [`expected a JSON object, got ${show(raw)}`] };
  for (const key of Object.keys(raw)) if (!KNOWN_FIELDS.has(key)) problems.push(`${key}: unknown field`);

  const { name, port } = raw;
  if (typeof name !== 'string' || !SUBGRAPH_NAME.test(name)) {
    problems.push(`name: expected lower-case letters, digits and dashes, got ${show(name)}`);
  } else if (RESERVED_NAMES.has(name) || name.endsWith('-worker')) {
    problems.push(`name: "${name}" is taken (by one of our variables or services); choose another`);
  } else if (name !== folder) {
    problems.push(`name: must be the folder's name "${folder}", got ${show(name)}`);
  }
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65_535) {
    problems.push(`port: expected an integer from 1 to 65535, got ${show(port)}`);
  }
  const strings = (field: string, pattern: RegExp, what: string): string[] => {
    const value = raw[field] ?? [];
    if (!Array.isArray(value)) {
      problems.push(`${field}: expected a list of ${what}, got ${show(value)}`);
      return [];
    }
    const bad = value.filter((item) => typeof item !== 'string' || !pattern.test(item));
    if (bad.length > 0) problems.push(`${field}: expected ${what}, got ${bad.map(show).join(', ')}`);
    return value.filter((item): item is string => typeof item === 'string' && pattern.test(item));
  };
  const queues = strings('queues', QUEUE_NAME, 'queue names (letters, digits, _ . -)');
  const secrets = strings('secrets', ENV_NAME, 'variable names such as JWT_SECRET');

  const ref = (field: string, value: unknown): string => {
    if (typeof value === 'string' && MODULE_REF.test(value)) return value;
    problems.push(`${field}: expected "src/<file>.ts#<export>", got ${show(value)}`);
    return '';
  };
  const server = isRecord(raw.server) ? raw.server : {};
  if (!isRecord(raw.server)) problems.push(`server: expected { "config": ..., "definition": ... }, got ${show(raw.server)}`);
  const serverRefs = { config: ref('server.config', server.config), definition: ref('server.definition', server.definition) };

  let worker: SubgraphManifest['worker'] = null;
  if (raw.worker !== null && raw.worker !== undefined) {
    if (!isRecord(raw.worker)) {
      problems.push(`worker: expected { "config", "definition", "mail" } or null, got ${show(raw.worker)}`);
    } else {
      if (typeof raw.worker.mail !== 'boolean')
        problems.push(`worker.mail: expected true or false, got ${show(raw.worker.mail)}`);
      worker = {
        config: ref('worker.config', raw.worker.config),
        definition: ref('worker.definition', raw.worker.definition),
        mail: raw.worker.mail === true,
      };
    }
  }
  if (worker === null && queues.length > 0) problems.push('queues: only a subgraph with a worker consumes queues');

  const codegen = isRecord(raw.codegen) ? raw.codegen : {};
  if (!isRecord(raw.codegen))
    problems.push(`codegen: expected { "contextType": ..., "mappers": {...} }, got ${show(raw.codegen)}`);
  const contextType = typeof codegen.contextType === 'string' && TYPE_REF.test(codegen.contextType) ? codegen.contextType : '';
  if (!contextType) problems.push(`codegen.contextType: expected "<module>#<type>", got ${show(codegen.contextType)}`);
  const mappers: Record<string, string> = {};
  if (!isRecord(codegen.mappers)) {
    problems.push(`codegen.mappers: expected an object of GraphQL type -> "<module>#<type>", got ${show(codegen.mappers)}`);
  } else {
    for (const [type, target] of Object.entries(codegen.mappers)) {
      if (typeof target === 'string' && TYPE_REF.test(target)) mappers[type] = target;
      else problems.push(`codegen.mappers.${type}: expected "<module>#<type>", got ${show(target)}`);
    }
  }

  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    manifest: {
      name: name as string,
      port: port as number,
      queues,
      secrets,
      server: serverRefs,
      worker,
      codegen: { contextType, mappers },
    },
  };
}

/** `src/config.ts#loadPostsConfig` -> the file (relative to the subgraph's folder) and the export's name. */
export function splitModuleRef(ref: ModuleRef): { file: string; exportName: string } {
  const hash = ref.lastIndexOf('#');
  return { file: ref.slice(0, hash), exportName: ref.slice(hash + 1) };
}

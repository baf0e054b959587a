import { z } from 'zod';
import { PRESETS, PRESET_NAMES, type PresetName } from './presets';

/** Thrown when the environment does not make a valid config; the message names every problem. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Parses a process config from the environment. The preset named by `PRESET` (default starter)
 * supplies defaults underneath the environment; empty strings count as unset.
 */
export function loadConfig<Shape extends z.ZodRawShape>(
  shape: Shape,
  env: Env = process.env,
  refine?: (config: z.infer<z.ZodObject<Shape>>) => string[],
): z.infer<z.ZodObject<Shape>> {
  const presetName = env.PRESET || 'starter';
  // An unknown preset is reported once, by PRESET; the other variables fall back to starter's.
  const preset = PRESETS[(PRESET_NAMES as readonly string[]).includes(presetName) ? (presetName as PresetName) : 'starter'];
  const input: Record<string, string> = {};
  for (const key of Object.keys(shape)) {
    const value = env[key];
    const fallback = preset[key];
    if (value !== undefined && value !== '') input[key] = value;
    else if (fallback !== undefined) input[key] = fallback;
  }
  const result = z.object(shape).safeParse(input);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((issue) => {
        const name = issue.path.join('.') || '(config)';
        const got = input[String(issue.path[0])];
        const reason = got === undefined && issue.code === 'invalid_type' ? 'is required' : issue.message;
        return `${name}: ${reason}${got === undefined ? '' : ` (got ${JSON.stringify(redact(name, got))})`}`;
      }),
    );
  }
  const problems = refine?.(result.data) ?? [];
  if (problems.length > 0) throw new ConfigError(problems);
  return result.data;
}

function redact(name: string, value: string): string {
  return /SECRET|PASSWORD|TOKEN/.test(name) ? '<redacted>' : value;
}

/**
 * Cross-field rules for the processes that open Redis and MongoDB (the subgraphs and their
 * workers): Redis one way or the other, pool bounds, and no unsigned requests in production.
 */
export function checkConnections(config: {
  NODE_ENV?: string;
  IDENTITY_OPTIONAL?: boolean;
  REDIS_URL?: string | undefined;
  REDIS_CLUSTER_NODES?: string[] | undefined;
  DB_POOL_SIZE?: number;
  DB_MIN_POOL_SIZE?: number;
  OUTBOX_BACKOFF_MS?: number;
  OUTBOX_BACKOFF_MAX_MS?: number;
}): string[] {
  const problems: string[] = [];
  if (config.NODE_ENV === 'production' && config.IDENTITY_OPTIONAL) {
    problems.push('IDENTITY_OPTIONAL: must not be true in production');
  }
  if (!config.REDIS_URL && !config.REDIS_CLUSTER_NODES) {
    problems.push('REDIS_URL: is required (or set REDIS_CLUSTER_NODES for Redis Cluster)');
  }
  if (
    config.DB_POOL_SIZE !== undefined &&
    config.DB_MIN_POOL_SIZE !== undefined &&
    config.DB_MIN_POOL_SIZE > config.DB_POOL_SIZE
  ) {
    problems.push(`DB_MIN_POOL_SIZE: must not exceed DB_POOL_SIZE (${config.DB_MIN_POOL_SIZE} > ${config.DB_POOL_SIZE})`);
  }
  if (
    config.OUTBOX_BACKOFF_MS !== undefined &&
    config.OUTBOX_BACKOFF_MAX_MS !== undefined &&
    config.OUTBOX_BACKOFF_MAX_MS < config.OUTBOX_BACKOFF_MS
  ) {
    problems.push(
      `OUTBOX_BACKOFF_MAX_MS: must not be below OUTBOX_BACKOFF_MS (${config.OUTBOX_BACKOFF_MAX_MS} < ${config.OUTBOX_BACKOFF_MS})`,
    );
  }
  return problems;
}

/**
 * The local services the project runs against: FerretDB and the PostgreSQL it stores its data
 * in, the durable Redis (queues, sessions, throttles) and the cache Redis (evictable).
 */
export type ServiceName = 'postgres' | 'ferretdb' | 'redis' | 'redis-cache';

/** Every managed service, in start order (FerretDB needs its PostgreSQL). */
export const SERVICE_NAMES: readonly ServiceName[] = ['postgres', 'ferretdb', 'redis', 'redis-cache'];

/** Options for starting one service process. */
export interface ServiceOptions {
  /** TCP port to listen on (127.0.0.1 only). */
  port: number;
  /** Data directory; created when missing. */
  dataDir: string;
  /** Start in its own process group so it outlives this process (output then goes to `logFile`). */
  detached?: boolean;
  /** Where a detached service writes its output; defaults to `<dataDir>.log`. */
  logFile?: string;
}

/** A service that answers on `port`, either started by us or reused. */
export interface RunningService {
  readonly name: ServiceName;
  /** `mongodb://127.0.0.1:<port>`, `redis://127.0.0.1:<port>` or `postgres://postgres@127.0.0.1:<port>/postgres`. */
  readonly url: string;
  readonly port: number;
  /** Process id; undefined when a service we did not start was reused. */
  readonly pid: number | undefined;
  /** True when an already running service was reused instead of started. */
  readonly reused: boolean;
  /** SIGTERM, up to 5 s grace, then SIGKILL. No-op for reused services; safe to call twice. */
  stop(): Promise<void>;
}

/** Builds the connection URL for a service on 127.0.0.1. */
export function serviceUrl(name: ServiceName, port: number): string {
  if (name === 'postgres') return `postgres://postgres@127.0.0.1:${port}/postgres`;
  return name === 'ferretdb' ? `mongodb://127.0.0.1:${port}` : `redis://127.0.0.1:${port}`;
}

import { checkConnections, int, loadConfig, mailVars, subgraphShape } from '@supergraph/config';
// Its default port is the one of its entry in the subgraph registry.
import registryEntry from '../subgraph.json';

export const cartConfigShape = subgraphShape(registryEntry.port);

export type CartConfig = ReturnType<typeof loadCartConfig>;

/** The cart subgraph's config from the environment; throws ConfigError naming every problem. */
export function loadCartConfig(env: Record<string, string | undefined> = process.env) {
  return loadConfig(cartConfigShape, env, checkConnections);
}

/** The reclaim of abandoned checkouts (src/orders/reclaim.ts), run by every cart worker. */
export const reclaimVars = {
  /** How long after its deadline a pending order is finished (completed, or its stock given back). */
  ORDER_RECLAIM_AFTER_MS: int(0, 86_400_000).default(60_000),
  /** The pause between two looks for such orders, in each worker. */
  ORDER_RECLAIM_EVERY_MS: int(100, 3_600_000).default(30_000),
};

export const cartWorkerConfigShape = { ...subgraphShape(0), ...mailVars, ...reclaimVars };

export type CartWorkerConfig = ReturnType<typeof loadCartWorkerConfig>;

/** The cart worker's config: the subgraph's, plus where mail goes and the reclaim's timing. */
export function loadCartWorkerConfig(env: Record<string, string | undefined> = process.env) {
  return loadConfig(cartWorkerConfigShape, env, checkConnections);
}

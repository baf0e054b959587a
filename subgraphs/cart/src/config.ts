import { checkConnections, loadConfig, mailVars, subgraphShape } from '@supergraph/config';

export const cartConfigShape = subgraphShape(4003);

export type CartConfig = ReturnType<typeof loadCartConfig>;

/** The cart subgraph's config from the environment; throws ConfigError naming every problem. */
export function loadCartConfig(env: Record<string, string | undefined> = process.env) {
  return loadConfig(cartConfigShape, env, checkConnections);
}

export const cartWorkerConfigShape = { ...subgraphShape(0), ...mailVars };

export type CartWorkerConfig = ReturnType<typeof loadCartWorkerConfig>;

/** The cart worker's config: the subgraph's, plus where mail goes. */
export function loadCartWorkerConfig(env: Record<string, string | undefined> = process.env) {
  return loadConfig(cartWorkerConfigShape, env, checkConnections);
}

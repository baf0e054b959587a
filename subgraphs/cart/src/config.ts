import { checkConnections, loadConfig, subgraphShape } from '@supergraph/config';

export const cartConfigShape = subgraphShape(4003);

export type CartConfig = ReturnType<typeof loadCartConfig>;

/** The cart subgraph's config from the environment; throws ConfigError naming every problem. */
export function loadCartConfig(env: Record<string, string | undefined> = process.env) {
  return loadConfig(cartConfigShape, env, checkConnections);
}

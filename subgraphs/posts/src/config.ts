import { checkConnections, loadConfig, subgraphShape } from '@supergraph/config';
// Its default port is the one of its entry in the subgraph registry.
import registryEntry from '../subgraph.json';

export const postsConfigShape = subgraphShape(registryEntry.port);

export type PostsConfig = ReturnType<typeof loadPostsConfig>;

/** The posts subgraph's config from the environment; throws ConfigError naming every problem. */
export function loadPostsConfig(env: Record<string, string | undefined> = process.env) {
  return loadConfig(postsConfigShape, env, checkConnections);
}

import { checkConnections, loadConfig, subgraphShape } from '@supergraph/config';

export const postsConfigShape = subgraphShape(4002);

export type PostsConfig = ReturnType<typeof loadPostsConfig>;

/** The posts subgraph's config from the environment; throws ConfigError naming every problem. */
export function loadPostsConfig(env: Record<string, string | undefined> = process.env) {
  return loadConfig(postsConfigShape, env, checkConnections);
}

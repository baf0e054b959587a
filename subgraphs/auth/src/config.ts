import { checkConnections, int, jwtVars, loadConfig, mailVars, subgraphShape } from '@supergraph/config';

export const authConfigShape = {
  ...subgraphShape(4001),
  ...jwtVars,
  ACCESS_TOKEN_TTL_SECONDS: int(30, 86_400).default(900),
  REFRESH_TOKEN_TTL_SECONDS: int(300, 31_536_000).default(2_592_000),
  LOGIN_MAX_FAILURES_PER_ACCOUNT: int(1, 1000).default(5),
  LOGIN_MAX_FAILURES_PER_IP: int(1, 100_000).default(50),
  LOGIN_FAILURE_WINDOW_SECONDS: int(1, 86_400).default(900),
};

export type AuthConfig = ReturnType<typeof loadAuthConfig>;

/** The auth subgraph's config from the environment; throws ConfigError naming every problem. */
export function loadAuthConfig(env: Record<string, string | undefined> = process.env) {
  return loadConfig(authConfigShape, env, checkConnections);
}

export const authWorkerConfigShape = { ...authConfigShape, ...mailVars };

export type AuthWorkerConfig = ReturnType<typeof loadAuthWorkerConfig>;

/** The auth worker's config: the subgraph's, plus where mail goes. */
export function loadAuthWorkerConfig(env: Record<string, string | undefined> = process.env) {
  return loadConfig(authWorkerConfigShape, env, checkConnections);
}

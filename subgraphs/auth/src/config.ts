import { checkConnections, int, jwtVars, loadConfig, mailVars, subgraphShape } from '@supergraph/config';
// Its default port is the one of its entry in the subgraph registry.
import registryEntry from '../subgraph.json';

export const authConfigShape = {
  ...subgraphShape(registryEntry.port),
  ...jwtVars,
  ACCESS_TOKEN_TTL_SECONDS: int(30, 86_400).default(900),
  REFRESH_TOKEN_TTL_SECONDS: int(300, 31_536_000).default(2_592_000),
  // Login throttling: docs/authentication.md explains the model and these defaults.
  LOGIN_FAILURE_WINDOW_SECONDS: int(1, 86_400).default(900),
  LOGIN_MAX_FAILURES_PER_ACCOUNT_IP: int(1, 1000).default(5),
  LOGIN_MAX_FAILURES_PER_IP: int(1, 100_000).default(50),
  LOGIN_MAX_FAILURES_PER_ACCOUNT: int(1, 100_000).default(10),
  LOGIN_MAX_FAILURES_PER_IP_UNDER_ATTACK: int(1, 1000).default(2),
  LOGIN_KNOWN_ADDRESS_TTL_SECONDS: int(60, 31_536_000).default(2_592_000),
};

type AuthShapeConfig = Parameters<typeof checkConnections>[0] & {
  LOGIN_MAX_FAILURES_PER_ACCOUNT_IP: number;
  LOGIN_MAX_FAILURES_PER_IP_UNDER_ATTACK: number;
};

/** The subgraph's cross-field rules: the connections', and an under-attack allowance within the normal one. */
function checkAuth(config: AuthShapeConfig): string[] {
  const problems = checkConnections(config);
  if (config.LOGIN_MAX_FAILURES_PER_IP_UNDER_ATTACK > config.LOGIN_MAX_FAILURES_PER_ACCOUNT_IP) {
    problems.push(
      `LOGIN_MAX_FAILURES_PER_IP_UNDER_ATTACK: must be at most LOGIN_MAX_FAILURES_PER_ACCOUNT_IP (${config.LOGIN_MAX_FAILURES_PER_ACCOUNT_IP}), got ${config.LOGIN_MAX_FAILURES_PER_IP_UNDER_ATTACK}`,
    );
  }
  return problems;
}

export type AuthConfig = ReturnType<typeof loadAuthConfig>;

/** The auth subgraph's config from the environment; throws ConfigError naming every problem. */
export function loadAuthConfig(env: Record<string, string | undefined> = process.env) {
  return loadConfig(authConfigShape, env, checkAuth);
}

export const authWorkerConfigShape = { ...authConfigShape, ...mailVars };

export type AuthWorkerConfig = ReturnType<typeof loadAuthWorkerConfig>;

/** The auth worker's config: the subgraph's, plus where mail goes. */
export function loadAuthWorkerConfig(env: Record<string, string | undefined> = process.env) {
  return loadConfig(authWorkerConfigShape, env, checkAuth);
}

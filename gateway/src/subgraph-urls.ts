import { ConfigError } from '@supergraph/config';
import { subgraphEnvPrefix } from '@supergraph/registry';

/** What {@link subgraphUrlOverride} reads from the gateway's config. */
export interface SubgraphUrlSettings {
  /** `SUBGRAPH_URLS`, e.g. `{ auth: 'http://auth:4001/graphql' }`. */
  SUBGRAPH_URLS: Readonly<Record<string, string>>;
  /** Every `<NAME>_URL` variable of the environment that is not one of the gateway's own. */
  subgraphUrlVars: Readonly<Record<string, string>>;
}

const isHttpUrl = (value: string): boolean => {
  try {
    return ['http:', 'https:'].includes(new URL(value).protocol);
  } catch {
    return false;
  }
};

/**
 * Where the gateway sends one subgraph's requests instead of the URL composed into the supergraph:
 * `<NAME>_URL` (AUTH_URL for `auth`, ORDER_HISTORY_URL for `order-history`), else its
 * `SUBGRAPH_URLS` entry, else undefined. Names come from the supergraph, so a subgraph added to it
 * needs no change here.
 *
 * @throws ConfigError when the override is not an http(s) URL, naming the variable.
 */
export function subgraphUrlOverride(settings: SubgraphUrlSettings, name: string): string | undefined {
  const variable = `${subgraphEnvPrefix(name)}_URL`;
  const own = settings.subgraphUrlVars[variable];
  const value = own ?? settings.SUBGRAPH_URLS[name];
  if (value !== undefined && !isHttpUrl(value)) {
    throw new ConfigError([`${own === undefined ? `SUBGRAPH_URLS (${name})` : variable}: must be an http(s) URL`]);
  }
  return value;
}

/** The `<NAME>_URL` variables of `env` that are not in `reserved` (the gateway's own settings), non-empty. */
export function pickSubgraphUrlVars(
  env: Readonly<Record<string, string | undefined>>,
  reserved: ReadonlySet<string>,
): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter(
      (entry): entry is [string, string] =>
        /^[A-Z][A-Z0-9_]*_URL$/.test(entry[0]) && !reserved.has(entry[0]) && Boolean(entry[1]),
    ),
  );
}

/**
 * The prefix of a subgraph's own environment variables: `auth` -> `AUTH` (AUTH_URL for the
 * gateway, AUTH_PORT for the dev launcher), `order-history` -> `ORDER_HISTORY`. Names hold no
 * `_`, so two subgraphs never share a prefix.
 */
export function subgraphEnvPrefix(name: string): string {
  return name.toUpperCase().replace(/-/g, '_');
}

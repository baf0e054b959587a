import ConnectionString from 'mongodb-connection-string-url';

/** The URL of one subgraph's database on a server (each subgraph owns its collections). */
export function withDatabase(mongoUrl: string, database: string): string {
  // Multi-host (replica set) URLs are not WHATWG URLs: use the driver's own parser.
  const url = new ConnectionString(mongoUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

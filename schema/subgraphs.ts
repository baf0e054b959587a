import path from 'node:path';

/** One subgraph of the supergraph: its schema file and the URL the gateway uses by default. */
export interface SubgraphEntry {
  name: string;
  schemaPath: string;
  /** Local-development URL; the gateway overrides it per subgraph from its config. */
  url: string;
}

const root = path.resolve(__dirname, '..');

export const SUBGRAPHS: readonly SubgraphEntry[] = [
  { name: 'auth', schemaPath: path.join(root, 'subgraphs/auth/schema.graphql'), url: 'http://localhost:4001/graphql' },
  { name: 'posts', schemaPath: path.join(root, 'subgraphs/posts/schema.graphql'), url: 'http://localhost:4002/graphql' },
  { name: 'cart', schemaPath: path.join(root, 'subgraphs/cart/schema.graphql'), url: 'http://localhost:4003/graphql' },
];

export const SUPERGRAPH_PATH = path.join(__dirname, 'supergraph.graphql');

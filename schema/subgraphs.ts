import path from 'node:path';
import { listSubgraphs } from '@supergraph/registry';

/** One subgraph as composition sees it: its schema file and the URL composed into the supergraph. */
export interface SubgraphEntry {
  name: string;
  schemaPath: string;
  /** Local-development URL (from its port in subgraph.json); the gateway may override it per subgraph. */
  url: string;
}

/** Every subgraph of the registry (subgraphs/<name>/subgraph.json), sorted by name. */
export const SUBGRAPHS: readonly SubgraphEntry[] = listSubgraphs().map(({ name, schemaPath, url }) => ({
  name,
  schemaPath,
  url,
}));

export const SUPERGRAPH_PATH = path.join(__dirname, 'supergraph.graphql');

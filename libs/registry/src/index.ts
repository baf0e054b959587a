export { listSubgraphs, REPO_ROOT, SUBGRAPHS_DIR, type SubgraphEntry } from './list-subgraphs';
export { parseManifest, splitModuleRef, RegistryError, SUBGRAPH_NAME, type ModuleRef, type SubgraphManifest } from './manifest';
export { subgraphEnvPrefix } from './env-names';
export { NAMES_FILE, renderSubgraphNames } from './render-names';
export { SUBGRAPH_NAMES, type SubgraphName } from './__generated__/subgraph-names';

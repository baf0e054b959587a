import path from 'node:path';
import type { BaseContext } from '@apollo/server';
import { listSubgraphs, splitModuleRef, type ModuleRef, type SubgraphEntry, type SubgraphName } from '@supergraph/registry';
import type { SubgraphDefinition, SubgraphSettings, WorkerDefinition } from '@supergraph/subgraph';

type Env = Record<string, string | undefined>;

/** What every subgraph's config loaders return, as far as the generic tools look. */
export type LoadedConfig = SubgraphSettings & { PORT: number; SHUTDOWN_TIMEOUT_MS: number };

/** One process of a subgraph: its config loader and its definition factory. */
export interface ProcessModules<TDefinition> {
  loadConfig(env: Env): LoadedConfig;
  define(config: LoadedConfig): TDefinition;
}

/** A subgraph's process entries, from the `server` and `worker` refs of its subgraph.json. */
export interface SubgraphModules {
  entry: SubgraphEntry;
  server: ProcessModules<SubgraphDefinition<BaseContext>>;
  /** Absent for a subgraph without a worker. */
  worker?: ProcessModules<WorkerDefinition> & { mail: boolean };
}

/** The function a ref names, required from the subgraph's folder (a wrong ref says which field is wrong). */
function requireFunction<T>(entry: SubgraphEntry, field: string, ref: ModuleRef): T {
  const { file, exportName } = splitModuleRef(ref);
  // Required at run time: the registry decides which subgraphs there are, not the imports here.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const found: unknown = (require(path.join(entry.root, file)) as Record<string, unknown>)[exportName];
  if (typeof found !== 'function')
    throw new Error(`${entry.dir}/subgraph.json: ${field}: ${file} exports no function ${exportName}`);
  return found as T;
}

/** Loads the modules a subgraph.json names, so tests and tools can build any subgraph alike. */
export function loadSubgraphModules(entry: SubgraphEntry): SubgraphModules {
  const modulesOf = <T>(field: 'server' | 'worker', refs: { config: ModuleRef; definition: ModuleRef }): ProcessModules<T> => ({
    loadConfig: requireFunction(entry, `${field}.config`, refs.config),
    define: requireFunction(entry, `${field}.definition`, refs.definition),
  });
  return {
    entry,
    server: modulesOf('server', entry.server),
    ...(entry.worker ? { worker: { ...modulesOf<WorkerDefinition>('worker', entry.worker), mail: entry.worker.mail } } : {}),
  };
}

/** The modules of one subgraph of the registry, by name. */
export function subgraphModules(name: SubgraphName): SubgraphModules {
  const entry = listSubgraphs().find((candidate) => candidate.name === name);
  if (!entry) throw new Error(`no subgraph ${name} in the registry (subgraphs/*/subgraph.json): run \`npm run registry\``);
  return loadSubgraphModules(entry);
}

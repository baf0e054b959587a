// An Nx plugin: every subgraph of the registry (subgraphs/<name>/subgraph.json) is an Nx project
// with the same targets, so a new subgraph needs no project.json. Caching and inputs come from
// nx.json's targetDefaults. Nx loads plugins as plain JavaScript; the registry is read through
// its one TypeScript reader, with tsx.
import { require as requireTs } from 'tsx/cjs/api';

/** @type {typeof import('./src')} */
const registry = requireTs('./src/index.ts', import.meta.url);

/**
 * A shell command run from the workspace root ({projectRoot} and {projectName} are Nx's tokens).
 * @param {string} command
 * @param {Record<string, string>} [env]
 */
const run = (command, env) => ({
  executor: 'nx:run-commands',
  options: { command, cwd: '{workspaceRoot}', ...(env ? { env } : {}) },
});

/** @param {import('./src').SubgraphEntry} subgraph */
function targetsOf(subgraph) {
  return {
    codegen: run('graphql-codegen --config codegen.ts', { CODEGEN_SUBGRAPH: subgraph.name }),
    typecheck: { ...run('tsc -p {projectRoot}/tsconfig.json'), dependsOn: ['codegen'] },
    lint: run('eslint {projectRoot}'),
    test: run('jest {projectRoot}'),
    build: run('node scripts/build-app.mjs {projectRoot}'),
    serve: { ...run('tsx watch {projectRoot}/src/main.ts'), continuous: true },
    ...(subgraph.worker ? { worker: { ...run('tsx watch {projectRoot}/src/worker.ts'), continuous: true } } : {}),
  };
}

export const name = 'supergraph-registry';

/** @type {import('nx/src/project-graph/plugins').CreateNodes} */
export const createNodes = [
  'subgraphs/*/subgraph.json',
  (files, _options, context) => {
    const subgraphs = new Map(registry.listSubgraphs(context.workspaceRoot).map((subgraph) => [subgraph.dir, subgraph]));
    return files.flatMap((file) => {
      const subgraph = subgraphs.get(file.slice(0, -'/subgraph.json'.length));
      if (!subgraph) return [];
      const project = {
        name: subgraph.name,
        projectType: 'application',
        sourceRoot: `${subgraph.dir}/src`,
        tags: ['type:subgraph', `scope:${subgraph.name}`],
        targets: targetsOf(subgraph),
      };
      return [[file, { projects: { [subgraph.dir]: project } }]];
    });
  },
];

/**
 * `npm run registry`: writes the files derived from the subgraph registry
 * (subgraphs/<name>/subgraph.json) that cannot read it themselves: docker-compose.yml and the
 * TypeScript type of the subgraph names. `--check` only fails when one is stale.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { listSubgraphs, NAMES_FILE, RegistryError, renderSubgraphNames, REPO_ROOT } from '@supergraph/registry';
import { COMPOSE_FILE, renderComposeFile } from '../deploy/compose-file';

/** Each generated file (relative to the root) with what it should hold now. */
export function registryOutputs(root: string = REPO_ROOT): Record<string, string> {
  const subgraphs = listSubgraphs(root);
  return { [NAMES_FILE]: renderSubgraphNames(subgraphs), [COMPOSE_FILE]: renderComposeFile(subgraphs) };
}

const read = (file: string): string | undefined => {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined; // not written yet: stale
  }
};

function main(): void {
  const check = process.argv.includes('--check');
  let outputs: Record<string, string>;
  try {
    outputs = registryOutputs();
  } catch (error) {
    console.error(error instanceof RegistryError || error instanceof Error ? error.message : error);
    process.exit(1);
  }
  const stale = Object.entries(outputs).filter(([file, content]) => read(path.join(REPO_ROOT, file)) !== content);
  if (check) {
    for (const [file] of stale) console.error(`${file} is stale: run \`npm run registry\` and commit it.`);
    if (stale.length > 0) process.exit(1);
    console.log(`${Object.keys(outputs).join(' and ')} are current.`);
    return;
  }
  for (const [file, content] of stale) {
    writeFileSync(path.join(REPO_ROOT, file), content);
    console.log(`wrote ${file}`);
  }
  if (stale.length === 0) console.log(`${Object.keys(outputs).join(' and ')} are already current.`);
}

if (require.main === module) main();

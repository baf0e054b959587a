import { readFileSync, writeFileSync } from 'node:fs';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { SUBGRAPHS, SUPERGRAPH_PATH, type SubgraphEntry } from './subgraphs';

export type ComposeResult = { ok: true; supergraphSdl: string; hints: string[] } | { ok: false; errors: string[] };

/** Composes the subgraphs' schema files with Apollo's composer (no external binary). */
export function composeSupergraph(subgraphs: readonly SubgraphEntry[] = SUBGRAPHS): ComposeResult {
  const errors: string[] = [];
  const services = subgraphs.flatMap((subgraph) => {
    try {
      return [{ name: subgraph.name, url: subgraph.url, typeDefs: parse(readFileSync(subgraph.schemaPath, 'utf8')) }];
    } catch (error) {
      errors.push(`[${subgraph.name}] ${error instanceof Error ? error.message : String(error)}`);
      return [];
    }
  });
  if (errors.length > 0) return { ok: false, errors };
  const result = composeServices(services);
  if (result.errors) return { ok: false, errors: result.errors.map((error) => error.message) };
  return {
    ok: true,
    supergraphSdl: `${result.supergraphSdl.trimEnd()}\n`,
    hints: result.hints.map((hint) => hint.toString()),
  };
}

/** `tsx schema/compose.ts` writes the supergraph; `--check` only fails when it is stale. */
function main(): void {
  const check = process.argv.includes('--check');
  const result = composeSupergraph();
  if (!result.ok) {
    console.error(`Composition failed:\n${result.errors.map((error) => `  - ${error}`).join('\n')}`);
    process.exit(1);
  }
  for (const hint of result.hints) console.warn(`hint: ${hint}`);
  let current = '';
  try {
    current = readFileSync(SUPERGRAPH_PATH, 'utf8');
  } catch {
    // No supergraph yet: treated as stale.
  }
  if (check) {
    if (current !== result.supergraphSdl) {
      console.error('schema/supergraph.graphql is stale: run `npm run compose` and commit it.');
      process.exit(1);
    }
    console.log('schema/supergraph.graphql is current.');
    return;
  }
  if (current === result.supergraphSdl) {
    console.log('schema/supergraph.graphql is already current.');
    return;
  }
  writeFileSync(SUPERGRAPH_PATH, result.supergraphSdl);
  console.log(`Wrote ${SUPERGRAPH_PATH}`);
}

if (require.main === module) main();

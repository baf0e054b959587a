import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseManifest, RegistryError, type SubgraphManifest } from './manifest';

/** One subgraph of the registry, with the paths every tool derives from its folder. */
export interface SubgraphEntry extends SubgraphManifest {
  /** Its folder relative to the repository root, `subgraphs/<name>`. */
  dir: string;
  /** Its folder, absolute. */
  root: string;
  /** Its Federation 2 schema, `subgraphs/<name>/schema.graphql` (absolute). */
  schemaPath: string;
  /** Where it answers in local development, `http://localhost:<port>/graphql`: the URL composed into the supergraph. */
  url: string;
}

/** The repository root (this file is libs/registry/src/list-subgraphs.ts). */
export const REPO_ROOT = path.resolve(__dirname, '../../..');

/** Where the registry lives: every `subgraphs/<name>/subgraph.json`. */
export const SUBGRAPHS_DIR = 'subgraphs';

/**
 * Reads and checks every `subgraphs/<name>/subgraph.json` under `root`, sorted by name. A folder
 * without one is not a subgraph (a leftover `node_modules`), unless it holds a schema.graphql.
 *
 * @throws RegistryError naming every problem of every file, and clashes between them (ports, queues).
 */
export function listSubgraphs(root: string = REPO_ROOT): SubgraphEntry[] {
  const base = path.join(root, SUBGRAPHS_DIR);
  const folders = existsSync(base)
    ? readdirSync(base, { withFileTypes: true })
        .filter((entry) => entry.isDirectory())
        .map((entry) => entry.name)
        .sort()
    : [];
  const problems: string[] = [];
  const entries: SubgraphEntry[] = [];
  for (const folder of folders) {
    const dir = `${SUBGRAPHS_DIR}/${folder}`;
    const file = path.join(base, folder, 'subgraph.json');
    const schemaPath = path.join(base, folder, 'schema.graphql');
    if (!existsSync(file)) {
      if (existsSync(schemaPath)) problems.push(`${dir}: has a schema.graphql but no subgraph.json`);
      continue;
    }
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(file, 'utf8'));
    } catch (error) {
      problems.push(`${dir}/subgraph.json: not valid JSON (${error instanceof Error ? error.message : String(error)})`);
      continue;
    }
    const parsed = parseManifest(raw, folder);
    if (!parsed.ok) {
      problems.push(...parsed.problems.map((problem) => `${dir}/subgraph.json: ${problem}`));
      continue;
    }
    if (!existsSync(schemaPath)) problems.push(`${dir}: no schema.graphql`);
    const { port } = parsed.manifest;
    entries.push({ ...parsed.manifest, dir, root: path.join(base, folder), schemaPath, url: `http://localhost:${port}/graphql` });
  }
  problems.push(...clashes(entries));
  if (problems.length > 0) throw new RegistryError(problems);
  return entries;
}

/** Ports and queue names that two subgraphs both claim. */
function clashes(entries: readonly SubgraphEntry[]): string[] {
  const problems: string[] = [];
  const owners = new Map<string, string>();
  const claim = (what: string, owner: string) => {
    const first = owners.get(what);
    if (first) problems.push(`${owner}/subgraph.json: ${what} is already ${first}'s`);
    else owners.set(what, owner.replace(`${SUBGRAPHS_DIR}/`, ''));
  };
  for (const entry of entries) {
    claim(`port ${entry.port}`, entry.dir);
    for (const queue of entry.queues) claim(`queue ${queue}`, entry.dir);
  }
  return problems;
}

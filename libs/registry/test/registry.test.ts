import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  listSubgraphs,
  NAMES_FILE,
  REPO_ROOT,
  RegistryError,
  renderSubgraphNames,
  splitModuleRef,
  SUBGRAPH_NAMES,
  subgraphEnvPrefix,
} from '../src';

/** A valid subgraph.json for `name`, with `changes` on top. */
const manifest = (name: string, port: number, changes: Record<string, unknown> = {}) => ({
  name,
  port,
  queues: [`${name}-jobs`],
  secrets: [],
  server: { config: 'src/config.ts#loadConfig', definition: 'src/server.ts#define' },
  worker: { config: 'src/config.ts#loadConfig', definition: 'src/worker-definition.ts#worker', mail: false },
  codegen: { contextType: '../context#Context', mappers: { Thing: '../things/model#Thing' } },
  ...changes,
});

let root: string;
beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), 'registry-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

/** Writes subgraphs/<folder>/ with a schema and `content` as its subgraph.json (a string is written as is). */
function addSubgraph(folder: string, content: unknown, options: { schema?: boolean } = {}): void {
  const dir = path.join(root, 'subgraphs', folder);
  mkdirSync(dir, { recursive: true });
  if (options.schema !== false) writeFileSync(path.join(dir, 'schema.graphql'), 'type Query { hello: String }\n');
  if (content !== undefined)
    writeFileSync(path.join(dir, 'subgraph.json'), typeof content === 'string' ? content : JSON.stringify(content));
}

/** The problems listSubgraphs reports for the tree under `root`. */
function problems(): readonly string[] {
  try {
    listSubgraphs(root);
  } catch (error) {
    if (error instanceof RegistryError) return error.problems;
    throw error;
  }
  throw new Error('expected a RegistryError');
}

describe('listSubgraphs', () => {
  it('reads every subgraphs/<name>/subgraph.json, sorted by name, with the paths tools derive', () => {
    addSubgraph('reviews', manifest('reviews', 4010));
    addSubgraph('billing', manifest('billing', 4011, { worker: null, queues: [] }));
    const entries = listSubgraphs(root);
    expect(entries.map((entry) => entry.name)).toEqual(['billing', 'reviews']);
    expect(entries[1]).toMatchObject({
      dir: 'subgraphs/reviews',
      root: path.join(root, 'subgraphs/reviews'),
      schemaPath: path.join(root, 'subgraphs/reviews/schema.graphql'),
      url: 'http://localhost:4010/graphql',
      queues: ['reviews-jobs'],
      worker: { mail: false },
    });
    expect(entries[0]?.worker).toBeNull();
  });

  it('skips a folder with neither subgraph.json nor schema (a leftover node_modules)', () => {
    addSubgraph('reviews', manifest('reviews', 4010));
    mkdirSync(path.join(root, 'subgraphs/old/node_modules'), { recursive: true });
    expect(listSubgraphs(root).map((entry) => entry.name)).toEqual(['reviews']);
  });

  it('names every problem of every file at once', () => {
    addSubgraph('reviews', manifest('Reviews', 70_000, { extra: true, queues: ['bad name!'], secrets: ['jwt'] }));
    addSubgraph('billing', manifest('billing', 4011, { server: { config: 'config.ts', definition: 'src/server.ts#x' } }));
    addSubgraph('notes', manifest('notes', 4012, { worker: null }));
    addSubgraph('broken', '{ "name": ');
    addSubgraph('orphan', undefined);
    addSubgraph('empty', manifest('empty', 4013), { schema: false });
    const found = [...problems()].sort();
    expect(found.filter((problem) => problem.startsWith('subgraphs/broken/'))).toEqual([
      expect.stringMatching(/^subgraphs\/broken\/subgraph\.json: not valid JSON \(.+\)$/),
    ]);
    expect(found.filter((problem) => !problem.startsWith('subgraphs/broken/'))).toEqual(
      [
        'subgraphs/billing/subgraph.json: server.config: expected "src/<file>.ts#<export>", got "config.ts"',
        'subgraphs/empty: no schema.graphql',
        'subgraphs/notes/subgraph.json: queues: only a subgraph with a worker consumes queues',
        'subgraphs/orphan: has a schema.graphql but no subgraph.json',
        'subgraphs/reviews/subgraph.json: extra: unknown field',
        'subgraphs/reviews/subgraph.json: name: expected lower-case letters, digits and dashes, got "Reviews"',
        'subgraphs/reviews/subgraph.json: port: expected an integer from 1 to 65535, got 70000',
        'subgraphs/reviews/subgraph.json: queues: expected queue names (letters, digits, _ . -), got "bad name!"',
        'subgraphs/reviews/subgraph.json: secrets: expected variable names such as JWT_SECRET, got "jwt"',
      ].sort(),
    );
  });

  it("refuses a name that is not the folder's", () => {
    addSubgraph('reviews', manifest('review', 4010));
    expect(problems()).toEqual(['subgraphs/reviews/subgraph.json: name: must be the folder\'s name "reviews", got "review"']);
  });

  it('refuses a name whose variables or services are already ours', () => {
    addSubgraph('redis', manifest('redis', 4010));
    addSubgraph('reviews-worker', manifest('reviews-worker', 4011));
    expect(problems()).toEqual([
      'subgraphs/redis/subgraph.json: name: "redis" is taken (by one of our variables or services); choose another',
      'subgraphs/reviews-worker/subgraph.json: name: "reviews-worker" is taken (by one of our variables or services); choose another',
    ]);
  });

  it('refuses two subgraphs on one port or consuming one queue', () => {
    addSubgraph('billing', manifest('billing', 4010, { queues: ['shared'] }));
    addSubgraph('reviews', manifest('reviews', 4010, { queues: ['shared'] }));
    expect(problems()).toEqual([
      "subgraphs/reviews/subgraph.json: port 4010 is already billing's",
      "subgraphs/reviews/subgraph.json: queue shared is already billing's",
    ]);
  });

  it('refuses codegen settings it cannot use', () => {
    addSubgraph('reviews', manifest('reviews', 4010, { codegen: { contextType: 'Context', mappers: { Review: 3 } } }));
    expect(problems()).toEqual([
      'subgraphs/reviews/subgraph.json: codegen.contextType: expected "<module>#<type>", got "Context"',
      'subgraphs/reviews/subgraph.json: codegen.mappers.Review: expected "<module>#<type>", got 3',
    ]);
  });
});

describe('the registry of this repository', () => {
  const entries = listSubgraphs();

  it('is valid, and the generated names are current', () => {
    expect(entries.length).toBeGreaterThan(0);
    expect(entries.map((entry) => entry.name)).toEqual([...SUBGRAPH_NAMES]);
    // If this fails, run `npm run registry` and commit the generated file.
    expect(readFileSync(path.join(REPO_ROOT, NAMES_FILE), 'utf8')).toBe(renderSubgraphNames(entries));
  });

  it.each(entries.map((entry) => [entry.name, entry] as const))(
    '%s: its package.json names the same Nx project, and every module it names exists',
    (_name, entry) => {
      const pkg = JSON.parse(readFileSync(path.join(entry.root, 'package.json'), 'utf8')) as { nx?: { name?: string } };
      expect(pkg.nx?.name).toBe(entry.name);
      const refs = [
        entry.server.config,
        entry.server.definition,
        ...(entry.worker ? [entry.worker.config, entry.worker.definition] : []),
      ];
      for (const ref of refs) {
        const { file, exportName } = splitModuleRef(ref);
        expect(readFileSync(path.join(entry.root, file), 'utf8')).toMatch(
          new RegExp(`export (async )?(function|const) ${exportName}\\b`),
        );
      }
    },
  );

  it('copies into another tree as plain files (nothing outside the folder is needed to list it)', () => {
    for (const entry of entries)
      cpSync(entry.root, path.join(root, entry.dir), { recursive: true, filter: (src) => !src.includes('node_modules') });
    expect(listSubgraphs(root).map((entry) => entry.name)).toEqual(entries.map((entry) => entry.name));
  });
});

describe('subgraphEnvPrefix', () => {
  it('upper-cases the name and turns dashes into underscores', () => {
    expect(subgraphEnvPrefix('auth')).toBe('AUTH');
    expect(subgraphEnvPrefix('order-history')).toBe('ORDER_HISTORY');
  });
});

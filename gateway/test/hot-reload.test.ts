import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { errorCodes } from '@supergraph/testing';
import { composeSupergraph } from '../../schema/compose';
import { SUBGRAPHS, SUPERGRAPH_PATH } from '../../schema/subgraphs';
import { startTestStack, type TestStack } from '../../test/support/stack';

/** The gateway follows its supergraph file: valid changes swap in, broken ones are refused. */
let stack: TestStack;
const dir = mkdtempSync(path.join(tmpdir(), 'supergraph-reload-'));
const file = path.join(dir, 'supergraph.graphql');

beforeAll(async () => {
  copyFileSync(SUPERGRAPH_PATH, file);
  stack = await startTestStack({ SUPERGRAPH_PATH: file, SUPERGRAPH_POLL_MS: '100' });
});
afterAll(() => stack.stop());

const trending = () => stack.query('{ trendingTags { tag } }');
const settle = () => new Promise((resolve) => setTimeout(resolve, 1_000));

/** The current supergraph without posts' trendingTags field. */
function supergraphWithoutTrending(): string {
  const posts = SUBGRAPHS.find((subgraph) => subgraph.name === 'posts')!;
  const schema = readFileSync(posts.schemaPath, 'utf8').replace(
    /\s*"""\n\s*The most used tags[\s\S]*?trendingTags\(limit: Int = 10\): \[TagCount!\]!? @cacheControl\(maxAge: 30\)/,
    '',
  );
  const edited = path.join(dir, 'posts.graphql');
  writeFileSync(edited, schema);
  const result = composeSupergraph(
    SUBGRAPHS.map((subgraph) => (subgraph.name === 'posts' ? { ...subgraph, schemaPath: edited } : subgraph)),
  );
  if (!result.ok) throw new Error(result.errors.join('\n'));
  expect(result.supergraphSdl).not.toContain('trendingTags');
  return result.supergraphSdl;
}

it('refuses a broken supergraph and keeps serving the old one', async () => {
  expect((await trending()).errors).toBeUndefined();
  writeFileSync(file, 'this is not a supergraph {');
  await settle();
  expect((await trending()).errors).toBeUndefined();
  copyFileSync(SUPERGRAPH_PATH, file);
});

it('swaps a valid new supergraph in, without failing the requests around the swap', async () => {
  const next = supergraphWithoutTrending();
  const inFlight = Array.from({ length: 40 }, (_, i) =>
    new Promise((resolve) => setTimeout(resolve, i * 25)).then(() => stack.query('{ products(first: 2) { id } }')),
  );
  writeFileSync(file, next);
  const results = await Promise.all(inFlight);
  expect(results.filter((result) => result.errors)).toEqual([]);
  let swapped = false;
  for (let attempt = 0; attempt < 50 && !swapped; attempt += 1) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    swapped = errorCodes(await trending())[0] === 'GRAPHQL_VALIDATION_FAILED';
  }
  expect(swapped).toBe(true);
  // And back again.
  copyFileSync(SUPERGRAPH_PATH, file);
  let restored = false;
  for (let attempt = 0; attempt < 50 && !restored; attempt += 1) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    restored = (await trending()).errors === undefined;
  }
  expect(restored).toBe(true);
}, 30_000);

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { composeSupergraph } from '../compose';
import { SUBGRAPHS, SUPERGRAPH_PATH } from '../subgraphs';

describe('composition', () => {
  it('the committed supergraph is what the subgraph schemas compose to', () => {
    const result = composeSupergraph();
    if (!result.ok) throw new Error(result.errors.join('\n'));
    // If this fails, run `npm run compose` and commit schema/supergraph.graphql.
    expect(readFileSync(SUPERGRAPH_PATH, 'utf8')).toBe(result.supergraphSdl);
  });

  it('carries every entity key across the subgraphs', () => {
    const sdl = readFileSync(SUPERGRAPH_PATH, 'utf8');
    expect(sdl).toContain('@join__type(graph: AUTH, key: "id")');
    expect(sdl).toContain('@join__type(graph: POSTS, key: "id")');
    expect(sdl).toContain('@join__type(graph: CART, key: "id")');
  });

  it('fails an invalid change with the composer’s own messages', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'compose-'));
    const broken = path.join(dir, 'posts.graphql');
    // Posts now claims User.name as a String! of its own, clashing with auth's unshared field.
    writeFileSync(
      broken,
      readFileSync(SUBGRAPHS.find((entry) => entry.name === 'posts')!.schemaPath, 'utf8').replace(
        '  id: ID!\n  """\n  The user',
        '  id: ID!\n  name: Int!\n  """\n  The user',
      ),
    );
    const result = composeSupergraph(
      SUBGRAPHS.map((entry) => (entry.name === 'posts' ? { ...entry, schemaPath: broken } : entry)),
    );
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors.join('\n')).toMatch(/User\.name/);
  });

  it('reports a schema file that does not parse', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'compose-'));
    const broken = path.join(dir, 'cart.graphql');
    writeFileSync(broken, 'type Product @key(fields: "id") { id: ID! ');
    const result = composeSupergraph(
      SUBGRAPHS.map((entry) => (entry.name === 'cart' ? { ...entry, schemaPath: broken } : entry)),
    );
    expect(result).toMatchObject({ ok: false, errors: [expect.stringMatching(/^\[cart\] Syntax Error/)] });
  });
});

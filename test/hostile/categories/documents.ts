import * as fc from 'fast-check';
import {
  REAL_FIELDS,
  aliasBomb,
  commentBloat,
  deepInlineFragments,
  deepLiteral,
  deepSelection,
  directiveFlood,
  fieldFlood,
  fragmentBomb,
  fragmentCycle,
  longStringArgument,
  manyFragments,
  manyOperations,
  manyVariables,
  nestedFragmentBomb,
  typenameFlood,
} from '../documents';
import type { CampaignFixtures } from '../fixtures';
import { post, type Category, type HostileRequest } from '../hostile-request';

/**
 * Hostile GraphQL documents: too large, too deep, and alias, fragment and directive bombs around real fields.
 */

type Arbitraries = Partial<Record<Category, fc.Arbitrary<HostileRequest>>>;

const realField = fc.constantFrom(...REAL_FIELDS);
const refused = { expect: { refused: true } } as const;

function hugeDocuments(f: CampaignFixtures): fc.Arbitrary<HostileRequest> {
  const auth = { headers: { authorization: `Bearer ${f.tokens.valid}` } };
  return fc.oneof(
    fc
      .integer({ min: 500, max: 2_990 })
      .map((count) => post('huge-document', `${count} copies of one field`, { query: fieldFlood(count) }, auth)),
    fc
      .integer({ min: 500, max: 2_990 })
      .map((count) => post('huge-document', `${count} __typename`, { query: typenameFlood(count) })),
    fc
      .integer({ min: 3_001, max: 30_000 })
      .map((count) => post('huge-document', `${count} tokens`, { query: fieldFlood(count) }, refused)),
    fc.integer({ min: 5_000, max: 99_000 }).map((bytes) =>
      post('huge-document', `comment-bloated real query (${bytes} bytes)`, {
        query: commentBloat('query { feed(first: 2) { id } }', bytes),
      }),
    ),
    fc
      .integer({ min: 103_000, max: 400_000 })
      .map((bytes) =>
        post(
          'huge-document',
          `body over the limit (${bytes} bytes)`,
          { query: commentBloat('{ __typename }', bytes) },
          { expect: { refused: true, statuses: [413] } },
        ),
      ),
    fc
      .integer({ min: 1_000, max: 95_000 })
      .map((length) => post('huge-document', `${length}-character string argument`, { query: longStringArgument(length) })),
    fc.integer({ min: 20, max: 700 }).map((count) =>
      post('huge-document', `${count} operations, one chosen`, {
        query: manyOperations(count),
        operationName: `Op${count - 1}`,
      }),
    ),
    fc
      .tuple(fc.integer({ min: 20, max: 550 }), fc.boolean())
      .map(([count, used]) =>
        post(
          'huge-document',
          `${count} fragments, ${used ? 'all' : 'none'} used`,
          { query: manyFragments(count, used) },
          used ? {} : refused,
        ),
      ),
    fc
      .integer({ min: 20, max: 700 })
      .map((count) =>
        post('huge-document', `${count} unused variables`, { query: manyVariables(count), variables: {} }, refused),
      ),
    fc.integer({ min: 1_000, max: 9_000 }).map((keys) =>
      post('huge-document', `variables object with ${keys} keys`, {
        query: 'query($n: Int) { feed(first: $n) { id } }',
        variables: Object.fromEntries(Array.from({ length: keys }, (_, i) => [`k${i}`, i])),
      }),
    ),
  );
}

function deepDocuments(): fc.Arbitrary<HostileRequest> {
  // As JSON text: JSON.stringify recurses and overflows the stack long before a server's JSON.parse does.
  const nested = (depth: number, shape: 'list' | 'object') =>
    shape === 'list' ? `${'['.repeat(depth)}"x"${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}"x"${'}'.repeat(depth)}`;
  const withJson = (label: string, text: string, expect = {}): HostileRequest => ({
    ...post('deep-document', label, {}, { expect }),
    body: text,
  });
  return fc.oneof(
    fc
      .integer({ min: 13, max: 60 })
      .map((depth) => post('deep-document', `selection ${depth} levels deep`, { query: deepSelection(depth) }, refused)),
    fc
      .integer({ min: 60, max: 600 })
      .map((depth) => post('deep-document', `selection ${depth} levels deep`, { query: deepSelection(depth) }, refused)),
    fc
      .integer({ min: 20, max: 1_000 })
      .map((depth) => post('deep-document', `${depth} nested inline fragments`, { query: deepInlineFragments(depth) })),
    fc
      .tuple(fc.integer({ min: 10, max: 1_400 }), fc.constantFrom<'list' | 'object'>('list', 'object'))
      .map(([depth, shape]) =>
        post('deep-document', `argument ${depth} ${shape}s deep`, { query: deepLiteral(depth, shape) }, refused),
      ),
    fc
      .tuple(fc.integer({ min: 100, max: 30_000 }), fc.constantFrom<'list' | 'object'>('list', 'object'))
      .map(([depth, shape]) =>
        withJson(
          `variable ${depth} ${shape}s deep`,
          `{"query":"query($t: String!) { postsByTag(tag: $t) { id } }","variables":{"t":${nested(depth, shape)}}}`,
          { refused: true },
        ),
      ),
    fc
      .tuple(fc.integer({ min: 100, max: 30_000 }), fc.constantFrom<'list' | 'object'>('list', 'object'))
      .map(([depth, shape]) =>
        withJson(
          `extensions ${depth} ${shape}s deep`,
          `{"query":"{ feed(first: 1) { id } }","extensions":{"deep":${nested(depth, shape)}}}`,
        ),
      ),
  );
}

function aliasBombs(): fc.Arbitrary<HostileRequest> {
  return fc.oneof(
    fc
      .tuple(fc.integer({ min: 16, max: 400 }), realField)
      .map(([count, field]) =>
        post('alias-bomb', `${count} aliases of ${field.split('(')[0]}`, { query: aliasBomb(count, field) }, refused),
      ),
    fc
      .integer({ min: 16, max: 1_400 })
      .map((count) => post('alias-bomb', `${count} aliases of __typename`, { query: aliasBomb(count, '__typename') }, refused)),
    fc.integer({ min: 2, max: 15 }).map((count) =>
      post('alias-bomb', `${count} aliases of a nested list`, {
        query: aliasBomb(count, 'feed(first: 100) { author { posts(first: 100) { id author { name } } } }'),
      }),
    ),
  );
}

function fragmentBombs(): fc.Arbitrary<HostileRequest> {
  return fc.oneof(
    fc.tuple(fc.integer({ min: 12, max: 40 }), fc.integer({ min: 2, max: 4 }), realField).map(([levels, fanout, field]) =>
      post('fragment-bomb', `${levels} levels × ${fanout} around ${field.split('(')[0]}`, {
        query: fragmentBomb(levels, fanout, field),
      }),
    ),
    fc
      .tuple(fc.integer({ min: 3, max: 30 }), fc.integer({ min: 2, max: 3 }))
      .map(([levels, fanout]) =>
        post('fragment-bomb', `${levels} levels × ${fanout} on Post, nested`, { query: nestedFragmentBomb(levels, fanout) }),
      ),
    fc
      .integer({ min: 1, max: 60 })
      .map((length) => post('fragment-bomb', `fragment cycle of ${length}`, { query: fragmentCycle(length) }, refused)),
    fc
      .constantFrom('...Missing', '... on Query { ...Missing }', '...F0 ...F0', '... on NoSuchType { id }')
      .map((selection) => post('fragment-bomb', `bad spread ${selection}`, { query: `{ ${selection} }` }, refused)),
  );
}

function directiveFloods(): fc.Arbitrary<HostileRequest> {
  return fc.oneof(
    fc
      .tuple(
        fc.integer({ min: 21, max: 1_400 }),
        fc.constantFrom<'include' | 'unknown' | 'mixed' | 'operation'>('include', 'unknown', 'mixed', 'operation'),
      )
      .map(([count, kind]) =>
        post('directive-flood', `${count} ${kind} directives`, { query: directiveFlood(count, kind) }, refused),
      ),
    fc
      .constantFrom(
        '@include(if: $missing)',
        '@skip',
        '@skip(if: "true")',
        '@include(if: null)',
        '@cacheControl(maxAge: 99999)',
        '@authenticated',
        '@requiresScopes(scopes: [["admin"]])',
        '@defer',
        '@stream(initialCount: 1)',
      )
      .map((directive) =>
        post('directive-flood', `directive ${directive}`, { query: `{ feed(first: 2) ${directive} { id } }` }, refused),
      ),
  );
}

/** The arbitraries of huge-document, deep-document, alias-bomb, fragment-bomb, directive-flood. */
export function documentArbitraries(f: CampaignFixtures): Arbitraries {
  return {
    'huge-document': hugeDocuments(f),
    'deep-document': deepDocuments(),
    'alias-bomb': aliasBombs(),
    'fragment-bomb': fragmentBombs(),
    'directive-flood': directiveFloods(),
  };
}

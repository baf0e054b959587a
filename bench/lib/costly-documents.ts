import { createHash } from 'node:crypto';
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
  nestedFragmentBomb,
  typenameFlood,
} from '../../test/hostile/documents';
import type { AppProcess } from '../../test/hostile/process-stack';
import { createSender, type Sendable } from '../../test/hostile/send';

/**
 * The costliest hostile documents we know (test/hostile/documents.ts at the sizes that cost most while staying
 * under the limits that end parsing early), and how to measure a gateway's CPU for one document sent alone.
 */

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** A hostile document sent alone: `make(i)` must differ for every `i`, so no cache answers it. */
export interface Candidate {
  name: string;
  make(i: number): Sendable;
}

const gatewayPost = (body: unknown): Sendable => ({
  method: 'POST',
  path: '/graphql',
  headers: { 'content-type': 'application/json' },
  body: typeof body === 'string' ? body : JSON.stringify(body),
});

/** A document made unique by a trailing comment (comments are no tokens: limits see the same document). */
const unique = (name: string, document: string, extra: Record<string, unknown> = {}): Candidate => ({
  name,
  make: (i) => gatewayPost({ query: `${document}\n# ${i}`, ...extra }),
});

/** Every candidate for "the worst document"; the benchmark's goal concerns those the gateway refuses. */
export const CANDIDATES: readonly Candidate[] = [
  // 2,980 fields and the rest of the operation stay just under MAX_TOKENS (3,000): parsed, then refused.
  unique("2,980 copies of one field (the issue's 9.8 KB document)", fieldFlood(2_980)),
  unique('2,990 __typename', typenameFlood(2_990)),
  unique('6,000 tokens (over the limit)', fieldFlood(6_000)),
  unique('fragment bomb, 12 levels × 2, around feed', fragmentBomb(12, 2, REAL_FIELDS[0])),
  unique('fragment bomb, 30 levels × 3, around feed', fragmentBomb(30, 3, REAL_FIELDS[0])),
  unique('fragment bomb on Post, 10 levels × 3, nested', nestedFragmentBomb(10, 3)),
  unique('fragment cycle of 60', fragmentCycle(60)),
  unique('140 aliases of feed', aliasBomb(140, REAL_FIELDS[0])),
  unique('450 × @include on one field', directiveFlood(450, 'include')),
  unique('selection 300 levels deep', deepSelection(300)),
  unique('550 nested inline fragments', deepInlineFragments(550)),
  unique('argument 1,400 lists deep', deepLiteral(1_400, 'list')),
  unique('550 unused fragments', manyFragments(550, false)),
  unique('700 operations, operationName naming none', manyOperations(700), { operationName: 'Nope' }),
  unique("wrong-type variable (the issue's example)", 'query($n: Int!) { feed(first: $n) { id } }', { variables: { n: 'abc' } }),
  {
    name: 'variable 30,000 lists deep',
    make: (i) =>
      gatewayPost(
        // As JSON text: JSON.stringify overflows the stack on 30,000 levels.
        `{"query":"query($t: String!) { postsByTag(tag: $t) { id } } # ${i}","variables":{"t":${'['.repeat(30_000)}"x"${']'.repeat(30_000)}}}`,
      ),
  },
  unique('comment-bloated query, 95 KB', commentBloat('query Bloated { feed(first: 1) { id } }', 95_000)),
  unique('700 operations, one chosen', manyOperations(700), { operationName: 'Op699' }),
  unique('550 fragments, all spread', manyFragments(550, true)),
  unique('95,000-character string argument', longStringArgument(95_000)),
  unique('7,000-key variables object', 'query($n: Int) { feed(first: $n) { id } }', {
    variables: Object.fromEntries(Array.from({ length: 7_000 }, (_, i) => [`k${i}`, i])),
  }),
  {
    name: 'comment-bloated APQ registration, 95 KB',
    make: (i) => {
      const query = commentBloat(`query Bloated { feed(first: 1) { id } } # ${i}`, 95_000);
      return gatewayPost({ query, extensions: { persistedQuery: { version: 1, sha256Hash: sha256(query) } } });
    },
  },
];

/** The trivial query, sent as a client sends it: the same text every time. */
export const TRIVIAL = gatewayPost({ query: 'query Trivial { __typename }' });
/** A small real query (one subgraph, public, so the response cache may answer it in production). */
export const SMALL_REAL = gatewayPost({ query: 'query Small { products(first: 1) { id } }' });

/** One document's answer and the gateway's CPU per request for it. */
export interface Measured {
  name: string;
  bytes: number;
  status: number;
  code: string;
  refused: boolean;
  cpuMs: number;
}

/** Sends `make(i)` for i < reps one after another; the gateway's CPU over them, per request. */
export async function measureAlone(
  gateway: AppProcess,
  name: string,
  make: (i: number) => Sendable,
  reps: number,
): Promise<Measured> {
  const sender = createSender({ connections: 1, hangAfterMs: 120_000 });
  try {
    const first = await sender.send(gateway.origin, make(-1), `bench-${name}-first`);
    const before = gateway.cpuMs();
    for (let i = 0; i < reps; i++) await sender.send(gateway.origin, make(i), `bench-${i}`);
    const cpuMs = (gateway.cpuMs() - before) / reps;
    let parsed: { errors?: Array<{ extensions?: { code?: string } }>; data?: unknown } = {};
    try {
      parsed = JSON.parse(first.body) as typeof parsed;
    } catch {
      // not JSON: shown by its status
    }
    const code = parsed.errors?.[0]?.extensions?.code ?? '';
    const body = make(0).body;
    return {
      name,
      bytes: typeof body === 'string' ? Buffer.byteLength(body) : (body?.length ?? 0),
      status: first.status,
      code,
      refused: first.status >= 400 || (Boolean(parsed.errors?.length) && !parsed.data),
      cpuMs,
    };
  } finally {
    await sender.close();
  }
}

/**
 * Builders of hostile GraphQL documents around the supergraph's real fields: each returns the text a client
 * would send. Sizes are parameters, so a generator can walk from "just over a limit" to "as large as fits".
 */

const times = (count: number, make: (i: number) => string, separator = ' ') =>
  Array.from({ length: count }, (_, i) => make(i)).join(separator);

/** Real fields to wrap bombs around, with the selection each needs. */
export const REAL_FIELDS = [
  'feed(first: 100) { id title tags createdAt author { id name } }',
  'products(first: 100) { id name priceCents currency stock }',
  'trendingTags(limit: 100) { tag count }',
  'me { id name email cart { itemCount subtotalCents } }',
  'postsByTag(tag: "hostile", first: 100) { id title }',
] as const;

/**
 * `levels` fragments, each spreading the one below `fanout` times, around a real field: fanout^levels
 * copies once expanded, in a document of a few hundred bytes.
 */
export function fragmentBomb(levels: number, fanout: number, field: string): string {
  const fragments = [`fragment F0 on Query { ${field} }`];
  for (let level = 1; level <= levels; level++) {
    fragments.push(`fragment F${level} on Query { ${times(fanout, () => `...F${level - 1}`)} }`);
  }
  return `query Bomb { ...F${levels} }\n${fragments.join('\n')}`;
}

/** The same bomb on Post, spread inside a list and inside every author's posts. */
export function nestedFragmentBomb(levels: number, fanout: number): string {
  const fragments = ['fragment P0 on Post { id title tags author { id name } }'];
  for (let level = 1; level <= levels; level++) {
    fragments.push(`fragment P${level} on Post { ${times(fanout, () => `...P${level - 1}`)} }`);
  }
  return `query NestedBomb { feed(first: 100) { ...P${levels} author { posts(first: 100) { ...P${levels} } } } }\n${fragments.join('\n')}`;
}

/** A fragment that spreads itself, directly or through others: invalid, and a trap for naive walkers. */
export function fragmentCycle(length: number): string {
  const fragments = times(length, (i) => `fragment C${i} on Query { feed(first: 1) { id } ...C${(i + 1) % length} }`, '\n');
  return `query Cycle { ...C0 }\n${fragments}`;
}

/** `count` aliases of one real field. */
export function aliasBomb(count: number, field: string): string {
  return `query Aliases { ${times(count, (i) => `a${i}: ${field}`)} }`;
}

/** `count` copies of one field under one selection (the expensive case of field merging). */
export function fieldFlood(count: number, field = 'id'): string {
  return `query Flood { feed(first: 1) { ${times(count, () => field)} } }`;
}

/** `count` `__typename`s at the root: free fields, to pad a document cheaply. */
export function typenameFlood(count: number): string {
  return `query Typenames { ${times(count, () => '__typename')} }`;
}

/** `count` directives on one field: `@include(if: true)` repeated, unknown ones, or `@skip` with variables. */
export function directiveFlood(count: number, kind: 'include' | 'unknown' | 'mixed' | 'operation'): string {
  const directive = (i: number) =>
    kind === 'include'
      ? '@include(if: true)'
      : kind === 'unknown'
        ? `@d${i}`
        : kind === 'mixed'
          ? ['@include(if: true)', '@skip(if: false)', '@deprecated', `@x${i}(a: 1)`][i % 4]!
          : '@include(if: true)';
  return kind === 'operation'
    ? `query Directives ${times(count, directive)} { feed(first: 1) { id } }`
    : `query Directives { feed(first: 1) ${times(count, directive)} { id ${times(count, directive)} } }`;
}

/** feed → author → posts → author → ... `depth` levels of real, nested lists. */
export function deepSelection(depth: number): string {
  let inner = 'id';
  for (let level = depth; level > 0; level--) {
    inner = level % 2 === 1 ? `posts(first: 100) { id ${inner} }` : `author { id ${inner} }`;
  }
  return `query Deep { feed(first: 100) { author { ${inner} } } }`;
}

/** `depth` inline fragments inside each other: no fields, only nesting. */
export function deepInlineFragments(depth: number): string {
  return `query Inline { ${'... on Query { '.repeat(depth)}__typename${' }'.repeat(depth)} }`;
}

/** An argument value of `depth` nested lists or objects, where a scalar is expected. */
export function deepLiteral(depth: number, shape: 'list' | 'object'): string {
  const value = shape === 'list' ? `${'['.repeat(depth)}1${']'.repeat(depth)}` : `${'{a: '.repeat(depth)}1${'}'.repeat(depth)}`;
  return `query DeepValue { feed(first: ${value}) { id } }`;
}

/** A real operation padded with comments to about `bytes` (comments are free for the token limit). */
export function commentBloat(document: string, bytes: number): string {
  const line = `# ${'lorem ipsum dolor sit amet '.repeat(3)}\n`;
  return `${line.repeat(Math.max(1, Math.ceil(bytes / line.length)))}${document}`;
}

/** A string argument of `length` characters of `unit`. */
export function longStringArgument(length: number, unit = 'a'): string {
  return `query Long { postsByTag(tag: "${unit.repeat(Math.ceil(length / unit.length)).slice(0, length)}", first: 1) { id } }`;
}

/** `count` operations in one document; only one may run. */
export function manyOperations(count: number): string {
  return times(count, (i) => `query Op${i} { feed(first: 1) { id } }`, '\n');
}

/** `count` fragment definitions, none used (invalid) or all spread once. */
export function manyFragments(count: number, used: boolean): string {
  const fragments = times(count, (i) => `fragment G${i} on Post { id }`, '\n');
  const spreads = used ? times(count, (i) => `...G${i}`) : 'id';
  return `query Fragments { feed(first: 1) { ${spreads} } }\n${fragments}`;
}

/** `count` variable definitions, none used. */
export function manyVariables(count: number): string {
  return `query Variables(${times(count, (i) => `$v${i}: String`, ', ')}) { feed(first: 1) { id } }`;
}

/** Everything the schema says about itself. */
export const INTROSPECTION = /* GraphQL */ `
  query Introspection {
    __schema {
      queryType {
        name
      }
      mutationType {
        name
      }
      types {
        name
        kind
        fields(includeDeprecated: true) {
          name
          args {
            name
            type {
              name
              kind
              ofType {
                name
                kind
              }
            }
          }
          type {
            name
            kind
          }
        }
      }
      directives {
        name
        locations
        args {
          name
        }
      }
    }
  }
`;

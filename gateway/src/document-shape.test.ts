import fc from 'fast-check';
import { Kind, parse, type DocumentNode, type SelectionSetNode } from 'graphql';
import { measureDocument } from './document-shape';

/** The naive figures: fragments spread by walking them again at every spread. */
function naive(document: DocumentNode) {
  const fragments = new Map(
    document.definitions.flatMap((definition) =>
      definition.kind === Kind.FRAGMENT_DEFINITION ? [[definition.name.value, definition.selectionSet] as const] : [],
    ),
  );
  const walk = (set: SelectionSetNode): { fields: number; depth: number; aliases: number } => {
    let fields = 0;
    let depth = 0;
    let aliases = 0;
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        const inner = selection.selectionSet ? walk(selection.selectionSet) : { fields: 0, depth: 0, aliases: 0 };
        fields += 1 + inner.fields;
        aliases += (selection.alias ? 1 : 0) + inner.aliases;
        depth = Math.max(depth, 1 + inner.depth);
      } else {
        const inline = selection.kind === Kind.INLINE_FRAGMENT;
        const inner = walk(inline ? selection.selectionSet : fragments.get(selection.name.value)!);
        fields += inner.fields;
        aliases += inner.aliases;
        depth = Math.max(depth, inner.depth + (inline ? 1 : 0));
      }
    }
    return { fields, depth, aliases };
  };
  const operation = document.definitions.find((definition) => definition.kind === Kind.OPERATION_DEFINITION)!;
  return walk((operation as { selectionSet: SelectionSetNode }).selectionSet);
}

/** A random document whose fragments form a DAG: fragment i spreads only fragments above i. */
const documents = fc
  .array(
    fc.record({
      fields: fc.array(fc.constantFrom('id', 'name', 'a: name', 'posts { id }', 'author { name }', '... on User { name }'), {
        maxLength: 4,
      }),
      spreads: fc.array(fc.nat(20), { maxLength: 3 }),
    }),
    { minLength: 1, maxLength: 8 },
  )
  .map((definitions) => {
    const body = (index: number) => {
      const { fields, spreads } = definitions[index]!;
      const below = spreads
        .map((n) => index + 1 + (n % Math.max(1, definitions.length - index - 1)))
        .filter((n) => n < definitions.length);
      const parts = [...fields, ...below.map((n) => `...F${n}`)];
      return parts.length > 0 ? parts.join(' ') : '__typename';
    };
    return `{ me { ...F0 } } ${definitions.map((_, index) => `fragment F${index} on User { ${body(index)} }`).join(' ')}`;
  });

it('spreads fragments exactly as a naive walk would, without walking them again', () => {
  fc.assert(
    fc.property(documents, (text) => {
      const document = parse(text);
      const [shape] = measureDocument(document).operations.values();
      const expected = naive(document);
      expect({ fields: shape!.fields, depth: shape!.depth, aliases: shape!.aliases }).toEqual(expected);
    }),
    { seed: 20261129, numRuns: 500 },
  );
});

it('measures a fragment bomb by its definitions: 2^40 fields reported, 40 fragments walked', () => {
  const levels = 40;
  const text = `{ me { ...F0 } } ${Array.from({ length: levels }, (_, i) => `fragment F${i} on User { ...F${i + 1} ...F${i + 1} }`).join(' ')} fragment F${levels} on User { name }`;
  const [shape] = measureDocument(parse(text)).operations.values();
  expect(shape?.fields).toBe(1 + 2 ** levels);
});

it('survives fragment cycles and unknown fragments (validation refuses them later)', () => {
  const [shape] = measureDocument(
    parse('{ me { ...A ...Nope } } fragment A on User { name ...B } fragment B on User { ...A }'),
  ).operations.values();
  expect(shape?.fields).toBe(2);
});

it('measures nesting inside argument values, directives and defaults', () => {
  const [shape] = measureDocument(
    parse('query($v: [[Int]] = [[1]]) { me @skip(if: false) { posts(first: [[[[1]]]]) { id } } }'),
  ).operations.values();
  expect(shape?.valueDepth).toBe(4);
});

it('weighs repeated fields by what they select', () => {
  expect(measureDocument(parse('{ me { name name name } }')).fieldPairs).toBe(3);
  expect(measureDocument(parse('{ feed { author { name } author { name } } }')).fieldPairs).toBe(4);
  expect(measureDocument(parse('{ me { id name posts { id } } }')).fieldPairs).toBe(0);
});

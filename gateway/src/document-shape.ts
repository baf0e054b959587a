import {
  Kind,
  type DocumentNode,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  type DirectiveNode,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';

/** What an operation asks for once its fragments are spread in place. */
export interface DocumentShape {
  /** Nested field and inline-fragment levels; a root field is level 1. */
  depth: number;
  /** The deepest list or object literal in an argument or a variable's default value. */
  valueDepth: number;
  /** Field selections, each spread of a fragment counted again (what execution would visit). */
  fields: number;
  aliases: number;
  directives: number;
  /** Fields at the root of the operation, `__typename` and other meta fields excluded. */
  rootFields: number;
}

/** What the whole document costs graphql's validation before any operation runs. */
export interface DocumentMeasure {
  operations: Map<OperationDefinitionNode, DocumentShape>;
  /**
   * Pairs of same-named fields in one selection set, each pair weighted by the sizes of what
   * the two select: the work of graphql's overlapping-fields rule, which must prove every such
   * pair mergeable (recursively), grows with it.
   */
  fieldPairs: number;
}

type Totals = Omit<DocumentShape, 'rootFields'>;
/** Per response name at the top of a selection set: the sum of the fields' sizes and of their squares. */
type Groups = Map<string, { sum: number; squares: number }>;
interface SetMeasure extends Totals {
  groups: Groups;
}

const EMPTY: SetMeasure = { depth: 0, valueDepth: 0, fields: 0, aliases: 0, directives: 0, groups: new Map() };

/** Nesting of a literal: a list or an input object is one level more than what it holds. */
function valueDepth(value: ValueNode): number {
  if (value.kind === Kind.LIST) return 1 + Math.max(0, ...value.values.map(valueDepth));
  if (value.kind === Kind.OBJECT) return 1 + Math.max(0, ...value.fields.map((field) => valueDepth(field.value)));
  return 0;
}

const argumentsDepth = (nodes: ReadonlyArray<{ value: ValueNode }> | undefined) =>
  Math.max(0, ...(nodes ?? []).map((argument) => valueDepth(argument.value)));

function directivesDepth(directives: ReadonlyArray<DirectiveNode> | undefined): number {
  return Math.max(0, ...(directives ?? []).map((directive) => argumentsDepth(directive.arguments)));
}

function addGroups(into: Groups, from: Groups): void {
  for (const [name, { sum, squares }] of from) {
    const group = into.get(name);
    if (group) {
      group.sum += sum;
      group.squares += squares;
    } else into.set(name, { sum, squares });
  }
}

/** Σ over names of Σ_{i<j} size_i · size_j = ½ (sum² − Σ size²). */
function pairsOf(groups: Groups): number {
  let pairs = 0;
  for (const { sum, squares } of groups.values()) pairs += (sum * sum - squares) / 2;
  return pairs;
}

/**
 * Measures a document in one walk over its text, spreading fragments without re-walking them:
 * each fragment is measured once and its figures are reused at every spread. A fragment bomb
 * (fragments spreading fragments, doubling at each level) costs its number of definitions here,
 * while its spread-out size is what the limits see. Cycles and unknown fragments count as empty;
 * graphql's validation refuses them later.
 */
export function measureDocument(document: DocumentNode): DocumentMeasure {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const measured = new Map<string, SetMeasure>();
  const inProgress = new Set<string>();
  let fieldPairs = 0;

  const fragment = (name: string): SetMeasure => {
    const known = measured.get(name);
    if (known) return known;
    const definition = fragments.get(name);
    if (!definition || inProgress.has(name)) return EMPTY;
    inProgress.add(name);
    const shape = selectionSet(definition.selectionSet);
    inProgress.delete(name);
    const withOwn = {
      ...shape,
      directives: shape.directives + (definition.directives?.length ?? 0),
      valueDepth: Math.max(shape.valueDepth, directivesDepth(definition.directives)),
    };
    measured.set(name, withOwn);
    return withOwn;
  };

  // Each selection set written in the document is walked once (as graphql's validation visits
  // it once); its pairs are counted then.
  const selectionSet = (set: SelectionSetNode): SetMeasure => {
    const totals: SetMeasure = { depth: 0, valueDepth: 0, fields: 0, aliases: 0, directives: 0, groups: new Map() };
    for (const selection of set.selections) {
      totals.directives += selection.directives?.length ?? 0;
      totals.valueDepth = Math.max(totals.valueDepth, directivesDepth(selection.directives));
      let inner: SetMeasure;
      if (selection.kind === Kind.FIELD) {
        inner = selection.selectionSet ? selectionSet(selection.selectionSet) : EMPTY;
        totals.depth = Math.max(totals.depth, inner.depth + 1);
        totals.valueDepth = Math.max(totals.valueDepth, argumentsDepth(selection.arguments));
        totals.fields += 1;
        if (selection.alias) totals.aliases += 1;
        const size = 1 + inner.fields;
        addGroups(totals.groups, new Map([[(selection.alias ?? selection.name).value, { sum: size, squares: size * size }]]));
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        // Nested inline fragments cost planning and validation like fields do: a level each.
        inner = selectionSet(selection.selectionSet);
        totals.depth = Math.max(totals.depth, inner.depth + 1);
        addGroups(totals.groups, inner.groups);
      } else {
        inner = fragment(selection.name.value);
        totals.depth = Math.max(totals.depth, inner.depth);
        addGroups(totals.groups, inner.groups);
      }
      totals.valueDepth = Math.max(totals.valueDepth, inner.valueDepth);
      totals.fields += inner.fields;
      totals.aliases += inner.aliases;
      totals.directives += inner.directives;
    }
    fieldPairs += pairsOf(totals.groups);
    return totals;
  };

  const rootFields = (set: SelectionSetNode, seen: Set<string>): number => {
    let count = 0;
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) count += selection.name.value.startsWith('__') ? 0 : 1;
      else if (selection.kind === Kind.INLINE_FRAGMENT) count += rootFields(selection.selectionSet, seen);
      else if (!seen.has(selection.name.value)) {
        seen.add(selection.name.value);
        const definition = fragments.get(selection.name.value);
        if (definition) count += rootFields(definition.selectionSet, seen);
      }
    }
    return count;
  };

  const operations = new Map<OperationDefinitionNode, DocumentShape>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragment(definition.name.value);
    if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
    const { groups: _groups, ...shape } = selectionSet(definition.selectionSet);
    const defaults = (definition.variableDefinitions ?? []).map((variable) =>
      Math.max(variable.defaultValue ? valueDepth(variable.defaultValue) : 0, directivesDepth(variable.directives)),
    );
    operations.set(definition, {
      ...shape,
      valueDepth: Math.max(shape.valueDepth, directivesDepth(definition.directives), ...defaults),
      directives: shape.directives + (definition.directives?.length ?? 0),
      rootFields: rootFields(definition.selectionSet, new Set()),
    });
  }
  return { operations, fieldPairs };
}

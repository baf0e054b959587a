import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import {
  Kind,
  parse,
  print,
  type ArgumentNode,
  type DocumentNode,
  type FieldNode,
  type OperationDefinitionNode,
  type SelectionNode,
  type SelectionSetNode,
  type TypeNode,
  type ValueNode,
  type VariableDefinitionNode,
} from 'graphql';

/**
 * Random edits of the frontend's real operations (`schema/operations/*.graphql`): what a buggy or hostile
 * client sends when it starts from a valid document. An edit is data (a kind and a number that picks where it
 * applies), so a seeded generator makes the same edits every run.
 */

const operationsDir = path.resolve(__dirname, '../../schema/operations');

/** Each operation of schema/operations, parsed on its own. */
export function loadOperations(): OperationDefinitionNode[] {
  return readdirSync(operationsDir)
    .filter((file) => file.endsWith('.graphql'))
    .sort()
    .flatMap((file) => parse(readFileSync(path.join(operationsDir, file), 'utf8')).definitions)
    .filter((definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION);
}

export const EDIT_KINDS = [
  'drop-selection',
  'duplicate-selection',
  'swap-variable-type',
  'drop-variable-definition',
  'inject-argument',
  'wrong-literal',
  'rename-field',
  'change-operation-type',
  'conflicting-alias',
  'add-directive',
  'wrong-type-fragment',
  'nest-typename',
  'add-variable-use',
] as const;

export type EditKind = (typeof EDIT_KINDS)[number];

export interface Edit {
  kind: EditKind;
  /** Picks the place (and the variant) the edit applies to, modulo what there is. */
  pick: number;
}

const name = (value: string) => ({ kind: Kind.NAME, value }) as const;
const named = (type: string): TypeNode => ({ kind: Kind.NAMED_TYPE, name: name(type) });
const nonNull = (type: string): TypeNode => ({ kind: Kind.NON_NULL_TYPE, type: { kind: Kind.NAMED_TYPE, name: name(type) } });
const listOf = (type: string): TypeNode => ({ kind: Kind.LIST_TYPE, type: named(type) });

const TYPES: readonly TypeNode[] = [
  named('Int'),
  nonNull('Int'),
  named('String'),
  nonNull('ID'),
  named('Boolean'),
  named('Float'),
  listOf('Int'),
  named('LoginInput'),
  nonNull('RegisterInput'),
  named('NoSuchType'),
  named('Post'),
  named('DateTime'),
];

const LITERALS: readonly ValueNode[] = [
  { kind: Kind.STRING, value: 'abc' },
  { kind: Kind.INT, value: '99999999999999999999' },
  { kind: Kind.INT, value: '-1' },
  { kind: Kind.FLOAT, value: '1.5' },
  { kind: Kind.BOOLEAN, value: true },
  { kind: Kind.NULL },
  { kind: Kind.ENUM, value: 'PUBLIC' },
  { kind: Kind.LIST, values: [{ kind: Kind.INT, value: '1' }] },
  { kind: Kind.OBJECT, fields: [{ kind: Kind.OBJECT_FIELD, name: name('gt'), value: { kind: Kind.STRING, value: '' } }] },
  { kind: Kind.VARIABLE, name: name('undeclared') },
];

const ARGUMENT_NAMES = ['first', 'after', 'id', 'input', 'limit', 'where', 'tag', 'quantity'];
const DIRECTIVES = [
  '@skip(if: "yes")',
  '@include',
  '@include(if: $nope)',
  '@nope',
  '@deprecated(reason: 1)',
  '@skip(if: true) @skip(if: true)',
];

/** Every selection set of an operation, outermost first. */
function selectionSets(operation: OperationDefinitionNode): SelectionSetNode[] {
  const sets: SelectionSetNode[] = [];
  const walk = (set: SelectionSetNode) => {
    sets.push(set);
    for (const selection of set.selections)
      if ('selectionSet' in selection && selection.selectionSet) walk(selection.selectionSet);
  };
  walk(operation.selectionSet);
  return sets;
}

/** Every field of an operation. */
function fields(operation: OperationDefinitionNode): FieldNode[] {
  return selectionSets(operation).flatMap((set) => set.selections.filter((s): s is FieldNode => s.kind === Kind.FIELD));
}

const at = <T>(items: readonly T[], pick: number): T | undefined => (items.length > 0 ? items[pick % items.length] : undefined);

/** Rebuilds the operation with `set` replaced by `replacement` (AST nodes are read-only). */
function replaceSet(
  operation: OperationDefinitionNode,
  set: SelectionSetNode,
  replacement: SelectionSetNode,
): OperationDefinitionNode {
  const rebuild = (current: SelectionSetNode): SelectionSetNode =>
    current === set
      ? replacement
      : {
          ...current,
          selections: current.selections.map((selection): SelectionNode =>
            'selectionSet' in selection && selection.selectionSet
              ? ({ ...selection, selectionSet: rebuild(selection.selectionSet) } as SelectionNode)
              : selection,
          ),
        };
  return { ...operation, selectionSet: rebuild(operation.selectionSet) };
}

function replaceField(operation: OperationDefinitionNode, field: FieldNode, replacement: FieldNode): OperationDefinitionNode {
  const set = selectionSets(operation).find((candidate) => candidate.selections.includes(field))!;
  return replaceSet(operation, set, { ...set, selections: set.selections.map((s) => (s === field ? replacement : s)) });
}

function applyEdit(operation: OperationDefinitionNode, { kind, pick }: Edit): OperationDefinitionNode {
  const set = at(selectionSets(operation), pick)!;
  const field = at(fields(operation), pick) as FieldNode;
  const variables = operation.variableDefinitions ?? [];
  const variable = at(variables, pick);
  const choose = <T>(items: readonly T[]) => items[Math.floor(pick / 7) % items.length]!;
  // Earlier edits may have dropped every field: then there is nothing left to edit but the operation itself.
  if (
    !field &&
    !['change-operation-type', 'swap-variable-type', 'drop-variable-definition', 'duplicate-selection'].includes(kind)
  ) {
    return applyEdit(operation, { kind: 'change-operation-type', pick });
  }
  switch (kind) {
    case 'drop-selection':
      return replaceSet(operation, set, {
        ...set,
        selections: set.selections.filter((_, i) => i !== pick % set.selections.length),
      });
    case 'duplicate-selection':
      return replaceSet(operation, set, { ...set, selections: [...set.selections, ...set.selections] });
    case 'swap-variable-type':
      if (!variable) return applyEdit(operation, { kind: 'add-variable-use', pick });
      return {
        ...operation,
        variableDefinitions: variables.map((v): VariableDefinitionNode => (v === variable ? { ...v, type: choose(TYPES) } : v)),
      };
    case 'drop-variable-definition':
      if (!variable) return applyEdit(operation, { kind: 'change-operation-type', pick });
      return { ...operation, variableDefinitions: variables.filter((v) => v !== variable) };
    case 'inject-argument': {
      const argument: ArgumentNode = { kind: Kind.ARGUMENT, name: name(choose(ARGUMENT_NAMES)), value: at(LITERALS, pick)! };
      return replaceField(operation, field, { ...field, arguments: [...(field.arguments ?? []), argument] });
    }
    case 'wrong-literal': {
      const args = field.arguments ?? [];
      if (args.length === 0) return applyEdit(operation, { kind: 'inject-argument', pick });
      const value = choose(LITERALS);
      return replaceField(operation, field, {
        ...field,
        arguments: args.map((arg, i) => (i === pick % args.length ? { ...arg, value } : arg)),
      });
    }
    case 'rename-field': {
      const typo = choose([
        `${field.name.value}s`,
        field.name.value.slice(1),
        field.name.value.toUpperCase(),
        '__schema',
        'password',
        '_entities',
        '_service',
      ]);
      return replaceField(operation, field, { ...field, name: name(typo) });
    }
    case 'change-operation-type': {
      const next = choose(['query', 'mutation', 'subscription'] as const);
      return { ...operation, operation: next as OperationDefinitionNode['operation'] };
    }
    case 'conflicting-alias': {
      const others = set.selections.filter((s): s is FieldNode => s.kind === Kind.FIELD);
      // Different fields under one response name: invalid, and work for the field-merging check.
      const aliased = others.map((s) => ({ ...s, alias: name('same') }));
      return replaceSet(operation, set, { ...set, selections: [...set.selections, ...aliased] });
    }
    case 'add-directive': {
      const directive = parse(`{ x ${choose(DIRECTIVES)} }`).definitions[0] as OperationDefinitionNode;
      const directives = (directive.selectionSet.selections[0] as FieldNode).directives ?? [];
      return replaceField(operation, field, { ...field, directives: [...(field.directives ?? []), ...directives] });
    }
    case 'wrong-type-fragment': {
      const fragment = parse(`{ ... on ${choose(['Product', 'Cart', 'Order', 'NoSuchType', 'Mutation'])} { id } }`)
        .definitions[0] as OperationDefinitionNode;
      return replaceSet(operation, set, { ...set, selections: [...set.selections, ...fragment.selectionSet.selections] });
    }
    case 'nest-typename': {
      const extra = parse('{ __typename __type(name: "User") { name fields { name } } }')
        .definitions[0] as OperationDefinitionNode;
      return replaceSet(operation, set, { ...set, selections: [...set.selections, ...extra.selectionSet.selections] });
    }
    case 'add-variable-use': {
      const argument: ArgumentNode = {
        kind: Kind.ARGUMENT,
        name: name(choose(ARGUMENT_NAMES)),
        value: { kind: Kind.VARIABLE, name: name('n') },
      };
      const definition: VariableDefinitionNode = {
        kind: Kind.VARIABLE_DEFINITION,
        variable: { kind: Kind.VARIABLE, name: name('n') },
        type: choose(TYPES),
      };
      const withArgument = replaceField(operation, field, { ...field, arguments: [...(field.arguments ?? []), argument] });
      return { ...withArgument, variableDefinitions: [...(withArgument.variableDefinitions ?? []), definition] };
    }
  }
}

/** The operation with each edit applied in turn, printed; an edit that leaves nothing to print yields `{ }`-like text. */
export function mutateOperation(operation: OperationDefinitionNode, edits: readonly Edit[]): string {
  let current = operation;
  for (const edit of edits) current = applyEdit(current, edit);
  const document: DocumentNode = { kind: Kind.DOCUMENT, definitions: [current] };
  return print(document);
}

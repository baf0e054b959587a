import {
  coerceInputValue,
  GraphQLError,
  isInputType,
  isNonNullType,
  typeFromAST,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';

const printPath = (path: ReadonlyArray<string | number>) =>
  path.map((key) => (typeof key === 'number' ? `[${key}]` : `.${key}`)).join('');

/*
 * graphql's complaints about a value quote it ("Int cannot represent non-integer value: "abc"",
 * "Value "x" does not exist in "Role" enum."): say what was expected, never what was sent, so
 * a password in a mistyped input reaches neither the client's error nor a log.
 */
function describe(message: string): string {
  const withoutHint = message.replace(/ Did you mean [\s\S]*$/, '');
  const enumMatch = /does not exist in "(\w+)" enum/.exec(withoutHint);
  if (enumMatch) return `Expected a value of the "${enumMatch[1]}" enum.`;
  const scalar = /^(\w+) cannot represent/.exec(withoutHint);
  if (scalar) return `Expected a value of type "${scalar[1]}".`;
  const expected = /^(Expected type "[^"]+")/.exec(withoutHint);
  if (expected) return `${expected[1]}.`;
  // The remaining messages name fields and types only (unknown field, required field missing,
  // expected an object, null for a non-null type).
  return withoutHint;
}

/**
 * Coerces an operation's variables the way execution will, but first, so a mistake is a
 * BAD_USER_INPUT (HTTP 400) naming the variable and the path inside it, before any limit that
 * reads variables runs. Returns the coerced values.
 */
export function coerceVariables(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  inputs: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const problems: Array<{ variable: string; path: string; message: string }> = [];
  const coerced: Record<string, unknown> = {};
  for (const definition of operation.variableDefinitions ?? []) {
    const name = definition.variable.name.value;
    const type = typeFromAST(schema, definition.type);
    if (!type || !isInputType(type)) {
      problems.push({ variable: name, path: name, message: 'Its type is not an input type of this graph.' });
      continue;
    }
    const given = Object.prototype.hasOwnProperty.call(inputs, name);
    if (!given || inputs[name] === undefined) {
      if (definition.defaultValue) continue; // execution fills the default in
      if (isNonNullType(type))
        problems.push({ variable: name, path: name, message: `A value of type "${String(type)}" is required.` });
      continue;
    }
    const value = inputs[name];
    if (value === null && isNonNullType(type)) {
      problems.push({ variable: name, path: name, message: `It must not be null (type "${String(type)}").` });
      continue;
    }
    coerced[name] = coerceInputValue(value, type, (path, _invalid, error) => {
      problems.push({ variable: name, path: `${name}${printPath(path)}`, message: describe(error.message) });
    });
  }
  if (problems.length > 0) {
    const shown = problems.slice(0, 5);
    throw new GraphQLError(
      shown.map((problem) => `Variable "$${problem.variable}" is invalid at "${problem.path}": ${problem.message}`).join(' '),
      { extensions: { code: 'BAD_USER_INPUT', invalidVariables: shown, http: { status: 400 } } },
    );
  }
  return coerced;
}

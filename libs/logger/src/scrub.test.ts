import fc from 'fast-check';
import { buildSchema, getVariableValues, parse, type OperationDefinitionNode } from 'graphql';
import { Writable } from 'node:stream';
import { createLogger, scrubMessage } from './index';

const schema = buildSchema(`
  enum Role { USER ADMIN }
  input LoginInput { email: String! password: String! role: Role }
  type Query { me(input: LoginInput!, n: Int, id: ID): Boolean }
`);
const operation = parse('query($input: LoginInput!, $n: Int, $id: ID) { me(input: $input, n: $n, id: $id) }')
  .definitions[0] as OperationDefinitionNode;

/** graphql's own coercion messages for the given variables. */
const coercionMessages = (inputs: Record<string, unknown>) =>
  (getVariableValues(schema, operation.variableDefinitions ?? [], inputs).errors ?? []).map((error) => error.message);

/** A logger writing its lines into an array. */
function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { lines, logger: createLogger({ service: 'test', level: 'debug', destination }) };
}

// Secrets built to confuse the scrubber: they hold graphql's own separators and phrases. Markers at
// both ends and in the middle show a leak of any part of one.
const tricky = fc
  .array(
    fc.oneof(
      fc.string({ maxLength: 8 }),
      fc.constantFrom(
        '; ',
        '; Field "',
        '"',
        '\\',
        '\n',
        ' at "x"; ',
        'cannot represent value: ',
        ' (type string)',
        '}',
        ', found ',
      ),
    ),
    { maxLength: 6 },
  )
  .map((parts) => parts.join(''));
const secret = fc.tuple(tricky, tricky).map(([a, b]) => `canaryHEAD${a}canaryMID${b}canaryTAIL`);
const leaks = (text: string) => ['canaryHEAD', 'canaryMID', 'canaryTAIL'].filter((marker) => text.includes(marker));

it('no value a client sent survives in a coercion message, whatever its shape', () => {
  fc.assert(
    fc.property(secret, fc.constantFrom('extra', 'wrongType', 'objectId', 'enum', 'intString'), (canary, shape) => {
      const inputs: Record<string, unknown> = {
        extra: { input: { email: 'a@b.c', password: canary, rememberMe: true } },
        wrongType: { input: { email: 'a@b.c', password: { $gt: canary } } },
        objectId: { input: { email: 'a@b.c', password: 'x' }, id: { $gt: canary } },
        enum: { input: { email: 'a@b.c', password: canary, role: canary } },
        intString: { input: { email: canary, password: canary }, n: canary },
      }[shape] as Record<string, unknown>;
      const messages = coercionMessages(inputs);
      expect(messages.length).toBeGreaterThan(0);
      for (const message of messages) expect(leaks(scrubMessage(message))).toEqual([]);
    }),
    { seed: 20261129, numRuns: 2000 },
  );
});

it('keeps what precedes the value, and messages without one', () => {
  const [message] = coercionMessages({ input: { email: 'a@b.c', password: 'hunter2-secret', rememberMe: true } });
  expect(scrubMessage(message as string)).toBe('Variable "$input" got invalid value [value removed]');
  expect(scrubMessage('Cast to ObjectId failed for value "abc" (type string) at path "_id"')).toBe(
    'Cast to ObjectId failed for value [value removed]',
  );
  expect(scrubMessage('Field "rememberMe" is not defined by type "LoginInput".')).toBe(
    'Field "rememberMe" is not defined by type "LoginInput".',
  );
});

it('a log line carries no secret, at any depth or inside an error', () => {
  fc.assert(
    fc.property(secret, (canary) => {
      const { lines, logger } = capture();
      const [coercion] = coercionMessages({ input: { email: 'a', password: canary, rememberMe: 1 } });
      logger.error({ err: new Error(coercion), request: { variables: { input: { password: canary } } } }, 'failed');
      logger.info({ headers: { authorization: `Bearer ${canary}`, cookie: canary }, deep: { a: { refreshToken: canary } } });
      logger.warn({ input: { newPassword: canary, token: canary }, count: { maxTokens: 3000 } }, 'refused');
      expect(lines).toHaveLength(3);
      for (const line of lines) expect(leaks(line)).toEqual([]);
      expect(lines[2]).toContain('"maxTokens":3000');
    }),
    { seed: 20261129, numRuns: 100 },
  );
});

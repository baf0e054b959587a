import { isFaultAnswer } from './subgraph-fault';

describe('isFaultAnswer', () => {
  const error = (code: string) => ({ message: 'm', extensions: { code } });
  const body = (value: unknown) => JSON.stringify(value);

  it.each([
    ['no data, its database down', { data: null, errors: [error('SERVICE_UNAVAILABLE')] }],
    ['no data at all, its own bug', { errors: [error('INTERNAL_SERVER_ERROR')] }],
    ['every root field null', { data: { product: null, products: null }, errors: [error('SERVICE_UNAVAILABLE')] }],
    ['every entity null', { data: { _entities: [null, null] }, errors: [error('SERVICE_UNAVAILABLE')] }],
  ])('counts %s as a failed call', (_case, answer) => {
    expect(isFaultAnswer(body(answer))).toBe(true);
  });

  it.each([
    ['data', { data: { product: { name: 'Lamp' } } }],
    ['partial data', { data: { product: null, me: { name: 'A' } }, errors: [error('SERVICE_UNAVAILABLE')] }],
    ['some entities', { data: { _entities: [null, { id: '1' }] }, errors: [error('INTERNAL_SERVER_ERROR')] }],
    ['the client mistake', { data: null, errors: [error('BAD_USER_INPUT')] }],
    ['a refusal', { data: { login: null }, errors: [error('UNAUTHENTICATED')] }],
    ['text that only mentions "errors"', { data: { post: { body: 'say "errors": none' } } }],
  ])('does not count %s', (_case, answer) => {
    expect(isFaultAnswer(body(answer))).toBe(false);
  });

  it('does not count a body that is not JSON', () => {
    expect(isFaultAnswer('{"errors": [')).toBe(false);
  });
});

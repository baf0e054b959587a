import * as fc from 'fast-check';
import type { OperationDefinitionNode } from 'graphql';
import type { CampaignFixtures } from '../fixtures';
import { post, type Category, type HostileRequest } from '../hostile-request';
import { EDIT_KINDS, loadOperations, mutateOperation } from '../operation-mutations';

/**
 * Random edits of the frontend's real operations (schema/operations), with plausible and hostile variables.
 */

type Arbitraries = Partial<Record<Category, fc.Arbitrary<HostileRequest>>>;

/** Values a client would plausibly send for each variable of the real operations, right and wrong. */
function variableValues(f: CampaignFixtures): fc.Arbitrary<Record<string, unknown>> {
  const anything = fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.constantFrom<unknown>({ $gt: '' }, { $ne: null }, [], '', null));
  const plausible = {
    first: fc.oneof(fc.integer({ min: -5, max: 200 }), anything),
    after: fc.oneof(fc.constantFrom(...f.postIds, ...f.productIds), fc.base64String({ maxLength: 40 }), anything),
    input: fc.oneof(
      fc.record({ email: fc.emailAddress(), password: fc.constant(f.canaries.password), name: fc.string({ maxLength: 30 }) }),
      fc.record({
        title: fc.string({ maxLength: 50 }),
        body: fc.string({ maxLength: 200 }),
        tags: fc.array(fc.string({ maxLength: 40 }), { maxLength: 12 }),
      }),
      fc.record({ email: fc.constant(f.users[1]!.email), password: fc.constant(f.canaries.password), rememberMe: fc.boolean() }),
      anything,
    ),
    refreshToken: fc.oneof(fc.constant(f.canaries.refreshToken), anything),
    productId: fc.oneof(fc.constantFrom(...f.productIds), anything),
    quantity: fc.oneof(fc.integer({ min: -10, max: 200 }), anything),
    idempotencyKey: fc.oneof(fc.string({ maxLength: 300 }), anything),
    n: anything,
  };
  return fc.record(plausible, { requiredKeys: [] });
}

function operationMutations(f: CampaignFixtures, operations: readonly OperationDefinitionNode[]): fc.Arbitrary<HostileRequest> {
  const edits = fc.array(fc.record({ kind: fc.constantFrom(...EDIT_KINDS), pick: fc.nat({ max: 10_000 }) }), {
    minLength: 1,
    maxLength: 4,
  });
  const token = fc.constantFrom<string | undefined>(undefined, f.tokens.valid, f.tokens.admin, f.tokens.expired);
  return fc
    .tuple(fc.constantFrom(...operations), edits, variableValues(f), token)
    .map(([operation, chosen, variables, bearer]) =>
      post(
        'operation-mutation',
        `${operation.name?.value ?? 'anonymous'}: ${chosen.map((edit) => edit.kind).join(', ')}`,
        { query: mutateOperation(operation, chosen), variables },
        bearer ? { headers: { authorization: `Bearer ${bearer}` } } : {},
      ),
    );
}

/** The arbitraries of operation-mutation. */
export function operationMutationArbitraries(f: CampaignFixtures): Arbitraries {
  return { 'operation-mutation': operationMutations(f, loadOperations()) };
}

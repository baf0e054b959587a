import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import { getNullableType, GraphQLError, isListType } from 'graphql';
import { getComplexity, simpleEstimator, type ComplexityEstimator } from 'graphql-query-complexity';
import { coerceVariables } from './coerce-variables';
import { createDocumentGuard, type DocumentGuardSettings } from './document-guard';

/** Limits on what one operation may ask; names match the config variables. */
export interface OperationLimitSettings extends DocumentGuardSettings {
  NODE_ENV: string;
  MAX_COST: number;
  /** The size assumed for a list whose `first`/`limit` is not given. */
  DEFAULT_LIST_SIZE: number;
}

const limitError = (message: string, extensions: Record<string, unknown>) =>
  new GraphQLError(message, { extensions: { code: 'OPERATION_LIMIT_EXCEEDED', ...extensions, http: { status: 400 } } });

/** A list costs its items: a field's children count once per item it may return. */
function listSizeEstimator(defaultListSize: number): ComplexityEstimator {
  return ({ args, childComplexity, field }) => {
    if (!isListType(getNullableType(field.type))) return undefined;
    const asked = Number(args.first ?? args.limit ?? defaultListSize);
    const size = Number.isFinite(asked) && asked > 0 ? Math.min(asked, 1_000) : defaultListSize;
    return 1 + childComplexity * size;
  };
}

/**
 * Once Apollo has resolved the operation: refuses subscriptions (this endpoint answers over
 * plain HTTP only), coerces the variables (BAD_USER_INPUT, before anything reads them), then
 * applies the list-aware cost limit. An `operationName` that names no operation is
 * OPERATION_RESOLUTION_FAILURE.
 */
function useOperationChecks(settings: OperationLimitSettings): ApolloServerPlugin {
  const estimators = [listSizeEstimator(settings.DEFAULT_LIST_SIZE), simpleEstimator({ defaultComplexity: 1 })];
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, operation, request, schema }) {
          if (!operation) {
            // Said here: past this point the gateway's executor throws it as a 500.
            const name = request.operationName;
            throw new GraphQLError(
              name
                ? `The document has no operation named "${name.slice(0, 100)}".`
                : 'The document holds several operations: name one with operationName.',
              { extensions: { code: 'OPERATION_RESOLUTION_FAILURE', http: { status: 400 } } },
            );
          }
          if (operation.operation === 'subscription') {
            throw new GraphQLError('Subscriptions are not supported: send queries and mutations over HTTP.', {
              extensions: { code: 'OPERATION_NOT_SUPPORTED', http: { status: 400 } },
            });
          }
          const variables = coerceVariables(schema, operation, request.variables ?? {});
          let cost: number;
          try {
            cost = getComplexity({
              schema,
              query: document,
              variables,
              ...(operation.name ? { operationName: operation.name.value } : {}),
              estimators,
            });
          } catch (error) {
            // The guard bounds the spread-out size first, so this is a last line, not the first.
            if (error instanceof GraphQLError && /number of nodes/.test(error.message)) {
              throw limitError('The operation is too large to estimate.', { limit: 'nodes' });
            }
            throw error;
          }
          if (cost > settings.MAX_COST) {
            throw limitError(
              `The operation would cost ${cost}; at most ${settings.MAX_COST} is allowed (lists count once per item asked for).`,
              { limit: 'cost', cost, max: settings.MAX_COST },
            );
          }
        },
      };
    },
  };
}

/**
 * The gateway's operation limits, all OPERATION_LIMIT_EXCEEDED with HTTP 400 and the limit's
 * name in `extensions.limit`: bytes, tokens, depth, fields, aliases, directives and root
 * fields by the document guard (`screen`, before Apollo parses), the cost once variables are
 * known (a plugin). graphql-armor only hides field suggestions in production.
 */
export function operationLimits(settings: OperationLimitSettings) {
  const armor = new ApolloArmor({
    maxDepth: { enabled: false },
    maxAliases: { enabled: false },
    maxDirectives: { enabled: false },
    maxTokens: { enabled: false },
    costLimit: { enabled: false },
    // Field suggestions ("did you mean...") reveal the schema when introspection is off.
    blockFieldSuggestion: { enabled: settings.NODE_ENV === 'production' },
  });
  const protection = armor.protect();
  return {
    ...protection,
    screen: createDocumentGuard(settings),
    parseOptions: { maxTokens: settings.MAX_TOKENS },
    plugins: [...protection.plugins, useOperationChecks(settings)],
  };
}

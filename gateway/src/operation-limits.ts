import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import { getNullableType, GraphQLError, isListType, Kind, type OperationDefinitionNode, type SelectionSetNode } from 'graphql';
import { getComplexity, simpleEstimator, type ComplexityEstimator } from 'graphql-query-complexity';

/** Limits on what one operation may ask; names match the config variables. */
export interface OperationLimitSettings {
  NODE_ENV: string;
  MAX_DEPTH: number;
  MAX_ALIASES: number;
  MAX_DIRECTIVES: number;
  MAX_TOKENS: number;
  MAX_ROOT_FIELDS: number;
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

function rootFieldCount(
  selectionSet: SelectionSetNode,
  fragments: ReadonlyMap<string, SelectionSetNode>,
  seen = new Set<string>(),
): number {
  let count = 0;
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) count += selection.name.value.startsWith('__') ? 0 : 1;
    else if (selection.kind === Kind.INLINE_FRAGMENT) count += rootFieldCount(selection.selectionSet, fragments, seen);
    else if (!seen.has(selection.name.value)) {
      seen.add(selection.name.value);
      const fragment = fragments.get(selection.name.value);
      if (fragment) count += rootFieldCount(fragment, fragments, seen);
    }
  }
  return count;
}

/** Root fields and a list-aware cost, checked once the operation is known (before any fetch). */
function useCostLimit(settings: OperationLimitSettings): ApolloServerPlugin {
  const estimators = [listSizeEstimator(settings.DEFAULT_LIST_SIZE), simpleEstimator({ defaultComplexity: 1 })];
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, operation, request, schema }) {
          const fragments = new Map(
            document.definitions.flatMap((definition) =>
              definition.kind === Kind.FRAGMENT_DEFINITION ? [[definition.name.value, definition.selectionSet] as const] : [],
            ),
          );
          const roots = rootFieldCount((operation as OperationDefinitionNode).selectionSet, fragments);
          if (roots > settings.MAX_ROOT_FIELDS) {
            throw limitError(`The operation asks for ${roots} root fields; at most ${settings.MAX_ROOT_FIELDS} are allowed.`, {
              limit: 'rootFields',
              max: settings.MAX_ROOT_FIELDS,
            });
          }
          if (roots === 0) return; // introspection only
          const cost = getComplexity({
            schema,
            query: document,
            variables: request.variables ?? {},
            ...(request.operationName ? { operationName: request.operationName } : {}),
            estimators,
          });
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
 * The gateway's operation limits: tokens by graphql's parser (GRAPHQL_PARSE_FAILED), depth,
 * aliases and directives by graphql-armor (GRAPHQL_VALIDATION_FAILED), root fields and a
 * list-aware cost by `useCostLimit` (OPERATION_LIMIT_EXCEEDED); all HTTP 400.
 */
export function operationLimits(settings: OperationLimitSettings) {
  const armor = new ApolloArmor({
    maxDepth: { n: settings.MAX_DEPTH, flattenFragments: true },
    maxAliases: { n: settings.MAX_ALIASES },
    maxDirectives: { n: settings.MAX_DIRECTIVES },
    // Counted by graphql's own parser (parseOptions below): armor's Apollo plugin for tokens
    // throws while parsing, which Apollo answers with a 500 even for a plain syntax error.
    maxTokens: { enabled: false },
    costLimit: { enabled: false },
    // Field suggestions ("did you mean...") reveal the schema when introspection is off.
    blockFieldSuggestion: { enabled: settings.NODE_ENV === 'production' },
  });
  const protection = armor.protect();
  return {
    ...protection,
    parseOptions: { maxTokens: settings.MAX_TOKENS },
    plugins: [...protection.plugins, useCostLimit(settings)],
  };
}

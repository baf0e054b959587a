import { defaultFieldResolver, isObjectType, type DirectiveNode, type GraphQLSchema } from 'graphql';
import type { Identity } from '@supergraph/identity';
import { errors } from './errors';

function directive(
  nodes: ReadonlyArray<{ directives?: readonly DirectiveNode[] | undefined } | null | undefined>,
  name: string,
): DirectiveNode | undefined {
  for (const node of nodes) {
    const found = node?.directives?.find((item) => item.name.value === name);
    if (found) return found;
  }
  return undefined;
}

/** `@requiresScopes(scopes: [["a", "b"], ["c"]])`: any one inner list, all of its scopes. */
function scopesOf(node: DirectiveNode): string[][] {
  const argument = node.arguments?.find((item) => item.name.value === 'scopes');
  if (argument?.value.kind !== 'ListValue') return [];
  return argument.value.values.map((inner) =>
    inner.kind === 'ListValue' ? inner.values.flatMap((value) => (value.kind === 'StringValue' ? [value.value] : [])) : [],
  );
}

/**
 * Enforces Federation's `@authenticated` and `@requiresScopes` where a subgraph declares them (on
 * a field, or on its type for every field): no signed-in user is UNAUTHENTICATED, missing
 * scopes (the user's roles) are FORBIDDEN. The gateway's stock runtime does not enforce them, so
 * each subgraph does, from the identity the gateway signed.
 */
export function enforceAuthDirectives(schema: GraphQLSchema): GraphQLSchema {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    const typeNodes = [type.astNode, ...type.extensionASTNodes];
    for (const field of Object.values(type.getFields())) {
      const nodes = [field.astNode, ...typeNodes];
      const authenticated = directive(nodes, 'authenticated');
      const scoped = directive(nodes, 'requiresScopes');
      if (!authenticated && !scoped) continue;
      const required = scoped ? scopesOf(scoped) : [];
      const resolve = field.resolve ?? defaultFieldResolver;
      field.resolve = (source, args, context: { identity?: Identity }, info) => {
        const identity = context.identity;
        if (!identity?.userId) throw errors.unauthenticated(`Sign in to use ${type.name}.${field.name}.`);
        if (required.length > 0 && !required.some((all) => all.every((scope) => identity.roles.includes(scope)))) {
          throw errors.forbidden(`${type.name}.${field.name} needs ${required.map((all) => all.join(' and ')).join(' or ')}.`);
        }
        return resolve(source, args, context, info);
      };
    }
  }
  return schema;
}

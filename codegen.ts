import type { CodegenConfig } from '@graphql-codegen/cli';

/**
 * Typed resolvers for each subgraph, federation-aware (`__resolveReference`, entity references)
 * and mapped to the subgraph's own mongoose documents, so resolvers never see `any`.
 */
// CODEGEN_OUT_DIR writes the same files under another folder (the freshness test compares them).
const outDir = process.env.CODEGEN_OUT_DIR ? `${process.env.CODEGEN_OUT_DIR.replace(/\/$/, '')}/` : '';

const subgraph = (name: string, mappers: Record<string, string>, contextType: string) => ({
  [`${outDir}subgraphs/${name}/src/__generated__/resolvers-types.ts`]: {
    schema: `subgraphs/${name}/schema.graphql`,
    plugins: ['typescript', 'typescript-resolvers'],
    config: {
      federation: true,
      useIndexSignature: true,
      contextType,
      mappers,
      // Mapper types are imported as `<Name>Entity`, apart from the generated GraphQL types.
      mapperTypeSuffix: 'Entity',
      scalars: { DateTime: 'Date' },
      enumsAsTypes: true,
      useTypeImports: true,
      avoidOptionals: { field: true, inputValue: false, object: false, defaultValue: false },
      maybeValue: 'T | null',
      inputMaybeValue: 'T | null | undefined',
    },
  },
});

const all = {
  ...subgraph('auth', { User: '../users/model#User' }, '../context#AuthContext'),
  ...subgraph('posts', { Post: '../posts/model#Post', User: '../posts/model#UserReference' }, '../context#PostsContext'),
  ...subgraph(
    'cart',
    {
      Product: '../products/model#Product',
      Cart: '../carts/model#Cart',
      CartItem: '../carts/model#CartItemView',
      Order: '../orders/model#Order',
      OrderLine: '../orders/model#OrderLineRecord',
      User: '../carts/model#UserReference',
    },
    '../context#CartContext',
  ),
};

/**
 * The frontend's operations (schema/operations), typed against the supergraph by the client
 * preset, with a manifest of their sha256 hashes: the gateway's trusted documents.
 */
const client = {
  [`${outDir}schema/client/`]: {
    preset: 'client' as const,
    schema: 'schema/supergraph.graphql',
    documents: ['schema/operations/**/*.graphql'],
    presetConfig: {
      fragmentMasking: false,
      persistedDocuments: { mode: 'embedHashInDocument' as const, hashAlgorithm: 'sha256' as const },
    },
    config: { scalars: { DateTime: 'string' }, enumsAsTypes: true, useTypeImports: true },
  },
};

// `CODEGEN_SUBGRAPH=posts` generates one subgraph's types (its Nx target); unset generates all.
const only = process.env.CODEGEN_SUBGRAPH;
const config: CodegenConfig = {
  overwrite: true,
  generates: only
    ? Object.fromEntries(Object.entries(all).filter(([output]) => output.startsWith(`${outDir}subgraphs/${only}/`)))
    : { ...all, ...client },
};

export default config;

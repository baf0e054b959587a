import type { CodegenConfig } from '@graphql-codegen/cli';
import { listSubgraphs } from '@supergraph/registry';

/**
 * Typed resolvers for each subgraph of the registry, federation-aware (`__resolveReference`,
 * entity references), with each GraphQL type mapped to the plain object its store returns (the
 * `codegen.mappers` of its subgraph.json), so resolvers never see `any`.
 */
// CODEGEN_OUT_DIR writes the same files under another folder (the freshness test compares them).
const outDir = process.env.CODEGEN_OUT_DIR ? `${process.env.CODEGEN_OUT_DIR.replace(/\/$/, '')}/` : '';

// `CODEGEN_SUBGRAPH=posts` generates one subgraph's types (its Nx target); unset generates all.
const only = process.env.CODEGEN_SUBGRAPH;
const subgraphs = listSubgraphs().filter((subgraph) => !only || subgraph.name === only);
if (only && subgraphs.length === 0) throw new Error(`CODEGEN_SUBGRAPH=${only} names no subgraph (subgraphs/*/subgraph.json)`);

const resolverTypes = Object.fromEntries(
  subgraphs.map(({ dir, codegen }) => [
    `${outDir}${dir}/src/__generated__/resolvers-types.ts`,
    {
      schema: `${dir}/schema.graphql`,
      plugins: ['typescript', 'typescript-resolvers'],
      config: {
        federation: true,
        useIndexSignature: true,
        contextType: codegen.contextType,
        mappers: codegen.mappers,
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
  ]),
);

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

const config: CodegenConfig = {
  overwrite: true,
  generates: only ? resolverTypes : { ...resolverTypes, ...client },
};

export default config;

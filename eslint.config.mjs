import { defineConfig } from 'eslint/config';
import { require as requireTs } from 'tsx/cjs/api';
import tseslint from 'typescript-eslint';

// The subgraph registry (subgraphs/*/subgraph.json), through its one TypeScript reader.
/** @type {typeof import('./libs/registry/src')} */
const registry = requireTs('./libs/registry/src/index.ts', import.meta.url);
const SUBGRAPHS = registry.listSubgraphs().map((subgraph) => subgraph.name);

/** House rules: libs never import apps; apps meet only through the supergraph. */
const restrict = (files, group, message) => ({
  files,
  rules: { 'no-restricted-imports': ['error', { patterns: [{ group, message }] }] },
});

export default defineConfig(
  {
    ignores: [
      '**/dist/**',
      '**/__generated__/**',
      'schema/client/**',
      '**/node_modules/**',
      '.tools/**',
      '.data/**',
      '.nx/**',
      'coverage/**',
    ],
  },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
    },
  },
  {
    // Tests may use non-null assertions on answers they have just checked.
    files: ['**/*.test.ts', '**/test/**/*.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
  restrict(
    ['libs/**/src/**/*.ts'],
    ['**/subgraphs/**', '**/gateway/**', '@supergraph/subgraph-*', '@supergraph/gateway'],
    'libs never import apps',
  ),
  restrict(
    ['gateway/src/**/*.ts'],
    ['**/subgraphs/**', '@supergraph/subgraph-*'],
    'the gateway never imports a subgraph: they meet through the supergraph',
  ),
  ...SUBGRAPHS.map((name) =>
    restrict(
      [`subgraphs/${name}/src/**/*.ts`],
      [
        ...SUBGRAPHS.filter((other) => other !== name).flatMap((other) => [
          `**/${other}/src/**`,
          `@supergraph/subgraph-${other}`,
        ]),
        '**/gateway/**',
      ],
      'a subgraph never imports another subgraph or the gateway: they meet through entity keys',
    ),
  ),
);

import js from '@eslint/js';
import graphql from '@graphql-eslint/eslint-plugin';
import tseslint from 'typescript-eslint';

const code = ['**/*.{js,mjs,cjs,ts,mts,cts,tsx}'];

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/generated/**',
      '**/__generated__/**',
      '**/dist/**',
      'apps/web/dist/**',
      'packages/rpc/src/gen/**',
    ],
  },
  // JavaScript and TypeScript rules for code only: a .graphql file has no JavaScript in it.
  { files: code, ...js.configs.recommended },
  ...tseslint.configs.recommended.map((config) => (config.files ? config : { files: code, ...config })),
  {
    // Every subgraph's SDL documents itself, so Apollo Sandbox documents the whole API: every type,
    // field, argument, input field, enum value and directive has a description (issue 21).
    files: ['subgraphs/*/src/schema.graphql'],
    languageOptions: { parser: graphql.parser },
    plugins: { '@graphql-eslint': graphql },
    rules: {
      '@graphql-eslint/require-description': [
        'error',
        {
          types: true,
          FieldDefinition: true,
          InputValueDefinition: true,
          EnumValueDefinition: true,
          DirectiveDefinition: true,
        },
      ],
    },
  },
  {
    files: code,
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // Plain scripts that run with node in the image (compose healthchecks).
    files: ['deploy/**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', fetch: 'readonly', AbortSignal: 'readonly' } },
  },
  {
    files: ['tests/**', '**/*.test.ts', '**/*.e2e.ts', 'bench/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off', '@typescript-eslint/no-non-null-assertion': 'off' },
  },
);

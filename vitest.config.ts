import { defineConfig } from 'vitest/config';

export default defineConfig({
  // graphql 16 ships CJS and ESM builds; Node loads the CJS one for everybody (Apollo's packages
  // are CJS), so tests must too, or schemas cross "realms" and graphql-js refuses them.
  resolve: { alias: [{ find: /^graphql$/, replacement: 'graphql/index.js' }] },
  test: {
    include: ['**/*.test.ts', '**/*.e2e.ts'],
    exclude: ['**/node_modules/**', '**/dist/**'],
    globalSetup: ['tests/support/globalSetup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two cores: keep one worker per core; each test file starts its own in-process stack.
    maxWorkers: 2,
  },
});

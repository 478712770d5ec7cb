import { defineConfig } from 'vitest/config';

// The package's own tests, on their own (`npm test -w @duban/fake-telegram`): no database, no
// global setup. The repository's `npm test` runs them too, through config/vitest.config.ts.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
  },
});

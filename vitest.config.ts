import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['**/*.test.ts', '**/*.test.tsx'],
    exclude: ['node_modules/**', 'web/app/dist/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two cores: files run two at a time; end-to-end files start their own processes.
    maxWorkers: 2,
  },
});

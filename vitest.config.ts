import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts', 'test/interop/**/*.test.ts', 'test/fuzz/**/*.test.ts', 'test/site/**/*.test.ts'],
    testTimeout: 20000,
    pool: 'forks',
  },
});

import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['app/**/*.test.ts', 'app/**/*.test.tsx'],
    environment: 'node',
    setupFiles: ['app/testSetup.ts'],
    // Property tests run long random sequences; keep them deterministic in CI.
    testTimeout: 60_000,
  },
});

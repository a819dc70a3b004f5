import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // real sockets and real gRPC: keep the 2-core CI machine from oversubscribing
    maxWorkers: 2,
  },
});

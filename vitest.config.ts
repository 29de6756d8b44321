import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    alias: { tsflow: fileURLToPath(new URL('./src/index.ts', import.meta.url)) },
  },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    pool: 'forks',
    // vitest's default (cores − 1) is a single worker on a 2-core machine; most test files wait on
    // subprocesses, workers, the GPU driver or a browser for much of their time, so two files at once
    // roughly halve the suite's wall time there
    maxWorkers: Math.max(2, availableParallelism() - 1),
  },
});

import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'scripts/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // ONNX sessions use native threads; forks keep them isolated per test file.
    pool: 'forks',
    // CI also keeps a machine-readable report, from which .ci/run prints the plain closing line
    reporters: process.env.CI ? ['default', 'json'] : ['default'],
    outputFile: { json: 'artifacts/vitest-report.json' },
  },
});

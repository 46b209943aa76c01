import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    reporters: ['default', './tests/support/summary-reporter.ts'],
    projects: [
      {
        test: {
          name: 'unit',
          include: [
            'hub-proxy/src/**/*.test.ts',
            'extensions/*/src/**/*.test.ts',
            'admin-ui/src/**/*.test.ts',
            'scripts/**/*.test.ts',
            'bench/**/*.test.ts',
            'tests/contract/**/*.test.ts',
            'eslint/**/*.test.ts',
          ],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'integration',
          // tests/chart and tests/images are also `npm run test:chart`.
          include: [
            'tests/integration/**/*.test.ts',
            'tests/chart/**/*.test.ts',
            'tests/images/**/*.test.ts',
          ],
          globalSetup: ['tests/integration/global-setup.ts'],
          testTimeout: 180_000,
          hookTimeout: 180_000,
          // Two cores: files share one control plane and run one at a time.
          fileParallelism: false,
        },
      },
    ],
  },
});

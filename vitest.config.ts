import { defineConfig } from 'vitest/config';

// Unit, integration and desktop-shell tests (Electron faked): plain Node, no browser. E2E has its own config.
export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts', 'test/desktop/**/*.test.ts'],
    environment: 'node',
    testTimeout: 20_000,
    hookTimeout: 30_000,
    pool: 'forks',
    reporters: ['default'],
  },
});

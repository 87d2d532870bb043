import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Lives in scripts/ to keep the top level to what the layout fixes; paths are from the package root.
export default defineConfig({
  root: fileURLToPath(new URL('..', import.meta.url)),
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    setupFiles: ['test/setup.ts'],
    testTimeout: 60_000,
  },
});

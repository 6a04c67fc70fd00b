import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

const alias = { '#shared': fileURLToPath(new URL('./shared', import.meta.url)) }

// Four layers: unit (domain functions on an in-memory SQLite database, or a fresh
// PostgreSQL database when TEST_DATABASE_URL is set), api (a built server over real HTTP),
// platforms (the serverless builds: their handlers called with real events, their
// generated configs) and browser (Chromium clicking through real pages). Each build is made
// once per run, when a source is newer (tests/helpers/build.ts).
export default defineConfig({
  resolve: { alias },
  test: {
    projects: [
      {
        resolve: { alias },
        test: { name: 'unit', include: ['tests/unit/**/*.test.ts'], environment: 'node', testTimeout: 20_000, hookTimeout: 60_000 },
      },
      {
        resolve: { alias },
        test: { name: 'api', include: ['tests/api/**/*.test.ts'], environment: 'node', globalSetup: ['tests/helpers/global-setup.ts'], testTimeout: 30_000, hookTimeout: 90_000 },
      },
      {
        resolve: { alias },
        test: { name: 'platforms', include: ['tests/platforms/**/*.test.ts'], environment: 'node', globalSetup: ['tests/helpers/platforms-setup.ts'], fileParallelism: false, testTimeout: 60_000, hookTimeout: 90_000 },
      },
      {
        resolve: { alias },
        test: { name: 'browser', include: ['tests/browser/**/*.test.ts'], environment: 'node', globalSetup: ['tests/helpers/global-setup.ts'], fileParallelism: false, testTimeout: 60_000, hookTimeout: 90_000 },
      },
    ],
  },
})

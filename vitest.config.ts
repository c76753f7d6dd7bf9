import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // The whole suite leaves what it wrote in one directory, read for personal data once it has ended.
    globalSetup: ["test/support/scanAfterSuite.ts"],
    setupFiles: ["test/support/writeChainsAfterFile.ts"],
  },
});

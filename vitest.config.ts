import { configDefaults, defineConfig } from "vitest/config";
import { EXTERNAL_TESTS } from "./test/externalSuite.ts";

/** What `hardhat` and Hardhat's EDR resolve to in the external project: any use of them fails. */
const refused = new URL("./test/support/noInProcessNetwork.ts", import.meta.url).pathname;

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // The whole suite leaves what it wrote in one directory, read for personal data once it has ended.
    globalSetup: ["test/support/scanAfterSuite.ts"],
    setupFiles: ["test/support/writeChainsAfterFile.ts"],
    projects: [
      {
        extends: true,
        test: { name: "unit", include: ["test/**/*.test.ts"], exclude: [...configDefaults.exclude, ...EXTERNAL_TESTS] },
      },
      // npm run test:external (vitest run --project external): chains as processes of their own, JSON-RPC only.
      {
        extends: true,
        resolve: {
          alias: [
            { find: /^hardhat$/, replacement: refused },
            { find: /^@nomicfoundation\/edr$/, replacement: refused },
          ],
        },
        test: { name: "external", include: EXTERNAL_TESTS },
      },
    ],
  },
});

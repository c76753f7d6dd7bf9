// node scripts/build.ts: compiles the contracts when they (or the compiler settings, or the installed packages) changed
// since the last build, and does nothing otherwise. The npm scripts that need the compiled contracts run it first.
import { ensureContractsBuilt } from "./lib/contractsBuild.ts";
import { projectRoot } from "./lib/paths.ts";

ensureContractsBuilt(projectRoot).catch((error: unknown) => {
  console.error(`error: ${(error as Error).message}`);
  process.exit(1);
});

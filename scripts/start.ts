// npm start: the embedded default. The contracts compiled if they changed since the last build, then the system
// started (scripts/lib/startSystem.ts). Ctrl-C stops everything cleanly.
import { runCli } from "./lib/cli.ts";
import { ensureContractsBuilt } from "./lib/contractsBuild.ts";
import { projectRoot } from "./lib/paths.ts";
import { ensureWebPage } from "./lib/webBuild.ts";

const startedAt = Date.now();

runCli(async () => {
  const build = await ensureContractsBuilt(projectRoot);
  const webSeconds = await ensureWebPage(projectRoot);
  if (webSeconds > 0) console.log(`web page built in ${webSeconds.toFixed(1)} s`);
  // Imported only now: the system's modules import the types that the build generates.
  const { startSystem } = await import("./lib/startSystem.ts");
  await startSystem({ startedAt, compileSeconds: build.seconds });
});

// npm run cluster -- [--department a,b,c | --all]: the local chain, and each department's gateway as its own OS
// process on its own port (scripts/lib/cluster/). Ctrl-C stops everything cleanly.
import { parseFlags, runCli } from "./lib/cli.ts";
import { ensureContractsBuilt } from "./lib/contractsBuild.ts";
import { projectRoot } from "./lib/paths.ts";
import { ensureWebPage } from "./lib/webBuild.ts";

const startedAt = Date.now();

runCli(async () => {
  const flags = parseFlags(
    { department: { type: "string", multiple: true }, all: { type: "boolean" } },
    "npm run cluster -- [--department <code>[,<code>]…]... | [--all]",
  );
  const build = await ensureContractsBuilt(projectRoot);
  const webSeconds = await ensureWebPage(projectRoot);
  if (webSeconds > 0) console.log(`web page built in ${webSeconds.toFixed(1)} s`);
  // Imported only now: the system's modules import the types that the build generates.
  const { runCluster } = await import("./lib/cluster/runCluster.ts");
  await runCluster({ ...flags, startedAt, compileSeconds: build.seconds });
});

// npm run gateway -- [--department <code>]... : a gateway process on its own, against the chain the data dir records.
import { loadCatalogue } from "../lib/catalogue/loadCatalogue.ts";
import { recordedDeployment } from "../lib/chain/deploymentStore.ts";
import { serveGateway } from "../services/gateway/src/serve.ts";
import { connectProvider, resolveNetwork } from "./lib/chainConnection.ts";
import { onStopSignal, parseFlags, runCli } from "./lib/cli.ts";
import { seedsDir } from "./lib/paths.ts";
import { localSystem } from "./lib/runningSystem.ts";

runCli(async () => {
  const flags = parseFlags(
    { department: { type: "string", multiple: true }, network: { type: "string" } },
    "npm run gateway -- [--department <code>]... [--network local|<network>|<rpc-url>[,<rpc-url>...]]",
  );
  const catalogue = await loadCatalogue(seedsDir);
  const codes = flags.department?.flatMap((d) => d.split(",")) ?? catalogue.departments.map((d) => d.code);
  const unknown = codes.filter((code) => !catalogue.departments.some((d) => d.code === code));
  if (unknown.length > 0) throw new Error(`unknown department: ${unknown.join(", ")} (see seeds/departments.json)`);
  const system = localSystem();
  const target = resolveNetwork(flags.network, system);
  const provider = await connectProvider(target.rpcUrl, target);
  const record = await recordedDeployment(provider, system.dataDir);
  const serving = await serveGateway({ provider, deployment: record, catalogue, dataDir: system.dataDir, codes });
  console.log(
    `gateway for ${codes.length} department(s) at ${serving.url}/departments/<code> (API docs: ${serving.url}/docs)`,
  );
  if (serving.devKeysFile) console.log(`dev API keys: ${serving.devKeysFile}`);
  const stop = async () => {
    await serving.close();
    provider.destroy();
    process.exit(0);
  };
  onStopSignal(stop);
});

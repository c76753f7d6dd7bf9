// npm run status -- [--json] [--network ...]: what is live on the chain, for operators and scripts.

import { loadCatalogue } from "../lib/catalogue/loadCatalogue.ts";
import { recordedDeployment } from "../lib/chain/deploymentStore.ts";
import { nodeLabels } from "../lib/chain/failoverProvider.ts";
import { connectProvider, resolveNetwork } from "./lib/chainConnection.ts";
import { formatChainStatus, readChainStatus } from "./lib/chainStatus.ts";
import { parseFlags, runCli } from "./lib/cli.ts";
import { seedsDir } from "./lib/paths.ts";
import { localSystem } from "./lib/runningSystem.ts";

runCli(async () => {
  const flags = parseFlags(
    { network: { type: "string" }, json: { type: "boolean", default: false } },
    "npm run status -- [--json] [--network local|<network>|<rpc-url>[,<rpc-url>...]]",
  );
  const system = localSystem();
  const target = resolveNetwork(flags.network, system);
  const provider = await connectProvider(target.rpcUrl, target);
  try {
    const record = await recordedDeployment(provider, system.dataDir);
    const status = await readChainStatus(provider, record, nodeLabels(target.rpcUrl), await loadCatalogue(seedsDir));
    console.log(flags.json ? JSON.stringify(status) : formatChainStatus(status));
  } finally {
    provider.destroy();
  }
});

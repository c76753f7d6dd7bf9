// npm run status -- [--json] [--network ...]: what is live on the chain, for operators and scripts.

import {
  DeploymentMismatchError,
  deploymentFile,
  deploymentProblems,
  readDeployment,
} from "../lib/chain/deploymentStore.ts";
import { connectProvider, resolveNetwork } from "./lib/chainConnection.ts";
import { formatChainStatus, readChainStatus } from "./lib/chainStatus.ts";
import { parseFlags, runCli } from "./lib/cli.ts";
import { dataDir } from "./lib/paths.ts";

runCli(async () => {
  const flags = parseFlags(
    { network: { type: "string" }, json: { type: "boolean", default: false } },
    "npm run status -- [--json] [--network local|<rpc-url>]",
  );
  const target = resolveNetwork(flags.network);
  const provider = await connectProvider(target.rpcUrl);
  try {
    const { chainId } = await provider.getNetwork();
    const record = readDeployment(dataDir(), chainId);
    if (!record) throw new Error(`nothing is deployed on chain ${chainId} (no ${deploymentFile(dataDir(), chainId)})`);
    const problems = await deploymentProblems(provider, record);
    if (problems.length > 0) throw new DeploymentMismatchError(deploymentFile(dataDir(), chainId), problems);
    const status = await readChainStatus(provider, record, target.rpcUrl);
    console.log(flags.json ? JSON.stringify(status) : formatChainStatus(status));
  } finally {
    provider.destroy();
  }
});

// npm run deploy -- [--network local|<network>|<rpc-url>[,<rpc-url>...]]: deploys the registries once per chain and records where.

import { deploymentFile, ensureDeployment } from "../lib/chain/deploymentStore.ts";
import { connectProvider, resolveNetwork } from "./lib/chainConnection.ts";
import { parseFlags, runCli } from "./lib/cli.ts";
import { operatorSigner } from "./lib/operatorSigner.ts";
import { localSystem } from "./lib/runningSystem.ts";

runCli(async () => {
  const flags = parseFlags(
    { network: { type: "string" } },
    "npm run deploy -- [--network local|<network>|<rpc-url>[,<rpc-url>...]]",
  );
  const system = localSystem();
  const target = resolveNetwork(flags.network, system);
  const provider = await connectProvider(target.rpcUrl, target);
  try {
    const operator = await operatorSigner(provider, system.dataDir);
    const { record, deployed } = await ensureDeployment(provider, operator.signer, system.dataDir);
    const file = deploymentFile(system.dataDir, record.chainId);
    console.log(
      deployed
        ? `deployed to chain ${record.chainId}; recorded in ${file}`
        : `already deployed on chain ${record.chainId} (${file}); nothing sent`,
    );
    console.log(`  operator ${operator.address} (${operator.source} key)`);
    for (const [name, address] of Object.entries(record.registries)) console.log(`  ${name.padEnd(26)} ${address}`);
    console.log(`  ${"RegistryDirectory".padEnd(26)} ${record.directory}`);
    console.log(`  ${"DistrictAccessManager".padEnd(26)} ${record.accessManager}`);
  } finally {
    provider.destroy();
  }
});

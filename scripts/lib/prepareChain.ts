// The steps npm start and npm run cluster share before any gateway runs: a persistent local chain (unless
// CHAIN_RPC_URL names one), the registries deployed once, the department keys funded, the catalogue seeded.
import type { JsonRpcProvider } from "ethers";
import type { Catalogue } from "../../lib/catalogue/schemas.ts";
import { type DeploymentRecord, ensureDeployment, readDeployment } from "../../lib/chain/deploymentStore.ts";
import { nodeLabels } from "../../lib/chain/failoverProvider.ts";
import { connectRegistries } from "../../lib/chain/registries.ts";
import { connectProvider } from "./chainConnection.ts";
import { formatChainStatus, readChainStatus } from "./chainStatus.ts";
import { progress } from "./cli.ts";
import { devDepartmentSigners } from "./devDepartments.ts";
import { startLocalChain } from "./localChain.ts";
import { operatorSigner } from "./operatorSigner.ts";
import { dataDir } from "./paths.ts";
import { formatSeedReport, seedCatalogue, seedProgress } from "./seed/seedCatalogue.ts";
import type { StopList } from "./stopList.ts";

export interface PreparedChain {
  rpcUrl: string;
  provider: JsonRpcProvider;
  deployment: DeploymentRecord;
  /** How the operator's key was found: "dev" on the local chain without one given. */
  keys: "dev" | "environment" | "keystore";
}

const seconds = (since: number) => `${((Date.now() - since) / 1000).toFixed(1)} s`;

/** Starts the local chain, if no CHAIN_RPC_URL is set, and stops everything if it exits by itself. */
async function chainUrl(stops: StopList): Promise<string> {
  const given = process.env.CHAIN_RPC_URL;
  if (given) {
    console.log(`using the chain at ${nodeLabels(given)} (CHAIN_RPC_URL); nothing local is started`);
    return given;
  }
  const chain = await startLocalChain({
    dataDir: dataDir(),
    port: Number(process.env.CHAIN_PORT ?? 8545),
    onExit: (code) => {
      // Ctrl-C reaches the chain as well as this process: an exit while stopping was asked for.
      if (stops.stopping) return;
      console.error(`the local chain exited unexpectedly (code ${code}); stopping`);
      void stops.shutdown(1);
    },
  });
  stops.add(() => chain.stop());
  console.log(`local chain started at ${chain.rpcUrl} (state in ${dataDir()}/chain)`);
  return chain.rpcUrl;
}

/**
 * Everything up to a seeded chain, printing each step. Endpoints are no part of the seed: each gateway registers its
 * own departments' on start (services/gateway/src/chain/registerEndpoints.ts), where it knows where it listens.
 */
export async function prepareChain(catalogue: Catalogue, stops: StopList): Promise<PreparedChain> {
  const rpcUrl = await chainUrl(stops);
  const provider = await connectProvider(rpcUrl);
  stops.add(() => provider.destroy());
  const codes = catalogue.departments.map((d) => d.code);
  const operator = await operatorSigner(provider, dataDir(), codes);
  const deployStarted = Date.now();
  const { chainId } = await provider.getNetwork();
  if (!readDeployment(dataDir(), chainId)) console.log(`deploying the registries on chain ${chainId}…`);
  const { record, deployed } = await ensureDeployment(provider, operator.signer, dataDir(), { sameChainOnly: true });
  console.log(
    deployed
      ? `registries deployed on chain ${record.chainId} in ${seconds(deployStarted)}`
      : `registries found on chain ${record.chainId}`,
  );
  const signers = operator.source === "dev" ? await devDepartmentSigners(provider, dataDir(), codes) : undefined;
  console.log("seed: comparing the catalogue with the chain…");
  const shown = progress("seeding");
  const report = await seedCatalogue(catalogue, connectRegistries(record, operator.signer), {
    update: false,
    signers,
    onProgress: seedProgress(shown),
  }).finally(() => shown.stop());
  console.log(formatSeedReport(report, false));
  console.log(formatChainStatus(await readChainStatus(provider, record, nodeLabels(rpcUrl))));
  return { rpcUrl, provider, deployment: record, keys: operator.source };
}

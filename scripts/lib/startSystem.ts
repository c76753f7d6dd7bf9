// What npm start runs once the contracts are built: a persistent local chain (unless CHAIN_RPC_URL names one), the
// registries deployed once and the catalogue seeded, the gateway hosting every department; then what is live is printed.

import { loadCatalogue } from "../../lib/catalogue/loadCatalogue.ts";
import { ensureDeployment, readDeployment } from "../../lib/chain/deploymentStore.ts";
import { connectRegistries } from "../../lib/chain/registries.ts";
import { processSettings } from "../../services/gateway/src/config.ts";
import { departmentEndpoint, serveGateway } from "../../services/gateway/src/serve.ts";
import { connectProvider } from "./chainConnection.ts";
import { formatChainStatus, readChainStatus } from "./chainStatus.ts";
import { onStopSignal, progress } from "./cli.ts";
import { devDepartmentSigners } from "./devDepartments.ts";
import { type LocalChain, startLocalChain } from "./localChain.ts";
import { operatorSigner } from "./operatorSigner.ts";
import { dataDir, seedsDir } from "./paths.ts";
import { recordRunning } from "./runningSystem.ts";
import { formatSeedReport, seedCatalogue, seedProgress } from "./seed/seedCatalogue.ts";

const stops: (() => Promise<void>)[] = [];
let stopping = false;

async function shutdown(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    if (stops.length > 0) console.log("stopping…");
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    if (code === 0) console.log(`stopped; the chain and the gateways' data stay in ${dataDir()} for the next start`);
  }
  process.exit(code);
}

const seconds = (since: number) => `${((Date.now() - since) / 1000).toFixed(1)} s`;

export interface StartTimes {
  /** When npm start began, so that "ready in" counts the whole start. */
  startedAt: number;
  /** How long the contracts took to compile before this (0 when nothing changed). */
  compileSeconds: number;
}

export async function startSystem({ startedAt, compileSeconds }: StartTimes): Promise<void> {
  onStopSignal(() => shutdown(0));
  const catalogue = await loadCatalogue(seedsDir);
  let rpcUrl = process.env.CHAIN_RPC_URL;
  if (!rpcUrl) {
    const chain: LocalChain = await startLocalChain({
      dataDir: dataDir(),
      port: Number(process.env.CHAIN_PORT ?? 8545),
      onExit: (code) => {
        console.error(`the local chain exited unexpectedly (code ${code}); stopping`);
        void shutdown(1);
      },
    });
    stops.push(() => chain.stop());
    rpcUrl = chain.rpcUrl;
    console.log(`local chain started at ${rpcUrl} (state in ${dataDir()}/chain)`);
  } else {
    console.log(`using the chain at ${rpcUrl} (CHAIN_RPC_URL); nothing local is started`);
  }
  const provider = await connectProvider(rpcUrl);
  stops.push(async () => provider.destroy());
  const codes = catalogue.departments.map((d) => d.code);
  const operator = await operatorSigner(provider, dataDir(), codes);
  try {
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
    const { publicUrl } = processSettings();
    const endpoints = Object.fromEntries(codes.map((code) => [code, departmentEndpoint(publicUrl, code)]));
    console.log("seed: comparing the catalogue with the chain…");
    const shown = progress("seeding");
    const report = await seedCatalogue(catalogue, connectRegistries(record, operator.signer), {
      update: false,
      signers,
      endpoints,
      onProgress: seedProgress(shown),
    }).finally(() => shown.stop());
    console.log(formatSeedReport(report, false));
    console.log(formatChainStatus(await readChainStatus(provider, record, rpcUrl)));
    const serving = await serveGateway({ provider, deployment: record, catalogue, dataDir: dataDir(), codes });
    stops.push(() => serving.close());
    console.log(
      `gateway: ${codes.length} departments at ${serving.url}/departments/<code>; API docs at ${serving.url}/docs`,
    );
    if (serving.devKeysFile) console.log(`dev API keys (one per department and role): ${serving.devKeysFile}`);
    // Other terminals reach a gateway listening on every interface through the loopback address.
    const gatewayUrl = serving.url.replace(/\/\/(0\.0\.0\.0|\[::\]):/, "//127.0.0.1:");
    const recorded = recordRunning({ chainRpcUrl: rpcUrl, gatewayUrl, dataDir: dataDir() });
    if ("release" in recorded) {
      stops.push(async () => recorded.release());
    } else {
      console.log(
        `note: another npm start of this checkout (pid ${recorded.other.pid}, data in ${recorded.other.dataDir}) is running; ` +
          "commands from other terminals find that one, not this one, unless given this one's CHAIN_PORT, GATEWAY_PORT and ONCECHAIN_DATA_DIR",
      );
    }
  } catch (error) {
    console.error(`error: ${(error as Error).message}`);
    await shutdown(1);
  }
  const compiled = compileSeconds > 0 ? ` (${compileSeconds.toFixed(1)} s of it compiling the contracts)` : "";
  console.log(`ready in ${seconds(startedAt)}${compiled}. Ctrl-C stops everything.`);
}

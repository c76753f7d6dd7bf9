// What npm run cluster runs once the contracts are built: the chain prepared as for npm start, then each department's
// gateway as its own OS process on its own port, the lot recorded for other terminals.
import { loadCatalogue } from "../../../lib/catalogue/loadCatalogue.ts";
import { LOCAL_CHAIN_ID } from "../../../lib/chain/devKeys.ts";
import { ApiKeyFile } from "../../../services/gateway/src/auth/apiKeys.ts";
import { ensureDevApiKeys } from "../../../services/gateway/src/auth/devApiKeys.ts";
import { connectProvider } from "../chainConnection.ts";
import { devApiKeysFile } from "../devApiKeys.ts";
import { dataDir, seedsDir } from "../paths.ts";
import { prepareChain } from "../prepareChain.ts";
import { recordRunning, refuseIfRunning } from "../runningSystem.ts";
import { readyLine, type StartTimes } from "../startSystem.ts";
import { type StopList, stopList } from "../stopList.ts";
import { chooseDepartments, DEFAULT_BASE_PORT, departmentPort } from "./departments.ts";
import { type GatewayProcess, startGatewayProcess } from "./gatewayProcess.ts";

export interface ClusterOptions extends StartTimes {
  department?: string[];
  all?: boolean;
}

function basePort(): number {
  const raw = process.env.CLUSTER_BASE_PORT;
  if (raw === undefined || raw === "") return DEFAULT_BASE_PORT;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65_000) {
    throw new Error(`CLUSTER_BASE_PORT must be a port number (it is "${raw}")`);
  }
  return port;
}

/** Before anything is deployed or seeded there: every department of a cluster runs on dev keys. */
async function refuseOtherChains(): Promise<void> {
  const given = process.env.CHAIN_RPC_URL;
  if (!given) return;
  const provider = await connectProvider(given);
  try {
    const { chainId } = await provider.getNetwork();
    if (chainId === BigInt(LOCAL_CHAIN_ID)) return;
    throw new Error(
      `chain ${chainId} (CHAIN_RPC_URL) is not a development chain: npm run cluster runs every department on dev ` +
        "keys. A department runs its own gateway with npm run gateway -- --department <code> and its keys in the environment",
    );
  } finally {
    provider.destroy();
  }
}

/**
 * A gateway that dies while the others run is reported and left down: its departments' materials then read "could not
 * be checked now" in the others' answers, which is what a department being down looks like, and the rest goes on.
 */
function watch(gateways: GatewayProcess[], stops: StopList): void {
  let alive = gateways.length;
  for (const gateway of gateways) {
    void gateway.exited.then(({ code, signal }) => {
      if (stops.stopping) return;
      alive--;
      console.error(
        `the gateway of ${gateway.code} (pid ${gateway.pid}) exited unexpectedly (${signal ?? `code ${code}`}); ` +
          `the other departments keep running and give its materials as "could not be checked now". Its log ` +
          `(${gateway.logFile}) ends:\n${gateway.tail()}`,
      );
      if (alive === 0) {
        console.error("no gateway is left; stopping");
        void stops.shutdown(1);
      }
    });
  }
}

export async function runCluster(options: ClusterOptions): Promise<void> {
  refuseIfRunning("npm run cluster", dataDir());
  const catalogue = await loadCatalogue(seedsDir);
  const codes = chooseDepartments(catalogue, options);
  const base = basePort();
  await refuseOtherChains();
  const stops = stopList();
  const gateways: GatewayProcess[] = [];
  try {
    const { rpcUrl } = await prepareChain(catalogue, stops);
    // Added after the chain's, so stopped before it: the chain outlives the gateways that write to it.
    stops.add(() => Promise.all(gateways.map((g) => g.stop())).then(() => undefined));
    // Made here, before the processes start, so that they find their keys and none writes the shared file at once.
    await ensureDevApiKeys(
      codes.map((code) => ({ code, apiKeys: new ApiKeyFile(`${dataDir()}/gateway/${code}/api-keys.json`, code) })),
      devApiKeysFile(dataDir()),
    );
    console.log(`starting ${codes.length} gateway processes, one per department…`);
    const spawnedAt = Date.now();
    const started = await Promise.allSettled(
      codes.map((code) =>
        startGatewayProcess({ code, port: departmentPort(catalogue, code, base), rpcUrl, dataDir: dataDir() }),
      ),
    );
    for (const result of started) if (result.status === "fulfilled") gateways.push(result.value);
    const failed = started.flatMap((r) => (r.status === "rejected" ? [(r.reason as Error).message] : []));
    if (failed.length > 0) throw new Error(failed.join("\n"));
    watch(gateways, stops);
    const width = Math.max(...codes.map((c) => c.length));
    const took = ((Date.now() - spawnedAt) / 1000).toFixed(1);
    console.log(
      `department gateways, up in ${took} s (each its own process, its endpoint on chain set by its own key):`,
    );
    for (const g of gateways) {
      console.log(`  ${g.code.padEnd(width)}  ${g.url}/departments/${g.code}  (pid ${g.pid}, log ${g.logFile})`);
    }
    console.log(`dev API keys (one per department and role): ${devApiKeysFile(dataDir())}`);
    console.log(`web page: each gateway serves it at <gateway>/app/, e.g. ${gateways[0]?.url}/app/`);
    const local = (url: string) => url.replace(/\/\/(0\.0\.0\.0|\[::\]):/, "//127.0.0.1:");
    const recorded = recordRunning({
      command: "npm run cluster",
      chainRpcUrl: rpcUrl,
      gatewayUrl: local(gateways[0]?.url ?? ""),
      dataDir: dataDir(),
      departments: Object.fromEntries(gateways.map((g) => [g.code, { url: local(g.url), pid: g.pid }])),
    });
    if ("release" in recorded) stops.add(() => recorded.release());
    else {
      console.log(
        `note: another ${recorded.other.command ?? "npm start"} of this checkout (pid ${recorded.other.pid}) is ` +
          "recorded as running; commands from other terminals find that one, not this cluster",
      );
    }
  } catch (error) {
    console.error(`error: ${(error as Error).message}`);
    await stops.shutdown(1);
  }
  console.log(readyLine(options));
}

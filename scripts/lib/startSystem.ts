// What npm start runs once the contracts are built: the chain prepared (scripts/lib/prepareChain.ts), then one gateway
// hosting every department in this process; then what is live is printed.

import { loadCatalogue } from "../../lib/catalogue/loadCatalogue.ts";
import { serveGateway } from "../../services/gateway/src/serve.ts";
import { dataDir, seedsDir } from "./paths.ts";
import { prepareChain } from "./prepareChain.ts";
import { recordRunning, refuseIfRunning } from "./runningSystem.ts";
import { stopList } from "./stopList.ts";

const seconds = (since: number) => `${((Date.now() - since) / 1000).toFixed(1)} s`;

export interface StartTimes {
  /** When the command began, so that "ready in" counts the whole start. */
  startedAt: number;
  /** How long the contracts took to compile before this (0 when nothing changed). */
  compileSeconds: number;
}

/** "ready in …", counting the compile in and saying how much of it that was. */
export function readyLine({ startedAt, compileSeconds }: StartTimes): string {
  const compiled = compileSeconds > 0 ? ` (${compileSeconds.toFixed(1)} s of it compiling the contracts)` : "";
  return `ready in ${seconds(startedAt)}${compiled}. Ctrl-C stops everything.`;
}

export async function startSystem(times: StartTimes): Promise<void> {
  refuseIfRunning("npm start", dataDir());
  const catalogue = await loadCatalogue(seedsDir);
  const stops = stopList();
  try {
    const { rpcUrl, provider, deployment } = await prepareChain(catalogue, stops);
    const codes = catalogue.departments.map((d) => d.code);
    const serving = await serveGateway({ provider, deployment, catalogue, dataDir: dataDir(), codes });
    stops.add(() => serving.close());
    console.log(
      `gateway: ${codes.length} departments at ${serving.url}/departments/<code>; API docs at ${serving.url}/docs`,
    );
    console.log(`web page (verify, catalogue, counter, who accessed my data, figures): ${serving.url}/app/`);
    if (serving.devKeysFile) console.log(`dev API keys (one per department and role): ${serving.devKeysFile}`);
    // Other terminals reach a gateway listening on every interface through the loopback address.
    const gatewayUrl = serving.url.replace(/\/\/(0\.0\.0\.0|\[::\]):/, "//127.0.0.1:");
    const recorded = recordRunning({ command: "npm start", chainRpcUrl: rpcUrl, gatewayUrl, dataDir: dataDir() });
    if ("release" in recorded) {
      stops.add(() => recorded.release());
    } else {
      console.log(
        `note: another ${recorded.other.command ?? "npm start"} of this checkout (pid ${recorded.other.pid}, data in ${recorded.other.dataDir}) is running; ` +
          "commands from other terminals find that one, not this one, unless given this one's CHAIN_PORT, GATEWAY_PORT and ONCECHAIN_DATA_DIR",
      );
    }
  } catch (error) {
    console.error(`error: ${(error as Error).message}`);
    await stops.shutdown(1);
  }
  console.log(readyLine(times));
}

// The gateway of psb as an OS process of its own, for the reliability tests that kill it or cut it off.
import { setTimeout as sleep } from "node:timers/promises";
import { type GatewayProcess, gatewayLogFile, startGatewayProcess } from "../../scripts/lib/cluster/gatewayProcess.ts";
import type { SeededAnvil } from "../scripts/anvilSystem.ts";

/**
 * A gateway of psb as its own process on `chain` (through `rpcUrl`, a proxy say), restartable on the same data
 * directory and port; `start` resolves with the time from spawning it to its /readyz answering 200.
 */
export function psbGateway(chain: SeededAnvil, port: number, env: Record<string, string> = {}, rpcUrl = chain.rpcUrl) {
  return departmentGateway(chain, port, ["psb"], env, rpcUrl);
}

/** The same, hosting `codes` in the one process (as npm start hosts every department). */
export async function departmentGateway(
  chain: SeededAnvil,
  port: number,
  codes: string[],
  env: Record<string, string> = {},
  rpcUrl = chain.rpcUrl,
) {
  let current: GatewayProcess | undefined;
  const code = codes.join(",");
  const base = `http://127.0.0.1:${port}/departments/${codes[0]}`;
  const start = async (): Promise<number> => {
    const started = performance.now();
    current = await startGatewayProcess({
      code,
      port,
      rpcUrl,
      dataDir: chain.dataDir,
      env: { GATEWAY_BATCH_SIZE: "16", GATEWAY_BATCH_WAIT_MS: "150", LOG_LEVEL: "warn", ...env },
    });
    for (;;) {
      const ready = await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined);
      if (ready?.status === 200) break;
      await sleep(20);
    }
    return performance.now() - started;
  };
  return {
    base,
    start,
    async kill() {
      current?.child.kill("SIGKILL");
      await current?.exited;
    },
    stop: () => current?.stop(),
    tail: () => current?.tail() ?? "",
    logFile: () => gatewayLogFile(chain.dataDir, code),
  };
}

// A gateway process for bench/federation.ts, started as `npm run gateway -- --department <codes>` starts one
// (scripts/gateway.ts with the Node flags of npm start, node --import tsx so that its pid is the gateway's own),
// against the benchmark's chain and data directory, listening on a loopback port given to it.
import { type ChildProcess, spawn } from "node:child_process";
import { openSync, readFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { projectRoot } from "../../scripts/lib/paths.ts";
import { GATEWAY_NODE_FLAGS } from "../../services/gateway/src/nodeFlags.ts";

export interface GatewayServer {
  codes: readonly string[];
  url: string;
  pid: number;
  /** SIGTERM (the gateway closes its databases and exits), SIGKILL if it has not exited within 15 s. */
  stop(): Promise<void>;
}

export interface GatewayServerOptions {
  codes: readonly string[];
  port: number;
  rpcUrl: string;
  dataDir: string;
  log: string;
  /** Added to the gateway's environment (GATEWAY_APPLICATIONS_PER_HOUR and the like). */
  env: Record<string, string>;
}

async function readyOrExit(url: string, child: ChildProcess, log: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the gateway at ${url} exited (code ${child.exitCode}); see ${log}`);
    try {
      if ((await fetch(`${url}/readyz`)).status === 200) return;
    } catch {
      // not listening yet
    }
    await sleep(200);
  }
  throw new Error(`the gateway at ${url} was not ready within ${timeoutMs / 1000} s; see ${log}`);
}

export async function startGatewayServer(options: GatewayServerOptions): Promise<GatewayServer> {
  const url = `http://127.0.0.1:${options.port}`;
  const fd = openSync(options.log, "a");
  const child = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      ...GATEWAY_NODE_FLAGS,
      // BENCH_NODE_ARGS: extra Node flags for the gateways while profiling, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof".
      ...(process.env.BENCH_NODE_ARGS?.split(" ").filter(Boolean) ?? []),
      "scripts/gateway.ts",
      "--department",
      options.codes.join(","),
    ],
    {
      cwd: projectRoot,
      env: {
        ...process.env,
        ...options.env,
        CHAIN_RPC_URL: options.rpcUrl,
        ONCECHAIN_DATA_DIR: options.dataDir,
        GATEWAY_PORT: String(options.port),
        GATEWAY_PUBLIC_URL: url,
      },
      stdio: ["ignore", fd, fd],
    },
  );
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
    await exited;
    clearTimeout(timer);
  };
  try {
    await readyOrExit(url, child, options.log, 120_000);
  } catch (error) {
    await stop();
    throw error;
  }
  return { codes: options.codes, url, pid: child.pid ?? 0, stop };
}

/** The dev API tokens the gateways wrote (`{ code: { role: token } }`): one process after another, never together. */
export function devApiTokens(dataDir: string): Record<string, Record<string, string>> {
  return JSON.parse(readFileSync(`${dataDir}/gateway/dev-api-keys.json`, "utf8"));
}

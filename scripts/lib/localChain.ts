// The embedded local chain: an anvil node whose state (blocks included) is kept under the data directory.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { createConnection } from "node:net";
import { dirname } from "node:path";
import { LOCAL_CHAIN_ID } from "../../lib/chain/devKeys.ts";
import { projectRoot } from "./paths.ts";

export interface LocalChain {
  rpcUrl: string;
  /** Stops the node; anvil writes its state on the way out. */
  stop(): Promise<void>;
}

export interface LocalChainOptions {
  dataDir: string;
  port?: number;
  host?: string;
  /** Fires if the node exits by itself (not through stop()). */
  onExit?: (code: number | null) => void;
}

function portInUse(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host, port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

async function waitForRpc(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the local chain exited with code ${child.exitCode} while starting`);
    try {
      const response = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
      });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the local chain did not answer at ${url} within ${timeoutMs} ms`);
}

/**
 * The anvil binary itself, not the npm wrapper script: a signal sent to the wrapper is not passed on, and anvil
 * writes its state only when it is the one asked to stop.
 */
function anvilBinary(): string {
  const arch = { x64: "amd64", arm64: "arm64" }[process.arch as string];
  const platform = process.platform === "win32" ? "win32" : process.platform;
  try {
    const pkg = createRequire(import.meta.url).resolve(`@foundry-rs/anvil-${platform}-${arch}/package.json`);
    return `${dirname(pkg)}/bin/anvil${platform === "win32" ? ".exe" : ""}`;
  } catch {
    return `${projectRoot}node_modules/.bin/anvil`;
  }
}

/** Starts anvil with `--state <dataDir>/chain/state.json`, so a stop and start resumes the same chain. */
export async function startLocalChain(options: LocalChainOptions): Promise<LocalChain> {
  const host = options.host ?? "127.0.0.1";
  const port = options.port ?? 8545;
  if (await portInUse(host, port)) {
    throw new Error(
      `port ${port} on ${host} is in use: another chain (or another 'npm start') is running there. ` +
        "Stop it, or set CHAIN_RPC_URL to use it instead, or CHAIN_PORT to start on another port.",
    );
  }
  const stateDir = `${options.dataDir}/chain`;
  mkdirSync(stateDir, { recursive: true });
  const child = spawn(
    anvilBinary(),
    [
      "--host",
      host,
      "--port",
      String(port),
      "--chain-id",
      String(LOCAL_CHAIN_ID),
      "--state",
      `${stateDir}/state.json`,
      "--state-interval",
      "5",
      "--silent",
    ],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  let stopping = false;
  const exited = new Promise<void>((resolve) => {
    child.once("exit", (code) => {
      if (!stopping) options.onExit?.(code);
      resolve();
    });
  });
  const rpcUrl = `http://${host}:${port}`;
  try {
    await waitForRpc(rpcUrl, child, 30_000);
  } catch (error) {
    child.kill("SIGKILL");
    throw new Error(`${(error as Error).message}${stderr ? `\n${stderr}` : ""}`);
  }
  return {
    rpcUrl,
    async stop() {
      if (child.exitCode !== null) return;
      stopping = true;
      child.kill("SIGINT");
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

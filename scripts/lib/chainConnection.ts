// Connecting a script to a chain: `--network local` (the local system's chain), a network of networks/ by its name, or
// one or more RPC URLs. Every connection goes through FailoverProvider, with one node or several.
import { existsSync, readFileSync } from "node:fs";
import type { JsonRpcProvider } from "ethers";
import { z } from "zod";
import { ChainConnectError, connectFailover, nodeLabels, rpcUrlList } from "../../lib/chain/failoverProvider.ts";
import { projectRoot } from "./paths.ts";
import type { LocalSystem } from "./runningSystem.ts";

export interface ChainTarget {
  name: string;
  /** One RPC URL, or several separated by commas: nodes of the same chain, asked in this order. */
  rpcUrl: string;
  /** The chain's id, when the network's file names it: a node of another chain is refused. */
  chainId?: number;
  /** Blocks a transaction needs on top of it (its own included) before it counts (CHAIN_CONFIRMATIONS overrides). */
  confirmations?: number;
}

/** networks/<name>/network.json: what a script needs to reach a chain that is not the local one. */
const NetworkFile = z.strictObject({
  name: z.string().min(1),
  chainId: z.number().int().positive(),
  rpcUrls: z.array(z.string()).min(1),
  confirmations: z.number().int().min(1),
  description: z.string().optional(),
});
export type NetworkFile = z.infer<typeof NetworkFile>;

/** The network folder named `name` (networks/<name>/network.json), checked; a clear error naming the file otherwise. */
export function readNetworkFile(name: string, root = `${projectRoot}networks`): NetworkFile {
  const path = `${root}/${name}/network.json`;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    // Not the parser's message, which quotes the file: the wrong file may hold a secret.
    const code = (error as NodeJS.ErrnoException).code;
    throw new Error(`${path}: ${code ? `cannot be read (${code})` : "not JSON"}`);
  }
  const checked = NetworkFile.safeParse(parsed);
  if (!checked.success) {
    const issue = checked.error.issues[0];
    throw new Error(`${path}: ${issue?.path.join(".") || "(the file)"}: ${issue?.message}`);
  }
  rpcUrlList(checked.data.rpcUrls.join(","));
  return checked.data;
}

/**
 * Resolves `--network`: `local` (default) is the chain of `system` (see localSystem); one or more URLs (comma-separated)
 * are used as they are; any other name is a folder of networks/ with a network.json (networks/besu-qbft, say).
 */
export function resolveNetwork(network: string | undefined, system: LocalSystem): ChainTarget {
  if (network && /^https?:\/\//.test(network)) {
    return { name: nodeLabels(network), rpcUrl: rpcUrlList(network).join(",") };
  }
  if (network === undefined || network === "local" || network === "localhost") {
    return { name: "local", rpcUrl: system.rpcUrl };
  }
  if (/^[a-z0-9][a-z0-9-]*$/.test(network) && existsSync(`${projectRoot}networks/${network}/network.json`)) {
    const file = readNetworkFile(network);
    return {
      name: file.name,
      // The nodes a machine reaches may not be the file's (another host, a tunnel): CHAIN_RPC_URL names them then.
      rpcUrl: process.env.CHAIN_RPC_URL ?? file.rpcUrls.join(","),
      chainId: file.chainId,
      confirmations: file.confirmations,
    };
  }
  throw new Error(
    `unknown network "${network}": use "local", a folder of networks/ with a network.json, or RPC URLs such as http://127.0.0.1:8545`,
  );
}

/** CHAIN_CONFIRMATIONS, else `given`, else 1: a whole number of at least 1. */
export function confirmationsFrom(given?: number): number {
  const raw = process.env.CHAIN_CONFIRMATIONS;
  if (raw === undefined || raw === "") return given ?? 1;
  if (!/^[1-9][0-9]{0,2}$/.test(raw)) throw new Error(`CHAIN_CONFIRMATIONS=${raw}: give a whole number from 1 to 999`);
  return Number(raw);
}

/** CHAIN_RPC_TIMEOUT_MS: how long one node may take to answer before the next is asked (default 15 s). */
function rpcTimeout(): number | undefined {
  const raw = process.env.CHAIN_RPC_TIMEOUT_MS;
  if (raw === undefined || raw === "") return undefined;
  if (!/^[1-9][0-9]{2,6}$/.test(raw))
    throw new Error(`CHAIN_RPC_TIMEOUT_MS=${raw}: give milliseconds from 100 to 9999999`);
  return Number(raw);
}

/** A chain connection's settings that are not its nodes. */
export interface ConnectOptions {
  chainId?: number;
  confirmations?: number;
}

/**
 * A provider over the nodes of `rpcUrl` (one URL or several, comma-separated), failing with a clear message when none
 * answers. It polls fast enough for a local node. Calls made in the same turn of the event loop still go as one
 * JSON-RPC batch, but without ethers' default 10 ms wait for more (`batchStallTime`): a gateway reads the chain while a
 * request waits, and ten milliseconds per read was most of a peer query's latency.
 */
export async function connectProvider(rpcUrl: string, options: ConnectOptions = {}): Promise<JsonRpcProvider> {
  const timeoutMs = rpcTimeout();
  try {
    const { provider, unreachable } = await connectFailover(
      rpcUrlList(rpcUrl),
      {
        ...(options.chainId !== undefined ? { chainId: options.chainId } : {}),
        confirmations: confirmationsFrom(options.confirmations),
        ...(timeoutMs !== undefined ? { timeoutMs } : {}),
      },
      { pollingInterval: 100, batchStallTime: 0 },
    );
    for (const reason of unreachable) console.warn(`chain node not answering now (used once it does): ${reason}`);
    return provider;
  } catch (cause) {
    const reasons =
      cause instanceof ChainConnectError && cause.reasons.length > 0 ? ` (${cause.reasons.join("; ")})` : "";
    throw new Error(
      `${(cause as Error).message}${reasons}. Start one with 'npm run chain' (or 'npm start'), or set CHAIN_RPC_URL.`,
      { cause },
    );
  }
}

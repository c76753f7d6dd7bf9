// Connecting a script to a chain: `--network local` (the local system's chain) or a URL.
import { JsonRpcProvider } from "ethers";
import type { LocalSystem } from "./runningSystem.ts";

export interface ChainTarget {
  name: string;
  rpcUrl: string;
}

/** Resolves `--network`: `local` (default) is the chain of `system` (see localSystem); a URL is used as is. */
export function resolveNetwork(network: string | undefined, system: LocalSystem): ChainTarget {
  if (network && /^https?:\/\//.test(network)) return { name: network, rpcUrl: network };
  if (network === undefined || network === "local" || network === "localhost") {
    return { name: "local", rpcUrl: system.rpcUrl };
  }
  throw new Error(`unknown network "${network}": use "local" or an RPC URL such as http://127.0.0.1:8545`);
}

/**
 * A provider that polls fast enough for a local node, failing with a clear message when nothing answers. Calls made in
 * the same turn of the event loop still go as one JSON-RPC batch, but without ethers' default 10 ms wait for more
 * (`batchStallTime`): a gateway reads the chain while a request waits, and ten milliseconds per read was most of a
 * peer query's latency.
 */
export async function connectProvider(rpcUrl: string): Promise<JsonRpcProvider> {
  const provider = new JsonRpcProvider(rpcUrl, undefined, {
    staticNetwork: true,
    pollingInterval: 100,
    batchStallTime: 0,
  });
  try {
    await provider.send("eth_chainId", []);
  } catch (cause) {
    provider.destroy();
    throw new Error(
      `no chain answers at ${rpcUrl}. Start one with 'npm run chain' (or 'npm start'), or set CHAIN_RPC_URL.`,
      { cause },
    );
  }
  return provider;
}

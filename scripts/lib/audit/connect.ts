// Where an audit reads from: a JSON-RPC URL, and the RegistryDirectory given by its address, by a deployment record,
// or by the deployment recorded for the chain in the data directory. Each refusal is an AuditInputError saying what to
// give instead.
import { getAddress, isAddress, isError, JsonRpcProvider } from "ethers";
import { readDeployment } from "../../../lib/chain/deploymentStore.ts";
import { currentRegistries } from "../../../lib/chain/registries.ts";
import { RegistryDirectory__factory } from "../../../types/ethers-contracts/index.ts";
import { AuditInputError } from "./command.ts";
import { readInputJson } from "./inputFile.ts";

const PROBE_TIMEOUT_MS = 10_000;

/**
 * A provider for the chain at `rpcUrl`, once it has answered eth_chainId. The probe is a plain request, so that a URL
 * where nothing answers fails at once with its reason instead of ethers retrying network detection every second.
 */
export async function connectChain(rpcUrl: string): Promise<{ provider: JsonRpcProvider; chainId: number }> {
  if (!/^https?:\/\//.test(rpcUrl)) throw new AuditInputError(`--rpc ${rpcUrl}: not an http(s) URL`);
  let answer: { result?: string };
  try {
    const response = await fetch(rpcUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
      signal: AbortSignal.timeout(PROBE_TIMEOUT_MS),
    });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    answer = (await response.json()) as { result?: string };
  } catch (error) {
    const inner = (error as { cause?: { code?: string; message?: string } }).cause;
    const reason = inner?.code ?? inner?.message ?? (error as Error).message;
    throw new AuditInputError(`no chain answers at ${rpcUrl} (${reason}): give --rpc <url> or set CHAIN_RPC_URL`);
  }
  if (typeof answer.result !== "string") throw new AuditInputError(`${rpcUrl} is not a JSON-RPC node: no chain id`);
  const chainId = Number(answer.result);
  return { provider: new JsonRpcProvider(rpcUrl, chainId, { staticNetwork: true }), chainId };
}

export interface DirectorySource {
  directory?: string;
  deployment?: string;
  /** Where the deployment of each chain is recorded, asked only when neither is given. */
  dataDir: () => string;
}

/** The RegistryDirectory's address, from the first of --directory, --deployment and the recorded deployment. */
export async function directoryAddress(source: DirectorySource, chainId: number): Promise<string> {
  if (source.directory !== undefined && source.deployment !== undefined) {
    throw new AuditInputError("give --directory or --deployment, not both");
  }
  if (source.directory !== undefined) {
    if (!isAddress(source.directory)) throw new AuditInputError(`--directory ${source.directory}: not an address`);
    return getAddress(source.directory);
  }
  if (source.deployment !== undefined) {
    const record = (await readInputJson(source.deployment)) as { directory?: unknown; chainId?: unknown } | null;
    const directory = record?.directory;
    if (typeof directory !== "string" || !isAddress(directory)) {
      throw new AuditInputError(
        `${source.deployment}: no "directory" address (a deployment record, as in data/deployments/<chainId>.json)`,
      );
    }
    if (record?.chainId !== undefined && Number(record.chainId) !== chainId) {
      throw new AuditInputError(
        `${source.deployment} records chain ${record.chainId}; the chain at --rpc is ${chainId}`,
      );
    }
    return getAddress(directory);
  }
  const dataDir = source.dataDir();
  const recorded = readDeployment(dataDir, chainId);
  if (!recorded) {
    throw new AuditInputError(
      `no deployment of chain ${chainId} is recorded in ${dataDir}/deployments: ` +
        "give --directory <address> or --deployment <file>",
    );
  }
  return getAddress(recorded.directory);
}

/**
 * The registries the directory names now and every one it named before, found through the directory alone: the
 * AccessManager is the directory's authority. Refused as input when `directory` is no RegistryDirectory.
 */
export async function directoryRegistries(provider: JsonRpcProvider, directory: string) {
  if ((await provider.getCode(directory)) === "0x") {
    throw new AuditInputError(`no contract at ${directory}: is --directory the RegistryDirectory of this chain?`);
  }
  try {
    const accessManager = await RegistryDirectory__factory.connect(directory, provider).authority();
    return await currentRegistries({ accessManager, directory }, provider);
  } catch (cause) {
    // A call the contract cannot answer (no such function, a revert) says what it is; a network failure says nothing.
    if (!isError(cause, "CALL_EXCEPTION") && !isError(cause, "BAD_DATA") && !/names no/.test(String(cause)))
      throw cause;
    throw new AuditInputError(`${directory} is not a RegistryDirectory naming every registry`, { cause });
  }
}

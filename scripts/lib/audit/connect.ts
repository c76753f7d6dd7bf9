// Where an audit reads from: a JSON-RPC URL, and the RegistryDirectory given by its address, by a deployment record,
// or by the deployment recorded for the chain in the data directory. Each refusal is an AuditInputError saying what to
// give instead.
import { getAddress, isAddress, isError, type JsonRpcProvider } from "ethers";
import { readDeployment } from "../../../lib/chain/deploymentStore.ts";
import { ChainConnectError, connectFailover, rpcUrlList } from "../../../lib/chain/failoverProvider.ts";
import { currentRegistries } from "../../../lib/chain/registries.ts";
import { RegistryDirectory__factory } from "../../../types/ethers-contracts/index.ts";
import { AuditInputError } from "./command.ts";
import { readInputJson } from "./inputFile.ts";

/**
 * A provider for the chain at `rpcUrl` (one URL, or several of the same chain separated by commas), once a node has
 * answered eth_chainId. The probe is a plain request, so that a URL where nothing answers fails at once with its
 * reason instead of ethers retrying network detection every second.
 */
export async function connectChain(rpcUrl: string): Promise<{ provider: JsonRpcProvider; chainId: number }> {
  let urls: string[];
  try {
    urls = rpcUrlList(rpcUrl);
  } catch (error) {
    throw new AuditInputError(`--rpc ${(error as Error).message}`);
  }
  try {
    const { provider, chainId } = await connectFailover(urls, {});
    return { provider, chainId };
  } catch (error) {
    if (!(error instanceof ChainConnectError)) throw error;
    const reasons = error.reasons.length > 0 ? ` (${error.reasons.join("; ")})` : "";
    throw new AuditInputError(`${error.message}${reasons}: give --rpc <url> or set CHAIN_RPC_URL`);
  }
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

// Whether a Besu QBFT network's folder agrees with itself and with our contracts as compiled: the chain id, the EVM fork
// the compiler targets, the contract size limit against our largest contract, the validators of the genesis against the
// allowlisted nodes and each node's bootnodes, the RPC ports against network.json, the operator funded and allowlisted.
// What gas the largest deployment and batch take is measured by test/networks/besuQbft.test.ts, and given here.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { getAddress, Wallet } from "ethers";
import { parse as parseToml } from "smol-toml";
import { LOCAL_CHAIN_ID } from "../../../lib/chain/devKeys.ts";
import { projectRoot } from "../paths.ts";
import { enodeAddress, FORKS, PUBLIC_APIS, validatorsOf } from "./qbftNetwork.ts";

export interface CompiledContracts {
  evmVersion: string;
  /** Each contract's deployed code size in bytes, by name. */
  codeSizes: Record<string, number>;
}

/** What the contracts were compiled with and into, from the build's artifacts (npm run build). */
export function compiledContracts(root = projectRoot): CompiledContracts {
  const infoDir = `${root}artifacts/build-info`;
  const infos = readdirSync(infoDir).filter((f) => f.endsWith(".json") && !f.endsWith(".output.json"));
  const versions = new Set(
    infos.map((f) => (JSON.parse(readFileSync(`${infoDir}/${f}`, "utf8")) as BuildInfo).input.settings.evmVersion),
  );
  if (versions.size !== 1) throw new Error(`the build's EVM versions disagree: ${[...versions].join(", ")}`);
  const codeSizes: Record<string, number> = {};
  for (const entry of readdirSync(`${root}artifacts/contracts`, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith(".json") || entry.name.endsWith(".dbg.json")) continue;
    const artifact = JSON.parse(readFileSync(`${entry.parentPath}/${entry.name}`, "utf8")) as Artifact;
    const size = (artifact.deployedBytecode.length - 2) / 2;
    if (size > 0) codeSizes[artifact.contractName] = size;
  }
  return { evmVersion: [...versions][0] as string, codeSizes };
}
interface BuildInfo {
  input: { settings: { evmVersion: string } };
}
interface Artifact {
  contractName: string;
  deployedBytecode: string;
}

export interface Measured {
  /** The most gas one transaction of ours takes: the largest deployment, the largest anchoring batch. */
  maxTransactionGas?: number;
}

type Toml = Record<string, unknown>;

/** Every disagreement found in the network's folder `dir`, each a sentence naming its file; none: []. */
export function checkQbftNetwork(dir: string, compiled: CompiledContracts, measured: Measured = {}): string[] {
  const problems: string[] = [];
  const read = <T>(file: string, parse: (text: string) => T): T | undefined => {
    try {
      return parse(readFileSync(`${dir}/${file}`, "utf8"));
    } catch (error) {
      problems.push(`${file}: ${(error as Error).message}`);
      return undefined;
    }
  };
  const genesis = read("genesis.json", JSON.parse) as GenesisFile | undefined;
  const network = read("network.json", JSON.parse) as { chainId: number; rpcUrls: string[] } | undefined;
  const permissions = read("permissions_config.toml", parseToml) as Toml | undefined;
  if (!genesis || !network || !permissions) return problems;
  const { config } = genesis;

  if (config.chainId !== network.chainId) {
    problems.push(`genesis.json: chainId ${config.chainId}, network.json: ${network.chainId}`);
  }
  if (config.chainId === LOCAL_CHAIN_ID)
    problems.push(`genesis.json: chainId ${LOCAL_CHAIN_ID} is the development chain's`);

  const target = FORKS.findIndex(([fork]) => fork === compiled.evmVersion);
  if (target < 0) problems.push(`the compiler targets ${compiled.evmVersion}, which this genesis cannot name`);
  for (const [fork, key] of FORKS.slice(0, target + 1)) {
    if ((config as Record<string, unknown>)[key] !== 0) {
      problems.push(
        `genesis.json: ${key} is not 0, but the compiler targets ${compiled.evmVersion} (${fork} included)`,
      );
    }
  }
  if (!config.qbft) problems.push("genesis.json: no qbft section");
  if (config.zeroBaseFee !== true) problems.push("genesis.json: zeroBaseFee is not true (gas is free on this network)");

  const sizeLimit = config.contractSizeLimit ?? 24_576;
  for (const [name, size] of Object.entries(compiled.codeSizes)) {
    if (size > sizeLimit) problems.push(`genesis.json: contractSizeLimit ${sizeLimit} < ${name}'s ${size} bytes`);
  }
  const gasLimit = Number(genesis.gasLimit);
  if (measured.maxTransactionGas !== undefined && measured.maxTransactionGas > gasLimit) {
    problems.push(`genesis.json: gasLimit ${gasLimit} < our largest transaction's ${measured.maxTransactionGas} gas`);
  }

  let validators: string[] = [];
  try {
    validators = validatorsOf(genesis.extraData);
  } catch (error) {
    problems.push(`genesis.json: extraData is not QBFT's RLP (${(error as Error).message})`);
  }
  if (validators.length < 4)
    problems.push(`genesis.json: ${validators.length} validators; QBFT needs 4 to tolerate 1 faulty`);
  const allowedNodes = (permissions["nodes-allowlist"] as string[] | undefined) ?? [];
  const allowed = new Set(allowedNodes.map(enodeAddress));
  for (const v of validators) {
    if (!allowed.has(v)) problems.push(`permissions_config.toml: validator ${v} is not in nodes-allowlist`);
  }
  const accounts = new Set(
    ((permissions["accounts-allowlist"] as string[] | undefined) ?? []).map((a) => getAddress(a)),
  );
  for (const funded of Object.keys(genesis.alloc)) {
    if (!accounts.has(getAddress(`0x${funded.replace(/^0x/, "")}`))) {
      problems.push(`permissions_config.toml: the funded account 0x${funded} is not in accounts-allowlist`);
    }
  }

  validators.forEach((validator, i) => {
    const file = `node-${i + 1}/config.toml`;
    const node = read(file, parseToml) as Toml | undefined;
    if (!node) return;
    if (node["genesis-file"] !== "genesis.json") problems.push(`${file}: genesis-file is not genesis.json`);
    for (const key of ["permissions-nodes-config-file", "permissions-accounts-config-file"]) {
      if (node[key] !== "permissions_config.toml") problems.push(`${file}: ${key} is not permissions_config.toml`);
      if (node[`${key}-enabled`] !== true) problems.push(`${file}: ${key}-enabled is not true`);
    }
    if (node["min-gas-price"] !== 0) problems.push(`${file}: min-gas-price is not 0`);
    const open = ((node["rpc-http-api"] as string[] | undefined) ?? []).filter(
      (api) => !PUBLIC_APIS.includes(api as never),
    );
    if (open.length > 0)
      problems.push(`${file}: rpc-http-api serves ${open.join(", ")} to the network (loopback only)`);
    if (node["rpc-ws-enabled"] === true && node["rpc-ws-host"] !== "127.0.0.1") {
      problems.push(`${file}: the administration's WebSocket (rpc-ws-host) is not on the loopback`);
    }
    const keyFile = `${dir}/${node["node-private-key-file"]}`;
    if (existsSync(keyFile)) {
      let address = "";
      try {
        address = new Wallet(readFileSync(keyFile, "utf8").trim()).address;
      } catch {
        problems.push(`${node["node-private-key-file"]}: not a private key`);
      }
      if (address && address !== validator) {
        problems.push(
          `${node["node-private-key-file"]}: the key of ${address}, not of validator ${i + 1} (${validator})`,
        );
      }
    }
    const own = allowedNodes.find((enode) => enode.endsWith(`@${node["p2p-host"]}:${node["p2p-port"]}`));
    if (!own) problems.push(`${file}: its p2p host and port are no allowlisted node's`);
    for (const boot of (node.bootnodes as string[] | undefined) ?? []) {
      if (!allowedNodes.includes(boot)) problems.push(`${file}: bootnode ${boot.slice(0, 30)}… is not allowlisted`);
    }
    const url = network.rpcUrls[i];
    if (!url?.endsWith(`:${node["rpc-http-port"]}`)) {
      problems.push(`network.json: rpcUrls[${i}] ${url} is not validator ${i + 1}'s port ${node["rpc-http-port"]}`);
    }
    if (own && enodeAddress(own) !== validator)
      problems.push(`${file}: its enode is not validator ${i + 1}'s (${validator})`);
  });
  return problems;
}

interface GenesisFile {
  config: {
    chainId: number;
    zeroBaseFee?: boolean;
    contractSizeLimit?: number;
    qbft?: unknown;
  };
  gasLimit: string;
  extraData: string;
  alloc: Record<string, unknown>;
}

// A Hyperledger Besu QBFT network for a district's consortium: the genesis (validators in its extraData, free gas, the
// limits our registries and batches need, the EVM fork our compiler targets), one config.toml per validator, and the
// node and account allowlists of permissions_config.toml. Besu 25.6 removed on-chain permissioning contracts: these
// allowlists, and our contracts' own roles, are what admit a node or an account.
//
// `npm run consortium -- init` writes these files (networks/besu-qbft holds the ones made with its defaults); the
// validators' private keys go under keys/, which git ignores. docs/CONSORTIUM.md is the runbook.
import { computeAddress, decodeRlp, encodeRlp, getAddress, SigningKey, Wallet, zeroPadValue } from "ethers";

/** QBFT's mixHash: "ctical byzantine fault tolerance", which Besu requires of a QBFT genesis. */
export const QBFT_MIX_HASH = "0x63746963616c2062797a616e74696e65206661756c7420746f6c6572616e6365";
/** The block gas limit: far above any one transaction of ours (see test/networks/besuQbft.test.ts). */
export const BLOCK_GAS_LIMIT = 1_000_000_000;
/** The largest contract code a deployment may leave (Besu's default is mainnet's 24,576 bytes). */
export const CONTRACT_SIZE_LIMIT = 49_152;
/** Genesis keys of the forks, in order, as Besu's genesis names them; each is active from genesis here. */
export const FORKS = [
  ["berlin", "berlinBlock"],
  ["london", "londonBlock"],
  ["shanghai", "shanghaiTime"],
  ["cancun", "cancunTime"],
  ["prague", "pragueTime"],
] as const;
export type Fork = (typeof FORKS)[number][0];

export interface QbftOptions {
  chainId: number;
  /** Where each validator is reached by the others (p2p) and by gateways (JSON-RPC): one entry per validator. */
  hosts: readonly string[];
  p2pPort: number;
  rpcPort: number;
  /** Whether each validator has a port of its own (all on one machine, for a trial) or all use the same ports. */
  portPerNode: boolean;
  /** The EVM fork the compiler targets: the genesis activates it, and every fork before it, at block 0. */
  evmVersion: Fork;
  blockPeriodSeconds: number;
  /** Accounts that may send transactions: the operator's, then each department's signer. */
  accounts: readonly string[];
  /** The operator's account, funded in the genesis (it funds the departments' signers). */
  operator: string;
}

export interface Validator {
  privateKey: string;
  address: string;
  /** enode://<public key>@host:port */
  enode: string;
  p2pPort: number;
  rpcPort: number;
  /** The administration's WebSocket port, on the validator's loopback. */
  adminPort: number;
}

/** The JSON-RPC APIs a node serves to the network (gateways, the scripts, the audit CLI). */
export const PUBLIC_APIS = ["ETH", "NET", "WEB3", "TXPOOL"] as const;
/** Those it serves on its loopback only, for the operator. */
export const ADMIN_APIS = ["ADMIN", "PERM", "QBFT", "ETH", "NET"] as const;
/** The first validator's administration port (each next validator's is one more on a machine they share). */
export const ADMIN_PORT = 8646;

/** A new key for each host, its address and enode. */
export function newValidators(options: Pick<QbftOptions, "hosts" | "p2pPort" | "rpcPort" | "portPerNode">) {
  return options.hosts.map((host, i): Validator => {
    const wallet = Wallet.createRandom();
    const p2pPort = options.p2pPort + (options.portPerNode ? i : 0);
    const rpcPort = options.rpcPort + (options.portPerNode ? i : 0);
    const adminPort = ADMIN_PORT + (options.portPerNode ? i : 0);
    return {
      adminPort,
      privateKey: wallet.privateKey,
      address: wallet.address,
      enode: `enode://${SigningKey.computePublicKey(wallet.privateKey).slice(4)}@${host}:${p2pPort}`,
      p2pPort,
      rpcPort,
    };
  });
}

/** QBFT's genesis extraData: RLP([32 zero bytes, validators, no vote, round 0, no seals]). */
export function qbftExtraData(validators: readonly string[]): string {
  return encodeRlp([zeroPadValue("0x", 32), validators.map((v) => getAddress(v).toLowerCase()), [], "0x", []]);
}

/** The validators' addresses an extraData names. */
export function validatorsOf(extraData: string): string[] {
  const fields = decodeRlp(extraData) as unknown[];
  return (fields[1] as string[]).map((a) => getAddress(a));
}

/** The enode's public key as an address: the validator it names. */
export const enodeAddress = (enode: string): string => {
  const key = /^enode:\/\/([0-9a-f]{128})@/.exec(enode)?.[1];
  if (!key) throw new Error(`${enode}: not an enode URL`);
  return computeAddress(`0x04${key}`);
};

export function genesis(options: QbftOptions, validators: readonly Validator[]) {
  const upTo = FORKS.findIndex(([fork]) => fork === options.evmVersion);
  if (upTo < 0)
    throw new Error(`EVM version ${options.evmVersion}: Besu's genesis keys are for ${FORKS.map(([f]) => f)}`);
  const forks = Object.fromEntries(FORKS.slice(0, upTo + 1).map(([, key]) => [key, 0]));
  return {
    config: {
      chainId: options.chainId,
      ...forks,
      zeroBaseFee: true,
      contractSizeLimit: CONTRACT_SIZE_LIMIT,
      qbft: { blockperiodseconds: options.blockPeriodSeconds, epochlength: 30_000, requesttimeoutseconds: 4 },
    },
    nonce: "0x0",
    timestamp: "0x0",
    gasLimit: `0x${BLOCK_GAS_LIMIT.toString(16)}`,
    difficulty: "0x1",
    mixHash: QBFT_MIX_HASH,
    coinbase: "0x0000000000000000000000000000000000000000",
    alloc: { [getAddress(options.operator).slice(2).toLowerCase()]: { balance: "0xd3c21bcecceda1000000" } },
    extraData: qbftExtraData(validators.map((v) => v.address)),
  };
}

const toml = (value: unknown): string =>
  Array.isArray(value) ? `[${value.map((v) => JSON.stringify(v)).join(", ")}]` : JSON.stringify(value);
const tomlFile = (entries: Record<string, unknown>, comment: string) =>
  `# ${comment}\n${Object.entries(entries)
    .map(([key, value]) => `${key}=${toml(value)}`)
    .join("\n")}\n`;

/** Validator `i`'s config.toml: paths relative to the network's folder, from which Besu is started. */
export function nodeConfig(options: QbftOptions, validators: readonly Validator[], i: number): string {
  const self = validators[i] as Validator;
  return tomlFile(
    {
      "data-path": `data/node-${i + 1}`,
      "genesis-file": "genesis.json",
      "node-private-key-file": `keys/node-${i + 1}/key`,
      "p2p-host": options.hosts[i],
      "p2p-port": self.p2pPort,
      bootnodes: validators.filter((_, j) => j !== i).map((v) => v.enode),
      "rpc-http-enabled": true,
      // Where gateways reach it: its own address, not every interface (a firewall admits the gateways' machines).
      "rpc-http-host": options.hosts[i],
      "rpc-http-port": self.rpcPort,
      // What gateways and the scripts use, and nothing that administers the network: no PERM, QBFT or ADMIN here.
      "rpc-http-api": [...PUBLIC_APIS],
      "host-allowlist": ["*"],
      // The administration (allowlists, validator votes) on this machine's loopback only: the operator reaches it
      // through an SSH tunnel (docs/CONSORTIUM.md), with npm run consortium -- admin.
      "rpc-ws-enabled": true,
      "rpc-ws-host": "127.0.0.1",
      "rpc-ws-port": self.adminPort,
      "rpc-ws-api": [...ADMIN_APIS],
      "min-gas-price": 0,
      "sync-mode": "FULL",
      "data-storage-format": "BONSAI",
      "permissions-nodes-config-file-enabled": true,
      "permissions-nodes-config-file": "permissions_config.toml",
      "permissions-accounts-config-file-enabled": true,
      "permissions-accounts-config-file": "permissions_config.toml",
      "metrics-enabled": true,
      "metrics-port": 9545 + (options.portPerNode ? i : 0),
    },
    `Validator ${i + 1} of ${validators.length}: besu --config-file=node-${i + 1}/config.toml, from this folder`,
  );
}

export function permissionsConfig(options: QbftOptions, validators: readonly Validator[]): string {
  return tomlFile(
    {
      "nodes-allowlist": validators.map((v) => v.enode),
      "accounts-allowlist": options.accounts.map((a) => getAddress(a)),
    },
    "The nodes that may connect, and the accounts that may send transactions (perm_add… over JSON-RPC changes it)",
  );
}

/** Every file of the network's folder, by its path there (keys under keys/, which git ignores). */
export function qbftNetworkFiles(options: QbftOptions, validators: readonly Validator[], name: string) {
  if (validators.length < 4)
    throw new Error(`${validators.length} validators: QBFT needs 4 or more to tolerate 1 faulty`);
  const files: Record<string, string> = {
    "genesis.json": `${JSON.stringify(genesis(options, validators), null, 2)}\n`,
    "permissions_config.toml": permissionsConfig(options, validators),
    "network.json": `${JSON.stringify(
      {
        name,
        description: `Hyperledger Besu, QBFT, ${validators.length} validators (docs/CONSORTIUM.md)`,
        chainId: options.chainId,
        rpcUrls: validators.map((v, i) => `http://${options.hosts[i]}:${v.rpcPort}`),
        confirmations: 1,
      },
      null,
      2,
    )}\n`,
  };
  validators.forEach((v, i) => {
    files[`node-${i + 1}/config.toml`] = nodeConfig(options, validators, i);
    files[`keys/node-${i + 1}/key`] = `${v.privateKey}\n`;
  });
  return files;
}

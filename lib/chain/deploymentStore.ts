// Deployments recorded per chain id, and the check that a chain still holds the deployment recorded for it.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import type { Provider, Signer } from "ethers";
import { IVersioned__factory } from "../../types/ethers-contracts/index.ts";
import { runsBuiltCode } from "./contractCode.ts";
import {
  currentRegistries,
  type Deployment,
  deployRegistries,
  REGISTRY_NAMES,
  type RegistryName,
} from "./registries.ts";

/**
 * A deployment as recorded in the data directory. On disk, `registries` are the ones first deployed; as read by
 * `recordedDeployment` they are the ones the chain's RegistryDirectory names now, with every earlier one in `history`.
 */
export interface DeploymentRecord extends Deployment {
  /** Hash of the block that holds the AccessManager's deployment: a wiped or different chain will not have it. */
  anchorBlock: { number: number; hash: string };
  deployedAt: string;
  history?: Record<RegistryName, string[]>;
}

/** The registry versions this checkout reads: the major version of IVersioned.version(). */
export const SUPPORTED_MAJOR_VERSION = "2";

/** Registries a fixed version can be rolled out for without a new deployment (see scripts/operator.ts). */
export const ROLLED_OUT_BY_OPERATOR: readonly RegistryName[] = [
  "CredentialRecordRegistry",
  "AccessLogRegistry",
  "CredentialTypeRegistry",
];

export function deploymentFile(dataDir: string, chainId: number | bigint): string {
  return `${dataDir}/deployments/${chainId}.json`;
}

export function readDeployment(dataDir: string, chainId: number | bigint): DeploymentRecord | undefined {
  const file = deploymentFile(dataDir, chainId);
  return existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as DeploymentRecord) : undefined;
}

function writeDeployment(dataDir: string, record: DeploymentRecord): void {
  mkdirSync(`${dataDir}/deployments`, { recursive: true });
  writeFileSync(deploymentFile(dataDir, record.chainId), `${JSON.stringify(record, null, 2)}\n`);
}

/** The chain ids that have a recorded deployment in this data directory. */
export function recordedChainIds(dataDir: string): number[] {
  const dir = `${dataDir}/deployments`;
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => /^\d+\.json$/.test(name))
    .map((name) => Number(name.slice(0, -5)));
}

/** What is wrong with the recorded deployment on this chain; empty when the chain holds it. */
export async function deploymentProblems(provider: Provider, record: DeploymentRecord): Promise<string[]> {
  const problems: string[] = [];
  const { chainId } = await provider.getNetwork();
  if (chainId !== BigInt(record.chainId)) problems.push(`the chain's id is ${chainId}, the record's ${record.chainId}`);
  const block = await provider.getBlock(record.anchorBlock.number);
  if (!block) {
    problems.push(`the chain has no block ${record.anchorBlock.number} (it is at ${await provider.getBlockNumber()})`);
  } else if (block.hash !== record.anchorBlock.hash) {
    problems.push(`block ${record.anchorBlock.number} is ${block.hash}, the record says ${record.anchorBlock.hash}`);
  }
  if (problems.length > 0) return problems;
  for (const [name, address] of [
    ["DistrictAccessManager", record.accessManager],
    ["RegistryDirectory", record.directory],
  ] as const) {
    if ((await provider.getCode(address)) === "0x") problems.push(`no ${name} contract at ${address}`);
    else if (!(await runsBuiltCode(provider, address, name))) {
      problems.push(`the ${name} at ${address} runs other code than this checkout builds`);
    }
  }
  if (problems.length > 0) return problems;
  const { registries, history } = await currentRegistries(record, provider);
  for (const name of REGISTRY_NAMES) {
    const current = registries[name];
    if (!(await runsBuiltCode(provider, current, name))) {
      problems.push(
        `the ${name} the directory names (${current}) runs other code than this checkout builds: ` +
          (ROLLED_OUT_BY_OPERATOR.includes(name)
            ? `roll this checkout's version out with 'npm run operator -- roll-out ${name}', or use the checkout it was built from`
            : "use the checkout it was built from, or start a new deployment"),
      );
    }
    for (const address of history[name].slice(0, -1)) {
      const version = await IVersioned__factory.connect(address, provider).version();
      if (version.split(".")[0] !== SUPPORTED_MAJOR_VERSION) {
        problems.push(`the earlier ${name} at ${address} speaks version ${version}, which this checkout cannot read`);
      }
    }
  }
  return problems;
}

export class DeploymentMismatchError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(
      `this chain does not hold the deployment recorded in ${file}:\n  - ${problems.join("\n  - ")}\n` +
        "Nothing was deployed over it. If the chain was reset on purpose, move that file away and start again; " +
        "otherwise point CHAIN_RPC_URL at the chain that holds the deployment.",
    );
    this.name = "DeploymentMismatchError";
  }
}

/**
 * The deployment recorded for the provider's chain, checked against the chain: what the scripts that use a deployment
 * (seed, status, gateway) start from. A clear error when nothing is recorded or the chain no longer holds it.
 */
export async function recordedDeployment(provider: Provider, dataDir: string): Promise<DeploymentRecord> {
  const { chainId } = await provider.getNetwork();
  const file = deploymentFile(dataDir, chainId);
  const record = readDeployment(dataDir, chainId);
  if (!record) {
    throw new Error(`nothing is deployed on chain ${chainId} (no ${file}): run 'npm start' or 'npm run deploy' first`);
  }
  const problems = await deploymentProblems(provider, record);
  if (problems.length > 0) throw new DeploymentMismatchError(file, problems);
  return { ...record, ...(await currentRegistries(record, provider)) };
}

/**
 * The chain's recorded deployment, checked to be on this chain; when none is recorded for this chain id, a new one,
 * deployed and recorded. A record the chain does not hold is an error: we never deploy over it silently. With
 * `sameChainOnly` (npm start), a data directory already bound to another chain id is an error too.
 */
export async function ensureDeployment(
  provider: Provider,
  deployer: Signer,
  dataDir: string,
  options: { sameChainOnly?: boolean } = {},
): Promise<{ record: DeploymentRecord; deployed: boolean }> {
  const { chainId } = await provider.getNetwork();
  const existing = readDeployment(dataDir, chainId);
  const others = recordedChainIds(dataDir).filter((id) => BigInt(id) !== chainId);
  if (!existing && options.sameChainOnly && others.length > 0) {
    throw new DeploymentMismatchError(deploymentFile(dataDir, others[0] ?? 0), [
      `this data directory belongs to chain ${others.join(", ")}; the chain found is ${chainId}`,
    ]);
  }
  if (existing) {
    const problems = await deploymentProblems(provider, existing);
    if (problems.length > 0) throw new DeploymentMismatchError(deploymentFile(dataDir, chainId), problems);
    return { record: { ...existing, ...(await currentRegistries(existing, provider)) }, deployed: false };
  }
  const deployment = await deployRegistries(deployer);
  const anchorNumber = deployment.fromBlock + 1;
  const block = await provider.getBlock(anchorNumber);
  if (!block?.hash) throw new Error(`block ${anchorNumber} of the deployment is not readable`);
  const record: DeploymentRecord = {
    ...deployment,
    anchorBlock: { number: anchorNumber, hash: block.hash },
    deployedAt: new Date().toISOString(),
  };
  writeDeployment(dataDir, record);
  return { record: { ...record, ...(await currentRegistries(record, provider)) }, deployed: true };
}

// Deploys the oncechain registries behind one AccessManager and connects to a recorded deployment.
import { type ContractRunner, concat, dataSlice, id, keccak256, type Signer } from "ethers";
import {
  type AccessLogRegistry,
  AccessLogRegistry__factory,
  type CredentialRecordRegistry,
  CredentialRecordRegistry__factory,
  type CredentialTypeRegistry,
  CredentialTypeRegistry__factory,
  type DepartmentRegistry,
  DepartmentRegistry__factory,
  type DistrictAccessManager,
  DistrictAccessManager__factory,
  type RegistryDirectory,
  RegistryDirectory__factory,
  type ScenarioRegistry,
  ScenarioRegistry__factory,
  type SharingGrantRegistry,
  SharingGrantRegistry__factory,
} from "../../types/ethers-contracts/index.ts";

/** The AccessManager role of the district's platform operator (role 0 stays the manager's admin role). */
export const OPERATOR_ROLE = 1n;
/** The role of the CredentialTypeRegistry contract itself: it alone sets departments' issuer roles. */
export const CATALOGUE_ROLE = 2n;

export const REGISTRY_NAMES = [
  "DepartmentRegistry",
  "CredentialTypeRegistry",
  "CredentialRecordRegistry",
  "ScenarioRegistry",
  "SharingGrantRegistry",
  "AccessLogRegistry",
] as const;
export type RegistryName = (typeof REGISTRY_NAMES)[number];

/** A creation bytecode without its trailing CBOR metadata (whose length is in its last two bytes). */
function withoutMetadata(bytecode: string): string {
  const metadataLength = Number.parseInt(bytecode.slice(-4), 16) + 2;
  return dataSlice(bytecode, 0, (bytecode.length - 2) / 2 - metadataLength);
}

/**
 * A fingerprint of the contract code this checkout deploys (metadata left out, so comments do not count). A
 * deployment records it, so a chain holding registries built from other code is noticed instead of half-working.
 */
export function contractsFingerprint(): string {
  return keccak256(
    concat(
      [
        DistrictAccessManager__factory,
        DepartmentRegistry__factory,
        CredentialTypeRegistry__factory,
        CredentialRecordRegistry__factory,
        ScenarioRegistry__factory,
        SharingGrantRegistry__factory,
        AccessLogRegistry__factory,
        RegistryDirectory__factory,
      ].map((factory) => withoutMetadata(factory.bytecode)),
    ),
  );
}

export interface Deployment {
  chainId: number;
  accessManager: string;
  directory: string;
  registries: Record<RegistryName, string>;
  /** The block before the first deployment transaction: where event indexers start. */
  fromBlock: number;
  /** contractsFingerprint() of the code deployed. */
  contracts: string;
}

export interface Registries {
  accessManager: DistrictAccessManager;
  directory: RegistryDirectory;
  departments: DepartmentRegistry;
  types: CredentialTypeRegistry;
  records: CredentialRecordRegistry;
  scenarios: ScenarioRegistry;
  grants: SharingGrantRegistry;
  accessLog: AccessLogRegistry;
}

interface Restrictable {
  getAddress(): Promise<string>;
  interface: { getFunction(name: string): { selector: string } | null };
}

async function restrict(manager: DistrictAccessManager, target: Restrictable, functions: string[], role: bigint) {
  const selectors = functions.map((fn) => {
    const fragment = target.interface.getFunction(fn);
    if (!fragment) throw new Error(`contract has no function ${fn}`);
    return fragment.selector;
  });
  await (await manager.setTargetFunctionRole(await target.getAddress(), selectors, role)).wait();
}

async function deployed<T extends { waitForDeployment(): Promise<unknown> }>(contract: Promise<T>): Promise<T> {
  const c = await contract;
  await c.waitForDeployment();
  return c;
}

/**
 * Deploys every registry and the directory, gives OPERATOR_ROLE to the deployer (and to `operator` when another
 * address is named), gives CATALOGUE_ROLE to the type registry, and lists the registries in the directory.
 * The deployer is the AccessManager's admin.
 */
export async function deployRegistries(deployer: Signer, operator?: string): Promise<Deployment> {
  const provider = deployer.provider;
  if (!provider) throw new Error("the deployer signer has no provider");
  const admin = await deployer.getAddress();
  const fromBlock = await provider.getBlockNumber();
  const manager = await deployed(new DistrictAccessManager__factory(deployer).deploy(admin));
  const auth = await manager.getAddress();
  const departments = await deployed(new DepartmentRegistry__factory(deployer).deploy(auth));
  const dep = await departments.getAddress();
  const types = await deployed(new CredentialTypeRegistry__factory(deployer).deploy(auth, dep));
  const typ = await types.getAddress();
  const records = await deployed(new CredentialRecordRegistry__factory(deployer).deploy(dep, typ));
  const scenarios = await deployed(new ScenarioRegistry__factory(deployer).deploy(auth, dep, typ));
  const grants = await deployed(
    new SharingGrantRegistry__factory(deployer).deploy(auth, dep, typ, await scenarios.getAddress()),
  );
  const accessLog = await deployed(new AccessLogRegistry__factory(deployer).deploy(dep));
  const directory = await deployed(new RegistryDirectory__factory(deployer).deploy(auth));

  await restrict(
    manager,
    departments,
    [
      "registerDepartment",
      "addSigner",
      "removeSigner",
      "rotateSigner",
      "setEndpoint",
      "suspendDepartment",
      "reinstateDepartment",
    ],
    OPERATOR_ROLE,
  );
  await restrict(manager, departments, ["setIssuerRole"], CATALOGUE_ROLE);
  await restrict(
    manager,
    types,
    ["registerType", "registerVersion", "deprecateType", "authoriseIssuer", "revokeIssuer"],
    OPERATOR_ROLE,
  );
  await restrict(manager, scenarios, ["registerScenario", "registerScenarioVersion", "retireScenario"], OPERATOR_ROLE);
  await restrict(manager, grants, ["grant", "revokeGrant"], OPERATOR_ROLE);
  await restrict(manager, directory, ["setRegistry"], OPERATOR_ROLE);
  await (await manager.labelRole(OPERATOR_ROLE, "OPERATOR")).wait();
  await (await manager.labelRole(CATALOGUE_ROLE, "CATALOGUE")).wait();
  await (await manager.grantRole(CATALOGUE_ROLE, typ, 0)).wait();
  await (await manager.grantRole(OPERATOR_ROLE, admin, 0)).wait();
  if (operator && operator.toLowerCase() !== admin.toLowerCase()) {
    await (await manager.grantRole(OPERATOR_ROLE, operator, 0)).wait();
  }

  const registries: Record<RegistryName, string> = {
    DepartmentRegistry: dep,
    CredentialTypeRegistry: typ,
    CredentialRecordRegistry: await records.getAddress(),
    ScenarioRegistry: await scenarios.getAddress(),
    SharingGrantRegistry: await grants.getAddress(),
    AccessLogRegistry: await accessLog.getAddress(),
  };
  for (const name of REGISTRY_NAMES) {
    await (await directory.setRegistry(id(name), registries[name])).wait();
  }
  const network = await provider.getNetwork();
  return {
    chainId: Number(network.chainId),
    accessManager: auth,
    directory: await directory.getAddress(),
    registries,
    fromBlock,
    contracts: contractsFingerprint(),
  };
}

/** Contract handles for a recorded deployment, bound to `runner` (a signer to write, a provider to read). */
export function connectRegistries(deployment: Deployment, runner: ContractRunner): Registries {
  const r = deployment.registries;
  return {
    accessManager: DistrictAccessManager__factory.connect(deployment.accessManager, runner),
    directory: RegistryDirectory__factory.connect(deployment.directory, runner),
    departments: DepartmentRegistry__factory.connect(r.DepartmentRegistry, runner),
    types: CredentialTypeRegistry__factory.connect(r.CredentialTypeRegistry, runner),
    records: CredentialRecordRegistry__factory.connect(r.CredentialRecordRegistry, runner),
    scenarios: ScenarioRegistry__factory.connect(r.ScenarioRegistry, runner),
    grants: SharingGrantRegistry__factory.connect(r.SharingGrantRegistry, runner),
    accessLog: AccessLogRegistry__factory.connect(r.AccessLogRegistry, runner),
  };
}

// Deploys the oncechain registries behind one AccessManager and connects to a recorded deployment.

import { type ContractRunner, id, type Signer, ZeroAddress } from "ethers";
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
import { deployedContract, receiptOf } from "./receipt.ts";

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

/** Where the registries are: the roots of trust (AccessManager, directory) and the registry of each name. */
export interface RegistryAddresses {
  accessManager: string;
  directory: string;
  registries: Record<RegistryName, string>;
}

export interface Deployment extends RegistryAddresses {
  chainId: number;
  /** The block before the first deployment transaction: where event indexers start. */
  fromBlock: number;
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

/** The functions of each registry that the AccessManager guards, by the role that may call them. */
const FUNCTION_ROLES: Record<RegistryName | "RegistryDirectory", [bigint, string[]][]> = {
  DepartmentRegistry: [
    [
      OPERATOR_ROLE,
      [
        "registerDepartment",
        "addSigner",
        "removeSigner",
        "rotateSigner",
        "setEndpoint",
        "suspendDepartment",
        "reinstateDepartment",
      ],
    ],
    [CATALOGUE_ROLE, ["setIssuerRole"]],
  ],
  CredentialTypeRegistry: [
    [OPERATOR_ROLE, ["registerType", "registerVersion", "deprecateType", "authoriseIssuer", "revokeIssuer"]],
  ],
  // A department's own writes (anchors, revocations, supersessions) are authorised by its signer key, not a role.
  CredentialRecordRegistry: [],
  ScenarioRegistry: [[OPERATOR_ROLE, ["registerScenario", "registerScenarioVersion", "retireScenario"]]],
  SharingGrantRegistry: [[OPERATOR_ROLE, ["grant", "revokeGrant"]]],
  AccessLogRegistry: [[OPERATOR_ROLE, ["rejectCommitments"]]],
  RegistryDirectory: [[OPERATOR_ROLE, ["setRegistry"]]],
};

/** The registries each one reads, fixed at its deployment (constructor arguments after the authority). */
export const REGISTRY_DEPENDENCIES: Record<RegistryName, readonly RegistryName[]> = {
  DepartmentRegistry: [],
  CredentialTypeRegistry: ["DepartmentRegistry"],
  CredentialRecordRegistry: ["DepartmentRegistry", "CredentialTypeRegistry"],
  ScenarioRegistry: ["DepartmentRegistry", "CredentialTypeRegistry"],
  SharingGrantRegistry: ["DepartmentRegistry", "CredentialTypeRegistry", "ScenarioRegistry"],
  // An access-log registry continues the one it replaces: each department's sequence numbers carry on.
  AccessLogRegistry: ["DepartmentRegistry", "AccessLogRegistry"],
};

interface Restrictable {
  getAddress(): Promise<string>;
  interface: { getFunction(name: string): { selector: string } | null };
}

async function restrict(manager: DistrictAccessManager, target: Restrictable, name: keyof typeof FUNCTION_ROLES) {
  for (const [role, functions] of FUNCTION_ROLES[name]) {
    const selectors = functions.map((fn) => {
      const fragment = target.interface.getFunction(fn);
      if (!fragment) throw new Error(`${name} has no function ${fn}`);
      return fragment.selector;
    });
    await receiptOf(await manager.setTargetFunctionRole(await target.getAddress(), selectors, role));
  }
}

async function deployed<T extends Parameters<typeof deployedContract>[0]>(contract: Promise<T>): Promise<T> {
  return deployedContract(await contract);
}

/**
 * Deploys one registry of `name` reading the `current` registries it depends on (for an AccessLogRegistry, the one it
 * continues, if any), and gives its guarded functions their roles in `manager`; a type registry also gets
 * CATALOGUE_ROLE. Does not name it in the directory. The deployer must be the AccessManager's admin.
 */
export async function deployRegistry(
  deployer: Signer,
  manager: DistrictAccessManager,
  name: RegistryName,
  current: Partial<Record<RegistryName, string>>,
): Promise<string> {
  const auth = await manager.getAddress();
  const dependency = (of: RegistryName) => {
    const address = current[of];
    if (!address) throw new Error(`deploying ${name} needs a ${of}`);
    return address;
  };
  let contract: Restrictable & Parameters<typeof deployedContract>[0];
  switch (name) {
    case "DepartmentRegistry":
      contract = await deployed(new DepartmentRegistry__factory(deployer).deploy(auth));
      break;
    case "CredentialTypeRegistry":
      contract = await deployed(
        new CredentialTypeRegistry__factory(deployer).deploy(auth, dependency("DepartmentRegistry")),
      );
      break;
    case "CredentialRecordRegistry":
      contract = await deployed(
        new CredentialRecordRegistry__factory(deployer).deploy(
          auth,
          dependency("DepartmentRegistry"),
          dependency("CredentialTypeRegistry"),
        ),
      );
      break;
    case "ScenarioRegistry":
      contract = await deployed(
        new ScenarioRegistry__factory(deployer).deploy(
          auth,
          dependency("DepartmentRegistry"),
          dependency("CredentialTypeRegistry"),
        ),
      );
      break;
    case "SharingGrantRegistry":
      contract = await deployed(
        new SharingGrantRegistry__factory(deployer).deploy(
          auth,
          dependency("DepartmentRegistry"),
          dependency("CredentialTypeRegistry"),
          dependency("ScenarioRegistry"),
        ),
      );
      break;
    case "AccessLogRegistry":
      contract = await deployed(
        new AccessLogRegistry__factory(deployer).deploy(
          auth,
          dependency("DepartmentRegistry"),
          current.AccessLogRegistry ?? ZeroAddress,
        ),
      );
      break;
  }
  await restrict(manager, contract, name);
  const address = await contract.getAddress();
  if (name === "CredentialTypeRegistry") await receiptOf(await manager.grantRole(CATALOGUE_ROLE, address, 0));
  return address;
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
  const registries: Partial<Record<RegistryName, string>> = {};
  for (const name of REGISTRY_NAMES) registries[name] = await deployRegistry(deployer, manager, name, registries);
  const directory = await deployed(new RegistryDirectory__factory(deployer).deploy(auth));
  await restrict(manager, directory, "RegistryDirectory");
  await receiptOf(await manager.labelRole(OPERATOR_ROLE, "OPERATOR"));
  await receiptOf(await manager.labelRole(CATALOGUE_ROLE, "CATALOGUE"));
  await receiptOf(await manager.grantRole(OPERATOR_ROLE, admin, 0));
  if (operator && operator.toLowerCase() !== admin.toLowerCase()) {
    await receiptOf(await manager.grantRole(OPERATOR_ROLE, operator, 0));
  }
  for (const name of REGISTRY_NAMES) {
    await receiptOf(await directory.setRegistry(id(name), registries[name] as string));
  }
  const network = await provider.getNetwork();
  return {
    chainId: Number(network.chainId),
    accessManager: auth,
    directory: await directory.getAddress(),
    registries: registries as Record<RegistryName, string>,
    fromBlock,
  };
}

/**
 * The registries the directory names now, and every address each name has had (oldest first): a registry replaced by
 * a fixed version stays readable, and its records keep the status it gives them.
 */
export async function currentRegistries(
  addresses: Pick<RegistryAddresses, "accessManager" | "directory">,
  runner: ContractRunner,
): Promise<RegistryAddresses & { history: Record<RegistryName, string[]> }> {
  const directory = RegistryDirectory__factory.connect(addresses.directory, runner);
  const history = {} as Record<RegistryName, string[]>;
  const registries = {} as Record<RegistryName, string>;
  await Promise.all(
    REGISTRY_NAMES.map(async (name) => {
      history[name] = [...(await directory.history(id(name)))];
      registries[name] = history[name].at(-1) ?? "";
      if (!registries[name]) throw new Error(`the RegistryDirectory at ${addresses.directory} names no ${name}`);
    }),
  );
  return { accessManager: addresses.accessManager, directory: addresses.directory, registries, history };
}

/** Contract handles for these registries, bound to `runner` (a signer to write, a provider to read). */
export function connectRegistries(deployment: RegistryAddresses, runner: ContractRunner): Registries {
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

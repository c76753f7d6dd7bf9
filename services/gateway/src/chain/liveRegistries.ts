// Registry handles that follow the RegistryDirectory: each name resolves to the registry the directory names now (as
// the chain index has seen it), and a registry of any version can be reached by its address.
import type { ContractRunner } from "ethers";
import type { Registries, RegistryAddresses } from "../../../../lib/chain/registries.ts";
import {
  type AccessLogRegistry,
  AccessLogRegistry__factory,
  type CredentialRecordRegistry,
  CredentialRecordRegistry__factory,
  type CredentialTypeRegistry,
  CredentialTypeRegistry__factory,
  DepartmentRegistry__factory,
  DistrictAccessManager__factory,
  RegistryDirectory__factory,
  ScenarioRegistry__factory,
  SharingGrantRegistry__factory,
} from "../../../../types/ethers-contracts/index.ts";
import type { ChainIndex } from "./chainIndex.ts";

export interface LiveRegistries extends Registries {
  /** The record registry at `address` (the current one or an earlier version). */
  recordsAt(address: string): CredentialRecordRegistry;
  /** The access-log registry at `address`. */
  accessLogAt(address: string): AccessLogRegistry;
  /** The credential-type registry at `address`. */
  typesAt(address: string): CredentialTypeRegistry;
  /**
   * The current record registry and the type registry it reads: new records carry that registry's type ids and are
   * anchored in that record registry. Both change only when the directory names a new record registry (one
   * transaction), so taken together a record's type id and the registry it is anchored in always agree.
   */
  issuing(): { recordRegistry: string; types: CredentialTypeRegistry };
}

/** Handles bound to `runner` (a department's signer to write, the provider to read). */
export function liveRegistries(
  roots: Pick<RegistryAddresses, "accessManager" | "directory">,
  index: Pick<ChainIndex, "current" | "typeRegistryOf">,
  runner: ContractRunner,
): LiveRegistries {
  const handles = new Map<string, unknown>();
  const at = <T>(address: string, connect: (address: string, runner: ContractRunner) => T): T => {
    // One address is one contract, so the address alone keys its handle.
    let handle = handles.get(address.toLowerCase()) as T | undefined;
    if (!handle) {
      handle = connect(address, runner);
      handles.set(address.toLowerCase(), handle);
    }
    return handle;
  };
  return {
    accessManager: DistrictAccessManager__factory.connect(roots.accessManager, runner),
    directory: RegistryDirectory__factory.connect(roots.directory, runner),
    get departments() {
      return at(index.current("DepartmentRegistry"), DepartmentRegistry__factory.connect);
    },
    get types() {
      return at(index.current("CredentialTypeRegistry"), CredentialTypeRegistry__factory.connect);
    },
    get records() {
      return at(index.current("CredentialRecordRegistry"), CredentialRecordRegistry__factory.connect);
    },
    get scenarios() {
      return at(index.current("ScenarioRegistry"), ScenarioRegistry__factory.connect);
    },
    get grants() {
      return at(index.current("SharingGrantRegistry"), SharingGrantRegistry__factory.connect);
    },
    get accessLog() {
      return at(index.current("AccessLogRegistry"), AccessLogRegistry__factory.connect);
    },
    recordsAt: (address) => at(address, CredentialRecordRegistry__factory.connect),
    accessLogAt: (address) => at(address, AccessLogRegistry__factory.connect),
    typesAt: (address) => at(address, CredentialTypeRegistry__factory.connect),
    issuing() {
      const recordRegistry = index.current("CredentialRecordRegistry");
      return {
        recordRegistry,
        types: at(index.typeRegistryOf(recordRegistry), CredentialTypeRegistry__factory.connect),
      };
    },
  };
}

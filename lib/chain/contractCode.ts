// What code runs at an address, compared with what this checkout builds: immutables and metadata set aside.
import { readFileSync } from "node:fs";
import type { Provider } from "ethers";
import { keccak256 } from "ethers";

const artifactsDir = new URL("../../artifacts/contracts/", import.meta.url);

/** The contracts whose code a deployment is checked against, by name, with the source file they are built from. */
const SOURCES: Record<string, string> = {
  DistrictAccessManager: "access/DistrictAccessManager.sol",
  RegistryDirectory: "RegistryDirectory.sol",
  DepartmentRegistry: "DepartmentRegistry.sol",
  CredentialTypeRegistry: "CredentialTypeRegistry.sol",
  CredentialRecordRegistry: "CredentialRecordRegistry.sol",
  ScenarioRegistry: "ScenarioRegistry.sol",
  SharingGrantRegistry: "SharingGrantRegistry.sol",
  AccessLogRegistry: "AccessLogRegistry.sol",
};

interface BuiltContract {
  deployedBytecode: string;
  immutableReferences?: Record<string, { start: number; length: number }[]>;
}

const built = new Map<string, BuiltContract>();

function artifact(name: string): BuiltContract {
  let found = built.get(name);
  if (!found) {
    const source = SOURCES[name];
    if (!source) throw new Error(`no contract ${name} is built here`);
    found = JSON.parse(readFileSync(new URL(`${source}/${name}.json`, artifactsDir), "utf8")) as BuiltContract;
    built.set(name, found);
  }
  return found;
}

/**
 * The code's fingerprint without what differs between deployments of the same source: the values of immutables (set
 * by the constructor) are zeroed, and the CBOR metadata at the end (which changes with comments) is cut off.
 */
function fingerprint(code: string, immutables: BuiltContract["immutableReferences"]): string {
  const bytes = Buffer.from(code.slice(2), "hex");
  for (const references of Object.values(immutables ?? {})) {
    for (const { start, length } of references) bytes.fill(0, start, start + length);
  }
  const metadataLength = bytes.length >= 2 ? bytes.readUInt16BE(bytes.length - 2) + 2 : 0;
  return keccak256(bytes.subarray(0, Math.max(0, bytes.length - metadataLength)));
}

/** Whether the code at `address` is `name` as this checkout builds it (its immutables may hold anything). */
export async function runsBuiltCode(provider: Provider, address: string, name: string): Promise<boolean> {
  const code = await provider.getCode(address);
  if (code === "0x") return false;
  const local = artifact(name);
  return (
    fingerprint(code, local.immutableReferences) === fingerprint(local.deployedBytecode, local.immutableReferences)
  );
}

// The on-chain projection of catalogue entries: what the registries store for departments, credential types and scenarios.
import { ZeroHash } from "ethers";
import { contentHash, type Hex32 } from "../encoding/canonical.ts";
import { codeKey } from "../encoding/codeKey.ts";
import type { CredentialType, Department, Scenario, ScenarioKind } from "./schemas.ts";

const SECONDS_PER_DAY = 86_400;

/** What the department registry stores from the seed; endpoint and signer keys come from deployment, not the catalogue. */
export interface DepartmentOnChain {
  readonly codeKey: Hex32;
  readonly code: string;
  readonly nameZh: string;
  readonly nameEn: string;
  readonly operator: boolean;
}

export interface CredentialTypeOnChain {
  readonly codeKey: Hex32;
  readonly version: number;
  readonly schemaHash: Hex32;
  /** Code keys of the departments authoritative for this type. */
  readonly issuers: readonly Hex32[];
  /** 0 when records of this type carry no default expiry. */
  readonly defaultValiditySeconds: number;
}

export interface ScenarioOnChain {
  readonly codeKey: Hex32;
  /** `SCENARIO_KINDS.indexOf(kind)` is the value of `IScenarioRegistry.ScenarioKind`. */
  readonly kind: ScenarioKind;
  readonly version: number;
  readonly definitionHash: Hex32;
  /** Code keys of the credential types any matter asks for, first appearance first. */
  readonly requiredTypes: readonly Hex32[];
  /** Code keys of the departments handling the matters, first appearance first. */
  readonly departments: readonly Hex32[];
  /** Code key of the parent scenario; the zero hash for a scenario without one. */
  readonly parentKey: Hex32;
}

export function departmentOnChain(department: Department): DepartmentOnChain {
  return {
    codeKey: codeKey(department.code),
    code: department.code,
    nameZh: department.nameZh,
    nameEn: department.nameEn,
    operator: department.operator === true,
  };
}

export function credentialTypeOnChain(type: CredentialType): CredentialTypeOnChain {
  return {
    codeKey: codeKey(type.code),
    version: type.version,
    schemaHash: contentHash(type.schema),
    issuers: type.issuers.map(codeKey),
    defaultValiditySeconds: (type.defaultValidityDays ?? 0) * SECONDS_PER_DAY,
  };
}

/** `definitionHash` covers the whole scenario as written in its seed file, matters and names included. */
export function scenarioOnChain(scenario: Scenario): ScenarioOnChain {
  const materials = scenario.matters.flatMap((matter) => matter.materials);
  const departments = scenario.matters.map((matter) => matter.department);
  return {
    codeKey: codeKey(scenario.code),
    kind: scenario.kind,
    version: scenario.version,
    definitionHash: contentHash(scenario),
    requiredTypes: [...new Set(materials)].map(codeKey),
    departments: [...new Set(departments)].map(codeKey),
    parentKey: scenario.parent === undefined ? (ZeroHash as Hex32) : codeKey(scenario.parent),
  };
}

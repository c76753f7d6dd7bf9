// The catalogue a gateway serves and validates against: the seed files, each entry checked against its on-chain hash.
import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { credentialTypeOnChain, scenarioOnChain } from "../../../../lib/catalogue/onChain.ts";
import type { Catalogue, CredentialType, Scenario } from "../../../../lib/catalogue/schemas.ts";
import type { Registries } from "../../../../lib/chain/registries.ts";
import type { Hex32 } from "../../../../lib/encoding/canonical.ts";
import { codeKey } from "../../../../lib/encoding/codeKey.ts";
import { GatewayError } from "../errors/GatewayError.ts";

export interface TypeEntry {
  type: CredentialType;
  typeId: number;
  schemaHash: Hex32;
  onChainSchemaHash: string;
  /** The seed's schema hashes to what the chain holds for the newest version. */
  verified: boolean;
  validate: ValidateFunction;
  issuerIds: number[];
}

export interface ScenarioEntry {
  scenario: Scenario;
  definitionHash: Hex32;
  onChainDefinitionHash: string;
  verified: boolean;
}

export interface CatalogueService {
  catalogue: Catalogue;
  departmentIds: Map<string, number>;
  departmentCodes: Map<number, string>;
  type(code: string): TypeEntry;
  typeById(typeId: number): TypeEntry | undefined;
  scenario(code: string): ScenarioEntry;
  types(): TypeEntry[];
  scenarios(): ScenarioEntry[];
}

/** Reads each entry's on-chain hash once at start-up and compiles each type's JSON Schema. */
export async function loadCatalogueService(catalogue: Catalogue, registries: Registries): Promise<CatalogueService> {
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  addFormats.default(ajv);
  const departmentIds = new Map<string, number>();
  const departmentCodes = new Map<number, string>();
  await Promise.all(
    catalogue.departments.map(async (d) => {
      const id = Number(await registries.departments.departmentIdOf(codeKey(d.code)));
      if (id !== 0) {
        departmentIds.set(d.code, id);
        departmentCodes.set(id, d.code);
      }
    }),
  );
  const types = new Map<string, TypeEntry>();
  const byId = new Map<number, TypeEntry>();
  await Promise.all(
    catalogue.credentialTypes.map(async (type) => {
      const projected = credentialTypeOnChain(type);
      const typeId = Number(await registries.types.latestTypeId(projected.codeKey));
      const onChain = typeId === 0 ? undefined : await registries.types.credentialType(typeId);
      const entry: TypeEntry = {
        type,
        typeId,
        schemaHash: projected.schemaHash,
        onChainSchemaHash: onChain?.schemaHash ?? "",
        verified: onChain?.schemaHash === projected.schemaHash,
        validate: ajv.compile(type.schema),
        issuerIds: type.issuers.map((code) => departmentIds.get(code) ?? 0).filter((id) => id !== 0),
      };
      types.set(type.code, entry);
      if (typeId !== 0) byId.set(typeId, entry);
    }),
  );
  const scenarios = new Map<string, ScenarioEntry>();
  await Promise.all(
    catalogue.scenarios.map(async (scenario) => {
      const projected = scenarioOnChain(scenario);
      let onChainHash = "";
      try {
        onChainHash = (await registries.scenarios.scenario(projected.codeKey)).latest.definitionHash;
      } catch {
        onChainHash = "";
      }
      scenarios.set(scenario.code, {
        scenario,
        definitionHash: projected.definitionHash,
        onChainDefinitionHash: onChainHash,
        verified: onChainHash === projected.definitionHash,
      });
    }),
  );
  return {
    catalogue,
    departmentIds,
    departmentCodes,
    type(code) {
      const entry = types.get(code);
      if (!entry) throw new GatewayError("UNKNOWN_CREDENTIAL_TYPE", { field: "credentialType" });
      return entry;
    },
    typeById: (typeId) => byId.get(typeId),
    scenario(code) {
      const entry = scenarios.get(code);
      if (!entry) throw new GatewayError("UNKNOWN_SCENARIO", { field: "scenario" });
      return entry;
    },
    types: () => catalogue.credentialTypes.map((t) => types.get(t.code) as TypeEntry),
    scenarios: () => catalogue.scenarios.map((s) => scenarios.get(s.code) as ScenarioEntry),
  };
}

// The catalogue a gateway serves and validates against: the seed files, each entry checked against its on-chain hash.
import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { credentialTypeOnChain, scenarioOnChain } from "../../../../lib/catalogue/onChain.ts";
import type { Catalogue, CredentialType, Scenario } from "../../../../lib/catalogue/schemas.ts";
import type { Hex32 } from "../../../../lib/encoding/canonical.ts";
import { codeKey } from "../../../../lib/encoding/codeKey.ts";
import type { LiveRegistries } from "../chain/liveRegistries.ts";
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
  /** The entry of a type id of the current type registry. */
  typeById(typeId: number): TypeEntry | undefined;
  /**
   * The code of type `typeId` of the type registry at `typeRegistry` (the current one or an earlier one a record
   * registry still reads), any version of it; undefined when it is not in the catalogue.
   */
  typeCodeOf(typeRegistry: string, typeId: number): Promise<string | undefined>;
  scenario(code: string): ScenarioEntry;
  types(): TypeEntry[];
  scenarios(): ScenarioEntry[];
  /** The record registry whose types the type ids here are of: where a record issued now is anchored. */
  recordRegistry(): string;
  /** Reads the on-chain side again (after the directory names a new registry). */
  reload(): Promise<void>;
}

interface OnChainView {
  /** The record registry new records are anchored in: the type ids below are those of the types it reads. */
  recordRegistry: string;
  departmentIds: Map<string, number>;
  departmentCodes: Map<number, string>;
  types: Map<string, TypeEntry>;
  byId: Map<number, TypeEntry>;
  scenarios: Map<string, ScenarioEntry>;
}

/**
 * Reads each entry's on-chain hash at start-up (and again when the directory names a new registry) and compiles each
 * type's JSON Schema once.
 */
export async function loadCatalogueService(
  catalogue: Catalogue,
  registries: LiveRegistries,
): Promise<CatalogueService> {
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  addFormats.default(ajv);
  const validators = new Map(catalogue.credentialTypes.map((type) => [type.code, ajv.compile(type.schema)]));
  const codesByKey = new Map<string, string>(catalogue.credentialTypes.map((type) => [codeKey(type.code), type.code]));
  const typeCodes = new Map<string, string | undefined>();
  let view = await readOnChain(catalogue, registries, validators);
  /** Reloads started so far: a reload's view is kept only if no later one has started, so an older never wins. */
  let reloads = 0;
  return {
    catalogue,
    get departmentIds() {
      return view.departmentIds;
    },
    get departmentCodes() {
      return view.departmentCodes;
    },
    type(code) {
      const entry = view.types.get(code);
      if (!entry) throw new GatewayError("UNKNOWN_CREDENTIAL_TYPE", { field: "credentialType" });
      return entry;
    },
    typeById: (typeId) => view.byId.get(typeId),
    async typeCodeOf(typeRegistry, typeId) {
      const cacheKey = `${typeRegistry.toLowerCase()}:${typeId}`;
      if (!typeCodes.has(cacheKey)) {
        const key = await registries.typesAt(typeRegistry).codeKeyOf(typeId);
        typeCodes.set(cacheKey, codesByKey.get(key));
      }
      return typeCodes.get(cacheKey);
    },
    scenario(code) {
      const entry = view.scenarios.get(code);
      if (!entry) throw new GatewayError("UNKNOWN_SCENARIO", { field: "scenario" });
      return entry;
    },
    types: () => catalogue.credentialTypes.map((t) => view.types.get(t.code) as TypeEntry),
    scenarios: () => catalogue.scenarios.map((s) => view.scenarios.get(s.code) as ScenarioEntry),
    recordRegistry: () => view.recordRegistry,
    async reload() {
      const mine = ++reloads;
      const next = await readOnChain(catalogue, registries, validators);
      if (mine === reloads) view = next;
    },
  };
}

async function readOnChain(
  catalogue: Catalogue,
  registries: LiveRegistries,
  validators: Map<string, ValidateFunction>,
): Promise<OnChainView> {
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
  // Type ids are those of the registry the current record registry reads: the ids new records carry there.
  const { recordRegistry, types: typeRegistry } = registries.issuing();
  const types = new Map<string, TypeEntry>();
  const byId = new Map<number, TypeEntry>();
  await Promise.all(
    catalogue.credentialTypes.map(async (type) => {
      const projected = credentialTypeOnChain(type);
      const typeId = Number(await typeRegistry.latestTypeId(projected.codeKey));
      const onChain = typeId === 0 ? undefined : await typeRegistry.credentialType(typeId);
      const entry: TypeEntry = {
        type,
        typeId,
        schemaHash: projected.schemaHash,
        onChainSchemaHash: onChain?.schemaHash ?? "",
        verified: onChain?.schemaHash === projected.schemaHash,
        validate: validators.get(type.code) as ValidateFunction,
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
  return { departmentIds, departmentCodes, types, byId, scenarios, recordRegistry };
}

// Shapes of the seed files (departments, credential types, scenarios) and the types inferred from them.
import { z } from "zod";

// Codes become on-chain keys (keccak256 of the UTF-8 bytes), so one spelling rule avoids look-alike keys.
const code = z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, "must be lowercase kebab-case ASCII");
const name = z.string().trim().min(1);
const version = z.int().positive();

export const departmentSchema = z.strictObject({
  code,
  nameZh: name,
  nameEn: name,
  operator: z.literal(true).optional(),
});

export const SUBJECT_KINDS = ["person", "organisation"] as const;

/** Only the envelope is checked here; ajv checks that the whole document is a valid JSON Schema. */
export const recordSchemaDocument = z.looseObject({
  $schema: z.literal("https://json-schema.org/draft/2020-12/schema"),
  type: z.literal("object"),
  additionalProperties: z.literal(false),
  required: z.array(z.string()),
  properties: z.record(z.string(), z.record(z.string(), z.unknown())),
});

/** `CredentialTypeRegistry.MAX_ISSUERS`: checked here so that a seed with more fails naming its file, not on chain. */
export const MAX_ISSUERS_PER_TYPE = 32;

export const credentialTypeSchema = z.strictObject({
  code,
  nameZh: name,
  nameEn: name,
  version,
  subjectKind: z.enum(SUBJECT_KINDS),
  issuers: z.array(code).min(1).max(MAX_ISSUERS_PER_TYPE),
  defaultValidityDays: z.int().positive().nullable(),
  schema: recordSchemaDocument,
});

/** In the order of `IScenarioRegistry.ScenarioKind`, so a kind's index is its on-chain enum value. */
export const SCENARIO_KINDS = [
  "theme",
  "high-frequency-personal",
  "high-frequency-legal-person",
  "tidal",
  "cross-department-joint",
  "film-group",
  "film-category",
  "film-item",
] as const;

/** The most days a commitment's limits may name: ten years, beyond any statutory time limit or check window. */
export const MAX_COMMITMENT_DAYS = 3_650;
const days = z.int().positive().max(MAX_COMMITMENT_DAYS);

/**
 * 告知承诺: the materials of a matter an applicant may commit to instead of submitting them, when no department has
 * shared them; the statutory time limit (days) the matter is decided within otherwise, which a decision on commitment
 * replaces; and the department that checks the commitment afterwards, within how many days of the decision.
 */
export const commitmentSchema = z.strictObject({
  materials: z.array(code).min(1),
  replacesDays: days,
  checkedBy: code,
  checkWithinDays: days,
});

/**
 * The credential type of a commitment as recorded (告知承诺书): issued by the department deciding the matter, about the
 * applicant, anchored like any record. It is not one of the materials an applicant brings; `materialTypes` leaves it out.
 */
export const COMMITMENT_TYPE = "applicant-commitment";

/** The kinds of material the district shares: every credential type but the commitment. */
export const materialTypes = (types: readonly CredentialType[]) => types.filter((t) => t.code !== COMMITMENT_TYPE);

/** A field of a credential type's record: a property its JSON Schema names. */
const fieldName = z.string().min(1).max(64);

export const matterSchema = z.strictObject({
  code,
  nameZh: name,
  nameEn: name,
  department: code,
  materials: z.array(code),
  /**
   * Which fields of each material the matter needs (minimal disclosure, PIPL art. 6): an issuer discloses those and
   * withholds the rest. Every material is named; an empty list needs only proof that the record exists.
   */
  fields: z.record(code, z.array(fieldName)),
  produces: code.optional(),
  commitment: commitmentSchema.optional(),
});

/**
 * The fields of a material a department's matters in a scenario need: the union, in order of first mention, of what
 * each matter it decides there names for that material (SPEC §6.5). An issuer discloses no other field for the
 * scenario, and the department asks for no other.
 */
export function neededFields(
  scenario: { matters: readonly Pick<Matter, "department" | "materials" | "fields">[] },
  department: string,
  material: string,
): string[] {
  const needed = new Set<string>();
  for (const matter of scenario.matters) {
    if (matter.department !== department || !matter.materials.includes(material)) continue;
    for (const name of matter.fields[material] ?? []) needed.add(name);
  }
  return [...needed];
}

export const scenarioSchema = z.strictObject({
  code,
  kind: z.enum(SCENARIO_KINDS),
  nameZh: name,
  nameEn: name,
  version,
  parent: code.optional(),
  matters: z.array(matterSchema),
});

export type Department = z.infer<typeof departmentSchema>;
export type CredentialType = z.infer<typeof credentialTypeSchema>;
export type SubjectKind = CredentialType["subjectKind"];
export type Matter = z.infer<typeof matterSchema>;
export type Commitment = z.infer<typeof commitmentSchema>;
/** How a matter is decided: on the materials (standard) or on the applicant's commitment for some of them. */
export type Procedure = "standard" | "commitment";
export const procedureOf = (matter: Matter): Procedure => (matter.commitment ? "commitment" : "standard");
export type Scenario = z.infer<typeof scenarioSchema>;
export type ScenarioKind = Scenario["kind"];

/** The validated catalogue, in seed order: departments as listed, types by file name, scenarios by file then position. */
export interface Catalogue {
  readonly departments: readonly Department[];
  readonly credentialTypes: readonly CredentialType[];
  readonly scenarios: readonly Scenario[];
}

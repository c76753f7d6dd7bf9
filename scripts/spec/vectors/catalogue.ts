// Vectors of SPEC.md §6: code keys, what the registries hold of credential types and scenarios, and grant ids.
import { AbiCoder, keccak256, ZeroHash } from "ethers";
import type { z } from "zod";
import { credentialTypeOnChain, scenarioOnChain } from "../../../lib/catalogue/onChain.ts";
import { credentialTypeSchema, SCENARIO_KINDS, scenarioSchema } from "../../../lib/catalogue/schemas.ts";
import { codeKey } from "../../../lib/encoding/codeKey.ts";
import { accepted, type Case, firstIssue, refused } from "./cases.ts";

export function codeKeyCases(): Case[] {
  const codes: [string, string][] = [
    ["a department code", "psb"],
    ["another department code", "market-regulation"],
    ["a credential type code", "resident-id-card"],
    ["another credential type code", "business-licence"],
    ["a scenario code", "open-convenience-store"],
    ["the UTF-8 bytes of whatever string: the catalogue allows only kebab-case ASCII, the registries any", "营业执照"],
  ];
  return codes.map(([name, code]) => accepted(name, { code }, () => ({ codeKey: codeKey(code) })));
}

/** The entry as the catalogue loader validates it (names trimmed), or its first problem. */
function parseEntry<T>(schema: z.ZodType<T>, entry: unknown): T {
  const result = schema.safeParse(entry);
  if (result.success) return result.data;
  throw new Error(firstIssue(result.error));
}

const schema = (properties: Record<string, unknown>, required: string[]) => ({
  $schema: "https://json-schema.org/draft/2020-12/schema",
  title: "居民身份证",
  type: "object",
  additionalProperties: false,
  required,
  properties,
});

const residentIdCard = {
  code: "resident-id-card",
  nameZh: "居民身份证",
  nameEn: "Resident identity card",
  version: 1,
  subjectKind: "person",
  issuers: ["psb"],
  defaultValidityDays: 3650,
  schema: schema(
    {
      name: { type: "string", minLength: 1, description: "姓名" },
      sex: { type: "string", enum: ["男", "女"], description: "性别" },
      birthDate: { type: "string", format: "date", description: "出生日期" },
    },
    ["name", "sex", "birthDate"],
  ),
};

const businessLicence = {
  code: "business-licence",
  nameZh: "营业执照",
  nameEn: "Business licence",
  version: 2,
  subjectKind: "organisation",
  issuers: ["market-regulation", "huairou-market-office"],
  defaultValidityDays: null,
  schema: {
    ...schema({ name: { type: "string", description: "名称 𠀀" }, "10": { type: "integer" } }, ["name"]),
    title: "营业执照",
  },
};

function typeOutput(entry: unknown) {
  const type = parseEntry(credentialTypeSchema, entry);
  return credentialTypeOnChain(type);
}

export function credentialTypeCases(): Case[] {
  const cases: [string, unknown][] = [
    ["a type with a default validity of 3650 days", residentIdCard],
    ["a type without default validity (null: 0 seconds), two issuers, a second version", businessLicence],
    [
      "the order of members in the seed file does not change the schema hash",
      { ...residentIdCard, schema: Object.fromEntries(Object.entries(residentIdCard.schema).reverse()) },
    ],
  ];
  const refusals: [string, unknown][] = [
    ["a code that is not kebab-case ASCII is refused", { ...residentIdCard, code: "Resident_ID" }],
    ["a default validity of 0 days is refused (null means none)", { ...residentIdCard, defaultValidityDays: 0 }],
    ["a type without issuers is refused", { ...residentIdCard, issuers: [] }],
  ];
  return [
    ...cases.map(([name, entry]) => accepted(name, { entry }, () => typeOutput(entry))),
    ...refusals.map(([name, entry]) => refused(name, { entry }, () => typeOutput(entry))),
  ];
}

/** What the vectors' matters need of each material (SPEC §6.5): the document's own facts, none of the holder's. */
const NEEDED: Record<string, string[]> = {
  "resident-id-card": ["issuingAuthority", "validUntil"],
  "house-lease-registration": ["filingNumber", "premisesAddress", "leaseEnd"],
  "business-licence": ["name", "domicile", "businessTermUntil"],
  "health-certificate": [],
};

const matter = (code: string, department: string, materials: string[], produces?: string) => ({
  code,
  nameZh: `事项 ${code}`,
  nameEn: `Matter ${code}`,
  department,
  materials,
  fields: Object.fromEntries(materials.map((m) => [m, NEEDED[m] ?? []])),
  ...(produces ? { produces } : {}),
});

const convenienceStore = {
  code: "open-convenience-store",
  kind: "theme",
  nameZh: "我要开便利店",
  nameEn: "Open a convenience store",
  version: 1,
  matters: [
    matter(
      "business-registration",
      "market-regulation",
      ["resident-id-card", "house-lease-registration"],
      "business-licence",
    ),
    matter("food-business-licence", "market-regulation", ["business-licence", "health-certificate"]),
    matter("tobacco-retail-licence", "tobacco", ["business-licence", "resident-id-card"], "tobacco-retail-licence"),
  ],
};

const filmGroup = {
  code: "film-shooting",
  kind: "film-group",
  nameZh: "影视拍摄",
  nameEn: "Film shooting",
  version: 1,
  matters: [],
};

const filmItem = {
  code: "street-shooting-permit",
  kind: "film-item",
  nameZh: "  街道拍摄许可\u3000",
  nameEn: " Street shooting permit ",
  version: 3,
  parent: "outdoor-shooting",
  matters: [matter("street-permit", "urban-management", ["business-licence"])],
};

function scenarioOutput(entry: unknown) {
  const scenario = parseEntry(scenarioSchema, entry);
  const projected = scenarioOnChain(scenario);
  return { ...projected, kindValue: SCENARIO_KINDS.indexOf(projected.kind) };
}

export function scenarioCases(): Case[] {
  const cases: [string, unknown][] = [
    ["a theme scenario: types and departments once each, in order of first appearance", convenienceStore],
    ["a film group: no matters, no parent", filmGroup],
    ["a film item with a parent; names are trimmed before hashing", filmItem],
    [
      "the film item with its names already trimmed: the same definition hash",
      { ...filmItem, nameZh: "街道拍摄许可", nameEn: "Street shooting permit" },
    ],
  ];
  const refusals: [string, unknown][] = [
    ["an unknown kind is refused", { ...convenienceStore, kind: "festival" }],
    ["a member the scenario format does not have is refused", { ...convenienceStore, note: "x" }],
  ];
  return [
    ...cases.map(([name, entry]) => accepted(name, { entry }, () => scenarioOutput(entry))),
    ...refusals.map(([name, entry]) => refused(name, { entry }, () => scenarioOutput(entry))),
  ];
}

interface GrantInput {
  provider: number;
  consumer: number;
  credentialType: string;
  /** A scenario code, or null for a grant for any purpose. */
  purpose: string | null;
}

/** SharingGrantRegistry.grantIdOf: the test holds these to the contract itself. */
function grantOutput(input: GrantInput) {
  const credentialTypeKey = codeKey(input.credentialType);
  const purposeKey = input.purpose === null ? ZeroHash : codeKey(input.purpose);
  const grantId = keccak256(
    AbiCoder.defaultAbiCoder().encode(
      ["uint32", "uint32", "bytes32", "bytes32"],
      [input.provider, input.consumer, credentialTypeKey, purposeKey],
    ),
  );
  return { credentialTypeKey, purposeKey, grantId };
}

export function grantIdCases(): Case[] {
  const cases: [string, GrantInput][] = [
    [
      "a grant for one purpose",
      { provider: 2, consumer: 3, credentialType: "business-licence", purpose: "open-convenience-store" },
    ],
    [
      "a grant for any purpose: the zero purpose",
      { provider: 2, consumer: 3, credentialType: "business-licence", purpose: null },
    ],
    [
      "provider and consumer swapped: another grant",
      { provider: 3, consumer: 2, credentialType: "business-licence", purpose: "open-convenience-store" },
    ],
    [
      "the largest department ids",
      { provider: 2 ** 32 - 1, consumer: 2 ** 32 - 2, credentialType: "resident-id-card", purpose: null },
    ],
  ];
  return cases.map(([name, input]) => accepted(name, input, () => grantOutput(input)));
}

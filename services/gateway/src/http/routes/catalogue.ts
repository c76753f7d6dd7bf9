// The catalogue as this gateway serves it, each entry with its hash and whether it matches the chain.
import { z } from "zod";
import type { ScenarioEntry, TypeEntry } from "../../catalogue/catalogueService.ts";
import { GatewayError } from "../../errors/GatewayError.ts";
import { defineRoute } from "../route.ts";

const ANY_ROLE = ["issuer", "consumer", "auditor", "operator"] as const;

export const typeView = (e: TypeEntry) => ({
  code: e.type.code,
  nameZh: e.type.nameZh,
  nameEn: e.type.nameEn,
  version: e.type.version,
  typeId: e.typeId,
  subjectKind: e.type.subjectKind,
  issuers: e.type.issuers,
  defaultValidityDays: e.type.defaultValidityDays,
  schemaHash: e.schemaHash,
  onChainSchemaHash: e.onChainSchemaHash,
  verified: e.verified,
});

export const scenarioView = (e: ScenarioEntry) => ({
  code: e.scenario.code,
  kind: e.scenario.kind,
  nameZh: e.scenario.nameZh,
  nameEn: e.scenario.nameEn,
  version: e.scenario.version,
  parent: e.scenario.parent ?? null,
  definitionHash: e.definitionHash,
  onChainDefinitionHash: e.onChainDefinitionHash,
  verified: e.verified,
});

const hashCheck = { verified: z.boolean().meta({ description: "The seed entry hashes to what the chain holds" }) };
const typeSummary = z.object({
  code: z.string(),
  nameZh: z.string(),
  nameEn: z.string(),
  schemaHash: z.string(),
  ...hashCheck,
});
const scenarioSummary = z.object({
  code: z.string(),
  kind: z.string(),
  nameZh: z.string(),
  definitionHash: z.string(),
  ...hashCheck,
});

export const listTypesRoute = defineRoute({
  method: "get",
  path: "/catalogue/types",
  operationId: "listCredentialTypes",
  summary: "List the credential types",
  description:
    "The shared credential types, each with the hash of its JSON Schema and whether the chain holds that hash.",
  tags: ["catalogue"],
  auth: ANY_ROLE,
  responses: { 200: { description: "Credential types", schema: z.object({ types: z.array(typeSummary) }) } },
  async handler({ services }) {
    return { status: 200, body: { types: services.catalogue.types().map(typeView) } };
  },
});

export const getTypeRoute = defineRoute({
  method: "get",
  path: "/catalogue/types/:code",
  operationId: "getCredentialType",
  summary: "Read a credential type",
  description: "One credential type with its JSON Schema, its issuers and whether the chain holds its schema's hash.",
  tags: ["catalogue"],
  auth: ANY_ROLE,
  params: z.object({ code: z.string().meta({ description: "The credential type's code, e.g. `resident-id-card`" }) }),
  errors: ["UNKNOWN_CREDENTIAL_TYPE"],
  responses: {
    200: {
      description: "The credential type",
      schema: typeSummary.extend({ schema: z.record(z.string(), z.unknown()) }),
    },
  },
  async handler({ services, params }) {
    const entry = services.catalogue.type(params.code);
    return { status: 200, body: { ...typeView(entry), schema: entry.type.schema } };
  },
});

export const listScenariosRoute = defineRoute({
  method: "get",
  path: "/catalogue/scenarios",
  operationId: "listScenarios",
  summary: "List the scenarios",
  description:
    "The scenarios (theme services, matters, film-platform items), each with whether the chain holds its definition's hash.",
  tags: ["catalogue"],
  auth: ANY_ROLE,
  query: z.object({
    kind: z
      .string()
      .optional()
      .meta({ description: "Only the scenarios of this kind, e.g. `theme`, `tidal` or `film-item`" }),
  }),
  responses: { 200: { description: "Scenarios", schema: z.object({ scenarios: z.array(scenarioSummary) }) } },
  async handler({ services, query }) {
    const all = services.catalogue.scenarios().filter((e) => !query.kind || e.scenario.kind === query.kind);
    return { status: 200, body: { scenarios: all.map(scenarioView) } };
  },
});

export const getScenarioRoute = defineRoute({
  method: "get",
  path: "/catalogue/scenarios/:code",
  operationId: "getScenario",
  summary: "Read a scenario",
  description:
    "One scenario's full definition, its matters and the materials each needs, and whether the chain holds its hash.",
  tags: ["catalogue"],
  auth: ANY_ROLE,
  params: z.object({ code: z.string().meta({ description: "The scenario's code, e.g. `open-convenience-store`" }) }),
  errors: ["UNKNOWN_SCENARIO"],
  responses: {
    200: { description: "The scenario", schema: scenarioSummary.extend({ matters: z.array(z.unknown()) }) },
  },
  async handler({ services, params }) {
    const entry = services.catalogue.scenario(params.code);
    if (!entry) throw new GatewayError("UNKNOWN_SCENARIO", { field: "code" });
    return { status: 200, body: { ...scenarioView(entry), matters: entry.scenario.matters } };
  },
});

// Routes of scenario applications: apply (materials checked with the issuers), read one, and the totals.
import { z } from "zod";
import { GatewayError } from "../../errors/GatewayError.ts";
import { applicationIdSchema } from "../../federation/protocol.ts";
import { applicationStore } from "../../scenarios/applicationStore.ts";
import { applicationView } from "../../scenarios/applicationView.ts";
import { applyScenario } from "../../scenarios/applyScenario.ts";
import { REQUIRED_REASONS, UNAVAILABLE_REASONS } from "../../scenarios/materialOutcome.ts";
import { defineRoute } from "../route.ts";
import { catalogueCode, subjectSchema } from "../schemas.ts";

const evidenceSchema = z
  .object({
    issuer: z.string().meta({ description: "Code of the department that holds the record" }),
    issuerId: z.number(),
    status: z.string().meta({ description: 'The verdict on the record: "valid" for a waived material' }),
    asOfBlock: z.number().meta({ description: "The block of the chain the verdict is as of" }),
  })
  .meta({
    description:
      "What the gateway verified on chain for the material: the issuer and its verdict. The record hash and its " +
      "anchor (transaction, block, batch root, proof, validity) stay in the gateway: a record's event on chain names " +
      "its subject reference, so they would link the application to the person",
  });

const outcomeSchema = z.discriminatedUnion("status", [
  z.object({
    status: z.literal("waived"),
    shared: z.boolean(),
    evidence: evidenceSchema,
    data: z.record(z.string(), z.unknown()).optional(),
  }),
  z.object({
    status: z.literal("required"),
    reason: z.enum(REQUIRED_REASONS),
    issuer: z.string().optional(),
    evidence: evidenceSchema.optional(),
  }),
  z
    .object({ status: z.literal("unavailable"), reason: z.enum(UNAVAILABLE_REASONS), issuer: z.string().optional() })
    .meta({
      description:
        "Could not be checked now: an issuer did not answer within the gateway's peer timeout (timeout), could not be " +
        "reached (unreachable), lists no endpoint on chain (no-endpoint) or answered what could not be read " +
        "(peer-error), or the chain did not answer (chain-unavailable). Neither waived nor required: evaluating the " +
        "application again may waive it",
    }),
]);

const countsSchema = z.object({
  materials: z.number(),
  waived: z.number(),
  required: z.number(),
  unavailable: z.number(),
});

const applicationSchema = z
  .object({
    applicationId: z.string(),
    department: z.string(),
    status: z.enum(["open", "closed"]).meta({ description: "open: live, evaluated again on request, data released" }),
    expiresAt: z.string().meta({ description: "When an open application stops taking evaluations (ISO 8601)" }),
    closedAt: z.string().optional(),
    scenario: z.object({
      code: z.string(),
      nameZh: z.string(),
      nameEn: z.string(),
      version: z.number(),
      definitionHash: z.string(),
    }),
    submittedAt: z.string(),
    evaluatedAt: z.string(),
    evaluations: z.number(),
    materials: z.array(
      z.object({ credentialType: z.string(), nameZh: z.string(), nameEn: z.string(), outcome: outcomeSchema }),
    ),
    matters: z.array(
      z.object({
        code: z.string(),
        nameZh: z.string(),
        nameEn: z.string(),
        department: z.string(),
        materials: z.array(z.string()),
        waived: z.array(z.string()),
        mayCommit: z
          .array(z.string())
          .describe(
            "Materials neither waived nor on hand that the matter accepts the applicant's commitment for (告知承诺): " +
              "the applicant may commit to them instead of submitting them; they are in neither required nor unavailable",
          ),
        required: z.array(z.string()).describe("Materials to be submitted"),
        unavailable: z.array(z.string()).describe("Materials whose issuer could not be asked now"),
        procedure: z.enum(["standard", "commitment"]),
        commitment: z
          .object({
            materials: z.array(z.string()),
            replacesDays: z.number(),
            checkedBy: z.string(),
            checkWithinDays: z.number(),
          })
          .optional()
          .describe("The matter's commitment terms from the catalogue, fixed by the scenario's hash on chain"),
      }),
    ),
    counts: countsSchema,
    breachedCommitments: z
      .array(
        z.object({
          commitmentId: z.string(),
          scenario: z.string(),
          matter: z.string(),
          breachedAt: z.string(),
          reason: z.string(),
        }),
      )
      .optional()
      .describe(
        "Commitments the applicant broke at this department: while there are any, no matter here accepts their " +
          "commitment (mayCommit is empty), and the materials it would have are to be submitted",
      ),
  })
  .meta({
    id: "Application",
    description:
      "An application, without its subject's references: those never leave the gateway in an answer to a request that " +
      "names a person",
  });

const scenarioTotals = z.object({
  applications: z.number(),
  materialsRequested: z.number(),
  materialsWaived: z.number().meta({ description: "Materials no longer collected from applicants" }),
  materialsRequired: z.number(),
  materialsUnavailable: z.number(),
});

export const applyRoute = defineRoute({
  method: "post",
  path: "/applications",
  operationId: "applyScenario",
  summary: "Apply for a scenario",
  description:
    "Every material the scenario's matters need is asked of its authoritative issuers' gateways and verified on " +
    "chain: waived (with the data, where a sharing grant covers it), required (still to be submitted) or unavailable " +
    "(could not be checked now: an issuer did not answer within the peer timeout or cannot be reached; the rest of " +
    "the application is answered). Without an applicationId a new application is opened (its id is minted here); " +
    "with the id of a live application of this department (same scenario and subject) it is evaluated again. Each " +
    "API key may open a bounded number of new applications an hour (429 beyond, flagged in the log).",
  tags: ["applications"],
  auth: ["consumer"],
  body: z.strictObject({
    scenario: catalogueCode,
    subject: subjectSchema,
    organisation: subjectSchema.optional(),
    applicationId: applicationIdSchema.optional(),
  }),
  idempotent: true,
  responses: {
    201: { description: "A new application, evaluated (with any data the issuers shared)", schema: applicationSchema },
    200: { description: "An application re-evaluated", schema: applicationSchema },
  },
  errors: [
    "INVALID_SUBJECT_ID",
    "UNKNOWN_SCENARIO",
    "APPLICATION_NOT_FOUND",
    "APPLICATION_CONFLICT",
    "APPLICATION_CLOSED",
    "TOO_MANY_APPLICATIONS",
    "CATALOGUE_MISMATCH",
    "IDEMPOTENCY_KEY_REUSED",
  ],
  async handler({ department, services, caller, body, rememberAnswer }) {
    const ctx = { services, department, keyId: caller?.keyId ?? "", rememberAnswer };
    const { application, created } = await applyScenario(ctx, body);
    return {
      status: created ? 201 : 200,
      body: applicationView(application),
      headers: { Location: `applications/${application.applicationId}` },
    };
  },
});

export const closeApplicationRoute = defineRoute({
  method: "post",
  path: "/applications/:applicationId/close",
  operationId: "closeApplication",
  summary: "Close an application",
  description:
    "Closes an application once it is decided: it is kept, and takes no more evaluations, so no more data is " +
    "released for it. Closing a closed application changes nothing.",
  tags: ["applications"],
  auth: ["consumer"],
  params: z.object({ applicationId: applicationIdSchema }),
  body: z.strictObject({}).optional(),
  responses: { 200: { description: "The application, closed", schema: applicationSchema } },
  errors: ["APPLICATION_NOT_FOUND"],
  async handler({ department, services, params }) {
    const closed = await applicationStore(department.store).close(
      params.applicationId,
      new Date(services.now()).toISOString(),
    );
    if (!closed) throw new GatewayError("APPLICATION_NOT_FOUND", { field: "applicationId" });
    return { status: 200, body: applicationView(closed) };
  },
});

export const getApplicationRoute = defineRoute({
  method: "get",
  path: "/applications/:applicationId",
  operationId: "getApplication",
  summary: "Read an application",
  description:
    "An application as last evaluated: the evidence for each material (issuer and verdict, no record hash or " +
    "anchor), without the record data received.",
  tags: ["applications"],
  auth: ["consumer", "auditor"],
  params: z.object({ applicationId: applicationIdSchema }),
  responses: { 200: { description: "The application", schema: applicationSchema } },
  errors: ["APPLICATION_NOT_FOUND"],
  async handler({ department, params }) {
    const application = await applicationStore(department.store).get(params.applicationId);
    if (!application) throw new GatewayError("APPLICATION_NOT_FOUND", { field: "applicationId" });
    return { status: 200, body: applicationView(application) };
  },
});

export const applicationTotalsRoute = defineRoute({
  method: "get",
  path: "/applications",
  operationId: "applicationTotals",
  summary: "Application totals",
  description:
    "Totals of this department's applications, overall and by scenario: materials requested, waived (no longer " +
    "collected from applicants), still required and unavailable.",
  tags: ["applications"],
  auth: ["auditor", "operator"],
  responses: {
    200: {
      description: "The totals",
      schema: scenarioTotals.extend({ byScenario: z.record(z.string(), scenarioTotals) }),
    },
  },
  async handler({ department }) {
    return { status: 200, body: await applicationStore(department.store).totals() };
  },
});

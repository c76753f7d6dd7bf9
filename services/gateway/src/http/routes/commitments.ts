// Routes of applicants' commitments (告知承诺): record one for an application, read it, check it now, name the record
// its approval produced, mark it breached; and the department's figures.
import { z } from "zod";
import { BREACH_REASONS, breachCommitment, recordProduced } from "../../commitments/commitmentDecisions.ts";
import { commitmentStore } from "../../commitments/commitmentStore.ts";
import { commitmentView } from "../../commitments/commitmentView.ts";
import { figuresOf } from "../../commitments/figures.ts";
import { checkCommitment } from "../../commitments/followCommitments.ts";
import { CONFIRMATIONS, recordCommitment } from "../../commitments/recordCommitment.ts";
import type { DepartmentRuntime } from "../../department.ts";
import { applicationIdSchema } from "../../federation/protocol.ts";
import { defineRoute } from "../route.ts";
import { catalogueCode, hex32, subjectSchema } from "../schemas.ts";

export const commitmentIdSchema = z
  .string()
  .regex(/^cmt-[A-Za-z0-9_-]{22}$/, "must be a commitment id this gateway gave out (cmt- and 22 characters)")
  .meta({ description: "A commitment id minted by the gateway: cmt- and 22 base64url characters (16 random bytes)" });

const isoInstant = z.iso.datetime({ offset: true });

const commitmentSchema = z
  .object({
    commitmentId: z.string(),
    applicationId: z.string(),
    department: z.string().meta({ description: "The department that decided on the commitment and keeps it" }),
    scenario: z.object({ code: z.string(), version: z.number(), definitionHash: z.string() }),
    matter: z.object({ code: z.string(), nameZh: z.string(), nameEn: z.string(), produces: z.string().optional() }),
    materials: z.array(
      z.object({
        credentialType: z.string(),
        fulfilledAt: z.string().optional(),
        evidence: z
          .object({ issuer: z.string(), issuerId: z.number(), status: z.string(), asOfBlock: z.number() })
          .optional()
          .meta({ description: "What was verified on chain of the issuer's record that fulfilled the commitment" }),
      }),
    ),
    recordHash: z.string().meta({
      description:
        "The commitment's own record (type applicant-commitment, issued by this department, anchored like any record): " +
        "what was promised, the text shown and its hash, the confirmation, the check window",
    }),
    committedAt: z.string(),
    applicationSubmittedAt: z.string(),
    replacesDays: z
      .number()
      .meta({ description: "The statutory time limit (days) the decision on commitment replaces" }),
    checkedBy: z.string(),
    checkBy: z.string().meta({ description: "The last day of the check window in Beijing (YYYY-MM-DD)" }),
    dueAt: z.string().meta({
      description: "The end of that day in Beijing (UTC+8): from then on an open commitment is overdue",
    }),
    followedUntil: z.string().meta({
      description: "Until when the gateway asks the issuers by itself; a check on request still asks after it",
    }),
    stoppedFollowingAt: z.string().optional(),
    status: z.enum(["open", "fulfilled", "overdue", "breached"]).meta({
      description:
        "open: the promised records are awaited; fulfilled: each was found anchored and valid for its subject; " +
        "overdue: the window ended first (it still turns fulfilled if they come); breached: found broken (final)",
    }),
    fulfilledAt: z.string().optional(),
    overdueAt: z.string().optional(),
    produced: z
      .object({ recordHash: z.string(), credentialType: z.string(), at: z.string() })
      .optional()
      .meta({ description: "The record the approval produced (the licence issued on the commitment)" }),
    breach: z
      .object({ at: z.string(), reason: z.enum(BREACH_REASONS), revokedRecord: z.string().optional() })
      .optional(),
  })
  .meta({ id: "Commitment", description: "A commitment, without its subject's references" });

const commitmentParams = z.object({ commitmentId: commitmentIdSchema });

const held = (department: DepartmentRuntime, commitmentId: string) =>
  commitmentStore(department.store).held(commitmentId);

export const recordCommitmentRoute = defineRoute({
  method: "post",
  path: "/applications/:applicationId/commitments",
  operationId: "recordCommitment",
  summary: "Record an applicant's commitment (告知承诺)",
  description:
    "For a matter of a live application that this department decides: the materials the applicant commits to instead " +
    "of submitting them (each one the matter accepts a commitment for, and not waived), the text shown to the " +
    "applicant (its sha256 is checked when given) and how and when they confirmed it. The applicant is named again " +
    "and must be the application's. Issued as a record of the type applicant-commitment (sealed at rest, anchored on " +
    "chain), and followed from then on: fulfilled once the authoritative issuer's record is found for the subject, " +
    "overdue when the check window ends first. An applicant who broke a commitment to this department may not commit " +
    "again (409 COMMITMENT_BARRED).",
  tags: ["commitments"],
  auth: ["consumer"],
  params: z.object({ applicationId: applicationIdSchema }),
  body: z.strictObject({
    subject: subjectSchema,
    matter: catalogueCode,
    materials: z.array(catalogueCode).min(1).max(64),
    statement: z
      .string()
      .max(4_000)
      .refine((text) => text.trim().length > 0, "must not be blank")
      .meta({ description: "The text shown to the applicant, exactly as shown: it is kept and hashed as sent" }),
    statementHash: hex32.optional(),
    confirmation: z.enum(CONFIRMATIONS),
    confirmedAt: isoInstant,
  }),
  idempotent: true,
  responses: { 201: { description: "The commitment, recorded and queued for anchoring", schema: commitmentSchema } },
  errors: [
    "INVALID_SUBJECT_ID",
    "APPLICATION_NOT_FOUND",
    "APPLICATION_CONFLICT",
    "APPLICATION_CLOSED",
    "MATERIAL_NOT_COMMITTABLE",
    "MATERIAL_WAIVED",
    "COMMITMENT_EXISTS",
    "COMMITMENT_BARRED",
    "FORBIDDEN_DEPARTMENT",
    "CATALOGUE_MISMATCH",
    "IDEMPOTENCY_KEY_REUSED",
  ],
  async handler({ department, services, caller, params, body, rememberAnswer }) {
    const ctx = { services, department, caller, rememberAnswer };
    const { commitment } = await recordCommitment(ctx, params.applicationId, body);
    return {
      status: 201,
      body: commitmentView(commitment),
      // Relative to …/applications/{id}/commitments: the commitment is …/commitments/{id} of the department.
      headers: { Location: `../../commitments/${commitment.commitmentId}` },
    };
  },
});

export const getCommitmentRoute = defineRoute({
  method: "get",
  path: "/commitments/:commitmentId",
  operationId: "getCommitment",
  summary: "Read a commitment",
  description: "A commitment this department holds, as it stands: its materials, what fulfilled them, its status.",
  tags: ["commitments"],
  auth: ["consumer", "issuer", "auditor"],
  params: commitmentParams,
  responses: { 200: { description: "The commitment", schema: commitmentSchema } },
  errors: ["COMMITMENT_NOT_FOUND"],
  async handler({ department, params }) {
    return { status: 200, body: commitmentView(await held(department, params.commitmentId)) };
  },
});

export const checkCommitmentRoute = defineRoute({
  method: "post",
  path: "/commitments/:commitmentId/check",
  operationId: "checkCommitment",
  summary: "Check a commitment now",
  description:
    "Asks the authoritative issuers for the materials still awaited now, as the gateway does on its own every " +
    "commitment-check interval (each query is in the issuer's access log), and answers the commitment as it then " +
    "stands. A fulfilled or breached commitment is answered as it is.",
  tags: ["commitments"],
  auth: ["consumer", "issuer"],
  params: commitmentParams,
  body: z.strictObject({}).optional(),
  responses: { 200: { description: "The commitment, checked", schema: commitmentSchema } },
  errors: ["COMMITMENT_NOT_FOUND"],
  async handler({ department, services, params }) {
    await held(department, params.commitmentId);
    const checked = await checkCommitment({ services, department }, params.commitmentId, { askNow: true });
    return { status: 200, body: commitmentView(checked ?? (await held(department, params.commitmentId))) };
  },
});

export const producedRoute = defineRoute({
  method: "post",
  path: "/commitments/:commitmentId/produced",
  operationId: "nameProducedRecord",
  summary: "Name the record the approval produced",
  description:
    "The record this department issued on the commitment (the licence): of the type the matter produces, about the " +
    "applicant or the application's organisation, issued on or after the commitment, neither revoked nor superseded. " +
    "A breach revokes it (or what superseded it since). Naming the same record again changes nothing.",
  tags: ["commitments"],
  auth: ["issuer"],
  params: commitmentParams,
  body: z.strictObject({ recordHash: hex32 }),
  responses: { 200: { description: "The commitment", schema: commitmentSchema } },
  errors: [
    "COMMITMENT_NOT_FOUND",
    "COMMITMENT_BREACHED",
    "COMMITMENT_DECIDED",
    "RECORD_NOT_FOUND",
    "RECORD_ALREADY_REVOKED",
    "RECORD_ALREADY_SUPERSEDED",
  ],
  async handler({ department, services, caller, params, body }) {
    const commitment = await recordProduced({ services, department, caller }, params.commitmentId, body.recordHash);
    return { status: 200, body: commitmentView(commitment) };
  },
});

export const breachRoute = defineRoute({
  method: "post",
  path: "/commitments/:commitmentId/breach",
  operationId: "breachCommitment",
  summary: "Mark a commitment breached",
  description:
    "The department found the commitment broken: the record its approval produced (or the record that superseded it " +
    "since) is revoked on chain with reason code 16 (approved on a commitment that was breached), the breach is kept " +
    "with its reason code and logged, and the applicant's later applications here show it. Where the matter produces " +
    "a record, it must be named first (409 COMMITMENT_NOT_DECIDED). Final.",
  tags: ["commitments"],
  auth: ["issuer"],
  params: commitmentParams,
  body: z.strictObject({ reason: z.enum(BREACH_REASONS) }),
  responses: { 200: { description: "The commitment, breached", schema: commitmentSchema } },
  errors: [
    "COMMITMENT_NOT_FOUND",
    "COMMITMENT_BREACHED",
    "COMMITMENT_NOT_DECIDED",
    "RECORD_NOT_ANCHORED",
    "RECORD_CHANGE_IN_PROGRESS",
    "DEPARTMENT_SUSPENDED",
    "REGISTRY_CLOSED",
    "CHAIN_UNAVAILABLE",
  ],
  async handler({ department, services, caller, params, body }) {
    const commitment = await breachCommitment({ services, department, caller }, params.commitmentId, body.reason);
    return { status: 200, body: commitmentView(commitment) };
  },
});

export const figuresSchema = z.object({
  applications: z.number(),
  materialsRequested: z.number(),
  materialsWaived: z.number().meta({ description: "Materials no longer collected: the data travelled instead" }),
  materialsCommitted: z.number().meta({ description: "Materials accepted on the applicant's commitment" }),
  commitments: z.number(),
  open: z.number(),
  fulfilled: z.number(),
  overdue: z.number(),
  breached: z.number(),
  daysSaved: z.number().meta({
    description:
      "Statutory time limits (days) replaced by decisions on commitment made the day the application came in",
  }),
});

export const figuresRoute = defineRoute({
  method: "get",
  path: "/figures",
  operationId: "departmentFigures",
  summary: "The department's figures",
  description:
    "Applications submitted and commitments recorded in [from, to): applications, materials requested, waived by " +
    "shared data and accepted on commitment; commitments open, fulfilled, overdue and breached (as they stand now); " +
    "days of waiting saved. Overall, per scenario and per day (in Beijing); counts only, no subject.",
  tags: ["commitments"],
  auth: ["auditor", "operator"],
  query: z
    .object({
      from: isoInstant.optional().meta({ description: "Inclusive (ISO 8601); default: the beginning" }),
      to: isoInstant.optional().meta({ description: "Exclusive (ISO 8601); default: no end" }),
    })
    .refine((q) => q.from === undefined || q.to === undefined || Date.parse(q.to) >= Date.parse(q.from), {
      path: ["to"],
      message: "must not be before from",
    }),
  responses: {
    200: {
      description: "The figures",
      schema: figuresSchema.extend({
        department: z.string(),
        byScenario: z.record(z.string(), figuresSchema),
        byDay: z
          .record(z.string(), figuresSchema)
          .meta({ description: "By the day (YYYY-MM-DD, in Beijing) an application came in or a commitment was made" }),
      }),
    },
  },
  async handler({ department, query }) {
    const range = {
      ...(query.from ? { from: Date.parse(query.from) } : {}),
      ...(query.to ? { to: Date.parse(query.to) } : {}),
    };
    return { status: 200, body: await figuresOf(department, range) };
  },
});

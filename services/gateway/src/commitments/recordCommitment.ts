// Recording an applicant's commitment (告知承诺): checked against the application as evaluated and the matter's terms,
// then issued as a record of the commitment type (sealed, anchored) together with the commitment it opens.
import { createHash, randomBytes } from "node:crypto";
import type { CommitmentOutcome } from "../../../../lib/audit/accessLogEntry.ts";
import { COMMITMENT_TYPE } from "../../../../lib/catalogue/schemas.ts";
import type { Hex32 } from "../../../../lib/encoding/canonical.ts";
import type { Caller } from "../auth/apiKeys.ts";
import type { DepartmentRuntime } from "../department.ts";
import { GatewayError } from "../errors/GatewayError.ts";
import { issueRecordAbout, type SubjectInput, subjectRefOf } from "../records/issueRecord.ts";
import { applicationStore, refuseUnlessLive } from "../scenarios/applicationStore.ts";
import type { GatewayServices } from "../services.ts";
import type { BatchOp } from "../store/departmentStore.ts";
import { type CommittedMaterial, commitmentStore, type StoredCommitment } from "./commitmentStore.ts";
import { commitmentView } from "./commitmentView.ts";

export const CONFIRMATIONS = ["handwritten-signature", "electronic-signature", "sms-code", "face-recognition"] as const;

export interface CommitmentInput {
  /** The applicant, named again at the counter: the application must be theirs. */
  subject: SubjectInput;
  matter: string;
  materials: string[];
  /** The text shown to the applicant, which they confirmed. */
  statement: string;
  /** sha256 of the statement's UTF-8 bytes, as the clerk's system computed it: checked, when given. */
  statementHash?: Hex32;
  confirmation: (typeof CONFIRMATIONS)[number];
  confirmedAt: string;
}

export interface CommitmentCtx {
  services: GatewayServices;
  department: DepartmentRuntime;
  caller?: Caller;
  rememberAnswer?: (answer: { status: number; body: unknown }) => BatchOp[];
}

const DAY_MS = 86_400_000;
/** How far ahead of the gateway's clock a confirmation may be dated: the clerk's machine may run a little fast. */
const CLOCK_SKEW_MS = 5 * 60_000;

export const newCommitmentId = () => `cmt-${randomBytes(16).toString("base64url")}`;

export const statementHashOf = (statement: string) =>
  `0x${createHash("sha256").update(statement, "utf8").digest("hex")}` as Hex32;

const BEIJING_OFFSET_MS = 8 * 3_600_000;
/** The calendar day in Beijing (UTC+8, no daylight saving) an instant falls on, as YYYY-MM-DD. */
export const beijingDay = (ms: number) => new Date(ms + BEIJING_OFFSET_MS).toISOString().slice(0, 10);
/** The instant a Beijing calendar day (YYYY-MM-DD) ends: midnight in Beijing at the start of the next day. */
export const endOfBeijingDay = (day: string) => Date.parse(`${day}T00:00:00+08:00`) + DAY_MS;

/** How long after its window a commitment is still followed by the gateway by itself: a late record still counts. */
export const FOLLOW_AFTER_DUE_MS = 30 * DAY_MS;

/** An applicant who broke a commitment to this department may not commit again (信用: 虚假承诺者不再适用告知承诺). */
export async function breachesOf(department: DepartmentRuntime, subjectRef: Hex32) {
  const all = await commitmentStore(department.store).about(subjectRef);
  return all.filter((c) => c.status === "breached");
}

export async function recordCommitment(ctx: CommitmentCtx, applicationId: string, input: CommitmentInput) {
  const { services, department } = ctx;
  const commitments = commitmentStore(department.store);
  const now = services.now();
  const application = await applicationStore(department.store).get(applicationId);
  if (!application) throw new GatewayError("APPLICATION_NOT_FOUND", { field: "applicationId" });
  const subjectRef = subjectRefOf(input.subject, services.districtSecret);
  if (subjectRef !== application.subjectRef) {
    throw new GatewayError("APPLICATION_CONFLICT", {
      field: "subject",
      detail: "the application is another applicant's: a commitment is recorded for the applicant who applied",
    });
  }
  refuseUnlessLive(application, application.scenario.code, subjectRef, now);
  // The commitment is the applicant's own written promise, and its record is about them: a person.
  if (input.subject.idType === "unified-social-credit-code") {
    throw new GatewayError("VALIDATION_FAILED", {
      field: "subject.idType",
      detail: "a commitment is made by a person: apply with the person as applicant and the organisation beside them",
    });
  }
  const matter = application.matters.find((m) => m.code === input.matter);
  if (!matter) {
    throw new GatewayError("VALIDATION_FAILED", {
      field: "matter",
      // Matter codes are the catalogue's, never the client's text: they may be listed.
      detail: `the application's scenario has no such matter; its matters are ${application.matters.map((m) => m.code).join(", ")}`,
    });
  }
  if (matter.department !== department.code) {
    throw new GatewayError("FORBIDDEN_DEPARTMENT", {
      field: "matter",
      detail: `the matter is decided by ${matter.department}: its commitments are recorded there`,
    });
  }
  const terms = matter.commitment;
  if (!terms) {
    throw new GatewayError("MATERIAL_NOT_COMMITTABLE", {
      field: "matter",
      detail: "the matter accepts no commitment: its materials are to be submitted",
    });
  }
  const seen = new Set<string>();
  input.materials.forEach((material, i) => {
    const field = `materials.${i}`;
    if (seen.has(material)) throw new GatewayError("VALIDATION_FAILED", { field, detail: "a material named twice" });
    seen.add(material);
    if (!terms.materials.includes(material)) {
      throw new GatewayError("MATERIAL_NOT_COMMITTABLE", {
        field,
        detail: matter.materials.includes(material)
          ? "the matter accepts no commitment for this material: it is to be submitted"
          : "the matter does not ask for this material",
      });
    }
    if (matter.waived.includes(material)) {
      throw new GatewayError("MATERIAL_WAIVED", {
        field,
        detail: "the material is waived by shared data: there is nothing to commit to",
      });
    }
  });
  if (input.statementHash !== undefined && input.statementHash !== statementHashOf(input.statement)) {
    throw new GatewayError("VALIDATION_FAILED", {
      field: "statementHash",
      detail: "is not the sha256 of the statement's UTF-8 bytes: the text confirmed is not the text sent",
    });
  }
  const confirmedAt = Date.parse(input.confirmedAt);
  if (confirmedAt > now + CLOCK_SKEW_MS || confirmedAt < Date.parse(application.submittedAt) - CLOCK_SKEW_MS) {
    throw new GatewayError("VALIDATION_FAILED", {
      field: "confirmedAt",
      detail: "must lie between the application's submission and now",
    });
  }
  // The applicant is a person (above), so the application's subject reference is theirs.
  const refs = { person: application.subjectRef, organisation: application.organisationRef };
  const materials: CommittedMaterial[] = input.materials.map((credentialType, i) => {
    const kind = services.catalogue.type(credentialType).type.subjectKind;
    const ref = kind === "person" ? refs.person : refs.organisation;
    if (!ref) {
      throw new GatewayError("VALIDATION_FAILED", {
        field: `materials.${i}`,
        detail: "the material is about the organisation, which the application does not name: it could not be checked",
      });
    }
    return { credentialType, subjectRef: ref };
  });

  return commitments.exclusively(async () => {
    for (const [i, material] of input.materials.entries()) {
      if (await commitments.forMaterial(applicationId, matter.code, material)) {
        throw new GatewayError("COMMITMENT_EXISTS", {
          field: `materials.${i}`,
          detail: "the applicant has already committed to this material for this matter of the application",
        });
      }
    }
    if ((await breachesOf(department, subjectRef)).length > 0) {
      throw new GatewayError("COMMITMENT_BARRED", { field: "subject" });
    }
    const committedAt = new Date(now).toISOString();
    // The window ends with the last day its record names, in Beijing: the day checkWithinDays after the decision.
    const checkBy = beijingDay(now + terms.checkWithinDays * DAY_MS);
    const dueAt = endOfBeijingDay(checkBy);
    const commitmentId = newCommitmentId();
    const { code: scenario, version: scenarioVersion, definitionHash } = application.scenario;
    let stored: StoredCommitment | undefined;
    const issued = await issueRecordAbout(
      {
        department,
        catalogue: services.catalogue,
        store: department.store,
        districtSecret: services.districtSecret,
        index: services.index,
        now: services.now,
      },
      { ref: subjectRef, kind: "person" },
      {
        credentialType: COMMITMENT_TYPE,
        fields: {
          applicationId,
          scenario,
          scenarioVersion,
          definitionHash,
          matter: matter.code,
          materials: input.materials,
          statement: input.statement,
          statementHash: statementHashOf(input.statement),
          confirmation: input.confirmation,
          confirmedAt: new Date(confirmedAt).toISOString(),
          decidedBy: department.code,
          checkedBy: terms.checkedBy,
          checkBy,
          replacesDays: terms.replacesDays,
        },
      },
      (record) => {
        stored = {
          commitmentId,
          applicationId,
          department: department.code,
          scenario: { code: scenario, version: scenarioVersion, definitionHash },
          matter: {
            code: matter.code,
            nameZh: matter.nameZh,
            nameEn: matter.nameEn,
            ...producesOf(ctx, scenario, matter.code),
          },
          subjectRef,
          subjects: [refs.person, refs.organisation].filter((r): r is Hex32 => r !== undefined),
          materials,
          recordHash: record.recordHash,
          committedAt,
          applicationSubmittedAt: application.submittedAt,
          replacesDays: terms.replacesDays,
          checkedBy: terms.checkedBy,
          checkBy,
          dueAt: new Date(dueAt).toISOString(),
          status: "open",
          nextCheckAt: committedAt,
          checks: 0,
          followedUntil: new Date(dueAt + FOLLOW_AFTER_DUE_MS).toISOString(),
          // Written with its access-log entry just after; if that fails, the follower writes it.
          unlogged: "committed",
        };
        return [
          ...commitments.createOps(stored),
          ...(ctx.rememberAnswer?.({ status: 201, body: commitmentView(stored) }) ?? []),
        ];
      },
    );
    const { unlogged: _unlogged, ...commitment } = stored as StoredCommitment;
    await logCommitmentStep(ctx, commitment, "committed");
    return { commitment, record: issued };
  });
}

/** The credential type the matter produces (the licence), from the scenario as the catalogue has it. */
function producesOf(ctx: CommitmentCtx, scenario: string, matterCode: string): { produces?: string } {
  const produces = ctx.services.catalogue
    .scenario(scenario)
    .scenario.matters.find((m) => m.code === matterCode)?.produces;
  return produces ? { produces } : {};
}

/**
 * Saves the commitment as it now stands together with the access-log entry of the step that made it so, in one
 * atomic write: who (a key, or the gateway following it) did what. The entry is the step: neither is kept without
 * the other.
 */
export function logCommitmentStep(
  ctx: { department: DepartmentRuntime; caller?: Caller },
  commitment: StoredCommitment,
  outcome: CommitmentOutcome,
  reason?: string,
) {
  const saved = commitmentStore(ctx.department.store).updateOps(commitment);
  return ctx.department.accessLog.append(
    {
      channel: "api",
      outcome,
      consumer: ctx.department.code,
      subjectRef: commitment.subjectRef,
      credentialType: COMMITMENT_TYPE,
      purpose: commitment.scenario.code,
      applicationId: commitment.applicationId,
      recordHash: commitment.recordHash,
      ...(reason ? { reason } : {}),
      ...(ctx.caller ? { keyId: ctx.caller.keyId, role: ctx.caller.role } : {}),
    },
    saved,
  );
}

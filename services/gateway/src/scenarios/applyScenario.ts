// A scenario application: every material its matters ask for, checked with the issuers, waived where the data travels.
import { randomBytes } from "node:crypto";
import { type Matter, neededFields, procedureOf } from "../../../../lib/catalogue/schemas.ts";
import type { Hex32 } from "../../../../lib/encoding/canonical.ts";
import { admitKey, type KeyBound } from "../auth/keyRate.ts";
import { breachesOf } from "../commitments/recordCommitment.ts";
import type { DepartmentRuntime } from "../department.ts";
import { GatewayError } from "../errors/GatewayError.ts";
import { applicationIdSchema } from "../federation/protocol.ts";
import { type SubjectInput, subjectRefOf } from "../records/issueRecord.ts";
import type { GatewayServices } from "../services.ts";
import type { BatchOp } from "../store/departmentStore.ts";
import {
  type Application,
  applicationStore,
  type Counts,
  type MaterialResult,
  type MatterResult,
  refuseUnlessLive,
} from "./applicationStore.ts";
import { applicationView } from "./applicationView.ts";
import { evaluateMaterial } from "./evaluateMaterial.ts";

export interface ApplicationInput {
  scenario: string;
  /** The applicant. */
  subject: SubjectInput;
  /** The organisation the application is for (e.g. the shop being opened), for materials about an organisation. */
  organisation?: SubjectInput;
  /** An application this gateway opened, to evaluate again; without it a new application is opened. */
  applicationId?: string;
}

interface Ctx {
  services: GatewayServices;
  department: DepartmentRuntime;
  /** The API key that asks: new applications are counted per key. */
  keyId: string;
  /** The batch operations that remember the answer to an Idempotency-Key, in the application's own batch. */
  rememberAnswer?: (answer: { status: number; body: unknown }) => BatchOp[];
}

/**
 * An application id: minted here, 16 random bytes, so that no client chooses what one says; drawn again while it has
 * more digits in a row than applicationIdSchema lets an id have (about once in 700 draws).
 */
export function newApplicationId(): string {
  for (;;) {
    const id = `app-${randomBytes(16).toString("base64url")}`;
    if (applicationIdSchema.safeParse(id).success) return id;
  }
}

const isOrganisationId = (s: SubjectInput) => s.idType === "unified-social-credit-code";

/** The subject reference for each subject kind, from the applicant and the optional organisation. */
function subjectRefs(input: ApplicationInput, secret: Uint8Array) {
  const refs: { person?: Hex32; organisation?: Hex32 } = {};
  refs[isOrganisationId(input.subject) ? "organisation" : "person"] = subjectRefOf(input.subject, secret);
  if (input.organisation) {
    if (!isOrganisationId(input.organisation) || refs.organisation) {
      throw new GatewayError("VALIDATION_FAILED", {
        field: "organisation.idType",
        detail: "organisation must be a unified social credit code, beside an applicant who is a person",
      });
    }
    try {
      refs.organisation = subjectRefOf(input.organisation, secret);
    } catch (error) {
      if (error instanceof GatewayError)
        throw new GatewayError(error.code, { field: "organisation.idNumber", detail: error.detail });
      throw error;
    }
  }
  return refs;
}

/**
 * What a matter needs of the applicant, by material: waived by shared data; accepted on the applicant's commitment (a
 * material neither waived nor on hand that the matter's commitment names, unless the applicant is barred from
 * committing); to be submitted; or not checkable now.
 */
export function matterResult(matter: Matter, statusOf: ReadonlyMap<string, string>, barred = false): MatterResult {
  const committable = new Set(barred ? [] : (matter.commitment?.materials ?? []));
  const notWaived = (t: string) => statusOf.get(t) !== "waived";
  const mayCommit = (t: string) => committable.has(t) && notWaived(t);
  return {
    code: matter.code,
    nameZh: matter.nameZh,
    nameEn: matter.nameEn,
    department: matter.department,
    materials: matter.materials,
    waived: matter.materials.filter((t) => statusOf.get(t) === "waived"),
    mayCommit: matter.materials.filter(mayCommit),
    required: matter.materials.filter((t) => statusOf.get(t) === "required" && !mayCommit(t)),
    unavailable: matter.materials.filter((t) => statusOf.get(t) === "unavailable" && !mayCommit(t)),
    procedure: procedureOf(matter),
    ...(matter.commitment ? { commitment: matter.commitment } : {}),
  };
}

function countsOf(materials: MaterialResult[]): Counts {
  const count = (status: string) => materials.filter((m) => m.outcome.status === status).length;
  return {
    materials: materials.length,
    waived: count("waived"),
    required: count("required"),
    unavailable: count("unavailable"),
  };
}

/**
 * The application `applicationId` names, live: this department opened it, it is not closed, its time has not run out,
 * and it is about the same scenario and subject. Data is released for such an application only.
 */
async function liveApplication(ctx: Ctx, applicationId: string, scenario: string, subjectRef: Hex32) {
  const previous = await applicationStore(ctx.department.store).get(applicationId);
  if (!previous) throw new GatewayError("APPLICATION_NOT_FOUND", { field: "applicationId" });
  refuseUnlessLive(previous, scenario, subjectRef, ctx.services.now());
  return previous;
}

/** The bound on new applications per key: a key opening too many is enumerating people by ID number. */
const APPLICATIONS_BOUND: KeyBound = {
  code: "TOO_MANY_APPLICATIONS",
  metric: "oncechain_applications_refused_total",
  help: "New applications refused over a key's hourly bound",
  event: "application-rate-exceeded",
  warning:
    "an API key opened more applications than its hourly bound: refused, and worth a look (people enumerated by ID number?)",
};

/** Evaluates (or re-evaluates, under the same id) an application and keeps it; the answer carries any shared data. */
export async function applyScenario(
  ctx: Ctx,
  input: ApplicationInput,
): Promise<{ application: Application; created: boolean }> {
  const { services, department } = ctx;
  const entry = services.catalogue.scenario(input.scenario);
  if (!entry.verified) {
    throw new GatewayError("CATALOGUE_MISMATCH", {
      field: "scenario",
      detail: "the scenario's definition does not match its on-chain hash; it is not applied",
    });
  }
  const refs = subjectRefs(input, services.districtSecret);
  const subjectRef = (refs.person ?? refs.organisation) as Hex32;
  const store = applicationStore(department.store);
  const previous = input.applicationId
    ? await liveApplication(ctx, input.applicationId, entry.scenario.code, subjectRef)
    : undefined;
  if (!previous) admitKey(ctx, department.applicationRate, APPLICATIONS_BOUND);
  const applicationId = previous?.applicationId ?? newApplicationId();
  const types = [...new Set(entry.scenario.matters.flatMap((m) => m.materials))];
  const materials: MaterialResult[] = await Promise.all(
    types.map(async (code) => {
      const type = services.catalogue.type(code).type;
      const outcome = await evaluateMaterial(ctx, {
        credentialType: code,
        subjectRef: type.subjectKind === "person" ? refs.person : refs.organisation,
        purpose: entry.scenario.code,
        applicationId,
        fields: neededFields(entry.scenario, department.code, code),
      });
      services.metrics.inc("oncechain_application_materials_total", "Materials of scenario applications", {
        status: outcome.status,
      });
      return { credentialType: code, nameZh: type.nameZh, nameEn: type.nameEn, outcome };
    }),
  );
  const statusOf = new Map(materials.map((m) => [m.credentialType, m.outcome.status]));
  // 虚假承诺者不再适用告知承诺: an applicant who broke a commitment to this department decides on materials here.
  const breaches = (await breachesOf(department, subjectRef)).map((c) => ({
    commitmentId: c.commitmentId,
    scenario: c.scenario.code,
    matter: c.matter.code,
    breachedAt: c.breach?.at ?? "",
    reason: c.breach?.reason ?? "",
  }));
  const now = new Date(services.now()).toISOString();
  const application: Application = {
    applicationId,
    department: department.code,
    status: "open",
    expiresAt: new Date(services.now() + department.applicationLifetimeMs).toISOString(),
    scenario: {
      code: entry.scenario.code,
      nameZh: entry.scenario.nameZh,
      nameEn: entry.scenario.nameEn,
      version: entry.scenario.version,
      definitionHash: entry.definitionHash,
    },
    subjectRef,
    ...(refs.person && refs.organisation ? { organisationRef: refs.organisation } : {}),
    submittedAt: now,
    evaluatedAt: now,
    evaluations: 1,
    materials,
    matters: entry.scenario.matters.map((m) => matterResult(m, statusOf, breaches.length > 0)),
    ...(breaches.length > 0 ? { breachedCommitments: breaches } : {}),
    counts: countsOf(materials),
  };
  const created = previous === undefined;
  const kept = await store.save(
    application,
    // A retry with the same Idempotency-Key gets the application as kept (no record data): evaluating it again
    // under its id brings the data again, while it is live.
    (stored) => ctx.rememberAnswer?.({ status: created ? 201 : 200, body: applicationView(stored) }) ?? [],
    services.now(),
  );
  return { application: { ...kept, materials }, created };
}

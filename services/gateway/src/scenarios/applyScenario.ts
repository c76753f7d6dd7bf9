// A scenario application: every material its matters ask for, checked with the issuers, waived where the data travels.
import { randomBytes } from "node:crypto";
import type { Hex32 } from "../../../../lib/encoding/canonical.ts";
import type { DepartmentRuntime } from "../department.ts";
import { GatewayError } from "../errors/GatewayError.ts";
import { type SubjectInput, subjectRefOf } from "../records/issueRecord.ts";
import type { GatewayServices } from "../services.ts";
import { type Application, applicationStore, type Counts, type MaterialResult } from "./applicationStore.ts";
import { evaluateMaterial } from "./evaluateMaterial.ts";

export interface ApplicationInput {
  scenario: string;
  /** The applicant. */
  subject: SubjectInput;
  /** The organisation the application is for (e.g. the shop being opened), for materials about an organisation. */
  organisation?: SubjectInput;
  applicationId?: string;
}

interface Ctx {
  services: GatewayServices;
  department: DepartmentRuntime;
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

function countsOf(materials: MaterialResult[]): Counts {
  const count = (status: string) => materials.filter((m) => m.outcome.status === status).length;
  return {
    materials: materials.length,
    waived: count("waived"),
    required: count("required"),
    unavailable: count("unavailable"),
  };
}

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
  const applicationId = input.applicationId ?? `app-${randomBytes(9).toString("base64url")}`;
  const previous = await store.get(applicationId);
  if (previous && (previous.scenario.code !== entry.scenario.code || previous.subjectRef !== subjectRef)) {
    throw new GatewayError("APPLICATION_CONFLICT", { field: "applicationId" });
  }
  const types = [...new Set(entry.scenario.matters.flatMap((m) => m.materials))];
  const materials: MaterialResult[] = await Promise.all(
    types.map(async (code) => {
      const type = services.catalogue.type(code).type;
      const outcome = await evaluateMaterial(ctx, {
        credentialType: code,
        subjectRef: type.subjectKind === "person" ? refs.person : refs.organisation,
        purpose: entry.scenario.code,
        applicationId,
      });
      services.metrics.inc("oncechain_application_materials_total", "Materials of scenario applications", {
        status: outcome.status,
      });
      return { credentialType: code, nameZh: type.nameZh, nameEn: type.nameEn, outcome };
    }),
  );
  const statusOf = new Map(materials.map((m) => [m.credentialType, m.outcome.status]));
  const now = new Date(services.now()).toISOString();
  const application: Application = {
    applicationId,
    department: department.code,
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
    matters: entry.scenario.matters.map((m) => ({
      code: m.code,
      nameZh: m.nameZh,
      nameEn: m.nameEn,
      department: m.department,
      materials: m.materials,
      waived: m.materials.filter((t) => statusOf.get(t) === "waived"),
      required: m.materials.filter((t) => statusOf.get(t) === "required"),
      unavailable: m.materials.filter((t) => statusOf.get(t) === "unavailable"),
    })),
    counts: countsOf(materials),
  };
  const kept = await store.save(application);
  return { application: { ...kept, materials }, created: previous === undefined };
}

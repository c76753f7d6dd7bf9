// One material of an application: ask every authoritative issuer's gateway, verify what comes back against the chain.
import type { Hex32 } from "../../../../lib/encoding/canonical.ts";
import type { DepartmentRuntime } from "../department.ts";
import { GatewayError } from "../errors/GatewayError.ts";
import type { FederationAnswer } from "../federation/protocol.ts";
import { DisclosureError, provenRecordHash } from "../records/disclosure.ts";
import { type Verdict, verifyRecord } from "../records/verifyRecord.ts";
import type { GatewayServices } from "../services.ts";
import { combineOutcomes, type MaterialOutcome, type RequiredReason } from "./materialOutcome.ts";

export interface MaterialRequest {
  credentialType: string;
  /** The subject the material is about; undefined when the application named no subject of that kind. */
  subjectRef?: Hex32;
  purpose: string;
  applicationId: string;
  /** Only proof that the record exists is wanted (a commitment's check): the issuers share no data. */
  evidenceOnly?: true;
  /** The fields of the record the department's matters need (SPEC §6.5): asked for, and nothing else. */
  fields?: string[];
}

interface Ctx {
  services: GatewayServices;
  department: DepartmentRuntime;
}

interface Issuer {
  code: string;
  id: number;
}

type FoundAnswer = Extract<FederationAnswer, { found: true }>;

/** Why a record that was found still does not waive the material, by verdict. */
const REASON_BY_STATUS: Record<string, RequiredReason> = {
  revoked: "revoked",
  superseded: "superseded",
  expired: "expired",
  "not-yet-valid": "not-yet-valid",
  "issuer-suspended": "issuer-suspended",
  "issuer-not-authorised": "issuer-not-authorised",
};

/**
 * The answer is about what was asked: this subject, this issuer; and the record is the one the leaf describes. The
 * type is checked once the record is found on chain, against the types of the registry that holds it.
 */
function aboutWhatWasAsked(request: MaterialRequest, issuer: Issuer, answer: FoundAnswer): boolean {
  const { disclosure, leaf } = answer;
  const envelope = disclosure?.envelope;
  return (
    leaf.recordHash === answer.recordHash &&
    leaf.subjectRef === request.subjectRef &&
    answer.issuer === issuer.code &&
    answer.issuerId === issuer.id &&
    (!envelope ||
      (disclosure.recordHash === answer.recordHash &&
        envelope.subjectRef === leaf.subjectRef &&
        envelope.typeId === leaf.credentialType &&
        envelope.validFrom === leaf.validFrom &&
        envelope.validUntil === leaf.validUntil &&
        envelope.issuerId === issuer.id &&
        Object.keys(disclosure.fields).every((name) => request.fields?.includes(name) ?? true)))
  );
}

/** The disclosed fields' values once each is proved a field of the anchored record; undefined if one is not. */
function provedFields(answer: FoundAnswer): Record<string, unknown> | undefined {
  const { disclosure } = answer;
  if (!disclosure) return {};
  try {
    if (provenRecordHash(disclosure) !== answer.recordHash) return undefined;
  } catch (error) {
    if (error instanceof DisclosureError || error instanceof TypeError) return undefined;
    throw error;
  }
  return Object.fromEntries(Object.entries(disclosure.fields).map(([name, field]) => [name, field.value]));
}

/** Verifies an answer from the index, first catching the index up with the anchor the issuer reports. */
async function verifyAnswer(ctx: Ctx, request: MaterialRequest, issuer: Issuer, answer: FederationAnswer) {
  if (!answer.found)
    return { status: "required", reason: answer.reason, issuer: issuer.code } satisfies MaterialOutcome;
  if (!aboutWhatWasAsked(request, issuer, answer)) {
    return { status: "required", reason: "mismatched", issuer: issuer.code } satisfies MaterialOutcome;
  }
  // Each disclosed field is checked against the envelope before the record hash is checked against the chain.
  const data = provedFields(answer);
  if (data === undefined)
    return { status: "required", reason: "tampered", issuer: issuer.code } satisfies MaterialOutcome;
  const { leaf, anchor } = answer;
  const input = {
    leaf,
    recordHash: answer.recordHash,
    issuerId: answer.issuerId,
    ...(anchor.batchRoot ? { anchor: { batchRoot: anchor.batchRoot, proof: anchor.proof } } : {}),
  };
  const { index, registries, now, catalogue } = ctx.services;
  let verdict: Verdict;
  let type: string | undefined;
  try {
    verdict = await verifyRecord({ index, registries, now }, input);
    if (verdict.status === "unknown" || (anchor.blockNumber ?? 0) > verdict.asOfBlock) {
      await (anchor.blockNumber ? index.syncTo(anchor.blockNumber) : index.syncNow());
      verdict = await verifyRecord({ index, registries, now }, input);
    }
    const registry = verdict.evidence?.registry;
    if (registry) type = await catalogue.typeCodeOf(index.typeRegistryOf(registry), leaf.credentialType);
  } catch (error) {
    if (error instanceof GatewayError && error.code === "RECORD_TAMPERED") {
      return { status: "required", reason: "tampered", issuer: issuer.code } satisfies MaterialOutcome;
    }
    return { status: "unavailable", reason: "chain-unavailable", issuer: issuer.code } satisfies MaterialOutcome;
  }
  const found = verdict.evidence;
  if (found && type !== request.credentialType) {
    return { status: "required", reason: "mismatched", issuer: issuer.code } satisfies MaterialOutcome;
  }
  const evidence = {
    issuer: issuer.code,
    issuerId: issuer.id,
    recordHash: answer.recordHash,
    status: verdict.status,
    asOfBlock: verdict.asOfBlock,
    anchor: { ...anchor, ...(found ? { registry: found.registry } : {}) },
    validUntil: leaf.validUntil,
  };
  if (verdict.status !== "valid") {
    const reason = REASON_BY_STATUS[verdict.status] ?? "not-anchored";
    return { status: "required", reason, issuer: issuer.code, evidence } satisfies MaterialOutcome;
  }
  const shared = answer.disclosure !== undefined;
  return {
    status: "waived",
    shared,
    evidence,
    ...(shared ? { data, disclosed: Object.keys(data) } : {}),
  } satisfies MaterialOutcome;
}

async function askIssuer(ctx: Ctx, request: MaterialRequest, issuer: string): Promise<MaterialOutcome> {
  const id = ctx.services.catalogue.departmentIds.get(issuer);
  if (id === undefined || !request.subjectRef) return { status: "required", reason: "no-issuer", issuer };
  const result = await ctx.services.federation.query(
    ctx.department,
    { code: issuer, id },
    {
      subjectRef: request.subjectRef,
      credentialType: request.credentialType,
      purpose: request.purpose,
      applicationId: request.applicationId,
      ...(request.evidenceOnly ? { evidenceOnly: true as const } : {}),
      ...(request.fields && !request.evidenceOnly ? { fields: request.fields } : {}),
    },
  );
  if (result.kind === "unavailable") return { status: "unavailable", reason: result.reason, issuer };
  if (result.kind === "refused") {
    const notGranted = result.code === "PURPOSE_NOT_COVERED" || result.code === "SHARING_NOT_GRANTED";
    return { status: "required", reason: notGranted ? "not-granted" : "refused", issuer };
  }
  return verifyAnswer(ctx, request, { code: issuer, id }, result.answer);
}

/** Asks the type's authoritative issuers in parallel and keeps the best outcome (see combineOutcomes). */
export async function evaluateMaterial(ctx: Ctx, request: MaterialRequest): Promise<MaterialOutcome> {
  if (!request.subjectRef) return { status: "required", reason: "subject-not-given" };
  const issuers = ctx.services.catalogue.type(request.credentialType).type.issuers;
  return combineOutcomes(await Promise.all(issuers.map((issuer) => askIssuer(ctx, request, issuer))));
}

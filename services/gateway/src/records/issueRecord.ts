// Issuing: validate against the catalogue, build the canonical record, and store it with its outbox entry atomically.

import type { SubjectKind } from "../../../../lib/catalogue/schemas.ts";
import type { Hex32 } from "../../../../lib/encoding/canonical.ts";
import type { SubjectIdType } from "../../../../lib/encoding/subjectRef.ts";
import { subjectRef } from "../../../../lib/encoding/subjectRef.ts";
import { validateSubjectId } from "../../../../lib/identifiers/subjectId.ts";
import type { CatalogueService } from "../catalogue/catalogueService.ts";
import type { ChainIndex } from "../chain/chainIndex.ts";
import { echoable, UNNAMED_MEMBER } from "../errors/echo.ts";
import { GatewayError } from "../errors/GatewayError.ts";
import type { BatchOp, DepartmentStore } from "../store/departmentStore.ts";
import { seqKey } from "../store/departmentStore.ts";
import {
  type AnchorState,
  type CanonicalRecord,
  ISSUED_RECORD_FORMAT,
  newSalt,
  recordHashOf,
} from "./canonicalRecord.ts";

export interface SubjectInput {
  idType: SubjectIdType;
  idNumber: string;
}

export interface IssueInput {
  credentialType: string;
  subject: SubjectInput;
  fields: Record<string, unknown>;
  /** Unix seconds; defaults to now. */
  validFrom?: number;
  /** Unix seconds, inclusive; defaults to validFrom + the type's default validity (0 = none). */
  validUntil?: number;
  supersedes?: Hex32;
}

export interface IssuedRecord {
  recordHash: Hex32;
  record: CanonicalRecord;
  anchor: AnchorState;
}

export interface IssueContext {
  department: { code: string; id: number };
  catalogue: CatalogueService;
  store: DepartmentStore;
  districtSecret: Uint8Array;
  /** Where a superseded record's standing is read: the chain, as the index has followed it. */
  index: Pick<ChainIndex, "record">;
  now?: () => number;
}

const PERSON_IDS: readonly SubjectIdType[] = ["resident-id", "passport", "foreign-permanent-id"];

/** Validates the subject identifier and returns its keyed hash; the identifier itself goes no further. */
export function subjectRefOf(subject: SubjectInput, districtSecret: Uint8Array): Hex32 {
  const checked = validateSubjectId(subject.idType, subject.idNumber);
  if (!checked.ok) throw new GatewayError("INVALID_SUBJECT_ID", { field: "subject.idNumber", detail: checked.reason });
  return subjectRef(districtSecret, subject.idType, checked.normalised);
}

/**
 * Issues a record: one atomic write of the sealed record, its anchor state, its subject index entry, its outbox entry
 * and whatever `alsoWrite` adds for it (the remembered answer to an Idempotency-Key).
 */
export async function issueRecord(
  ctx: IssueContext,
  input: IssueInput,
  alsoWrite?: (issued: IssuedRecord) => BatchOp[],
): Promise<IssuedRecord> {
  const { subject, ...rest } = input;
  const kind: SubjectKind = PERSON_IDS.includes(subject.idType) ? "person" : "organisation";
  issuableType(ctx, input.credentialType, kind);
  return issueRecordAbout(ctx, { ref: subjectRefOf(subject, ctx.districtSecret), kind }, rest, alsoWrite);
}

/** The catalogue entry of a type this department may issue now, about a subject of this kind. */
function issuableType(ctx: IssueContext, credentialType: string, kind: SubjectKind) {
  const entry = ctx.catalogue.type(credentialType);
  if (!entry.type.issuers.includes(ctx.department.code) || entry.typeId === 0) {
    throw new GatewayError("NOT_ISSUER", { field: "credentialType" });
  }
  if (!entry.verified) {
    throw new GatewayError("CATALOGUE_MISMATCH", {
      field: "credentialType",
      detail: "the seeded schema of this type does not match its on-chain hash; records are not issued against it",
    });
  }
  if (kind !== entry.type.subjectKind) {
    throw new GatewayError("VALIDATION_FAILED", {
      field: "subject.idType",
      detail: `a ${credentialType} is about ${entry.type.subjectKind === "person" ? "a person" : "an organisation"}`,
    });
  }
  return entry;
}

/**
 * Issues a record about a subject known by its reference (e.g. the applicant of an application this department
 * holds), as `issueRecord` does for one named by identifier.
 */
export async function issueRecordAbout(
  ctx: IssueContext,
  subject: { ref: Hex32; kind: SubjectKind },
  input: Omit<IssueInput, "subject">,
  alsoWrite?: (issued: IssuedRecord) => BatchOp[],
): Promise<IssuedRecord> {
  const entry = issuableType(ctx, input.credentialType, subject.kind);
  const ref = subject.ref;
  if (!entry.validate(input.fields)) {
    const first = entry.validate.errors?.[0];
    const field = `fields${first?.instancePath.replaceAll("/", ".") ?? ""}`;
    const missing = first?.keyword === "required" ? `.${String(first.params.missingProperty)}` : "";
    // A member the type does not have is the client's own name: repeated only when it is shaped like a field name.
    const extraName = first?.keyword === "additionalProperties" ? String(first.params.additionalProperty) : undefined;
    const extra = extraName !== undefined && echoable(extraName) ? `.${extraName}` : "";
    const message = extraName !== undefined && !extra ? UNNAMED_MEMBER : (first?.message ?? "is invalid");
    throw new GatewayError("SCHEMA_VIOLATION", {
      field: `${field}${missing}${extra}`,
      detail: `${field}${missing}${extra} ${message}`,
      extensions: {
        errors: entry.validate.errors?.map((e) => ({
          field: `fields${e.instancePath.replaceAll("/", ".")}`,
          keyword: e.keyword,
          message: e.message,
        })),
      },
    });
  }
  const nowSeconds = Math.floor((ctx.now?.() ?? Date.now()) / 1000);
  const validFrom = input.validFrom ?? nowSeconds;
  const defaultValidity = (entry.type.defaultValidityDays ?? 0) * 86_400;
  const validUntil = input.validUntil ?? (defaultValidity === 0 ? 0 : validFrom + defaultValidity);
  if (validUntil !== 0 && validUntil < validFrom) {
    throw new GatewayError("VALIDATION_FAILED", { field: "validUntil", detail: "validUntil is before validFrom" });
  }
  if (input.supersedes) {
    const previous = await ctx.store.anchors.get(input.supersedes);
    if (!previous) throw new GatewayError("RECORD_NOT_FOUND", { field: "supersedes" });
    // Its standing is the chain's (the store keeps only how it was anchored).
    const onChain = ctx.index.record(ctx.department.id, input.supersedes);
    if (onChain?.revokedAt) throw new GatewayError("RECORD_ALREADY_REVOKED", { field: "supersedes" });
    if (onChain?.supersededBy) throw new GatewayError("RECORD_ALREADY_SUPERSEDED", { field: "supersedes" });
  }
  const record: CanonicalRecord = {
    format: ISSUED_RECORD_FORMAT,
    credentialType: entry.type.code,
    typeVersion: entry.type.version,
    typeId: entry.typeId,
    issuer: ctx.department.code,
    issuerId: ctx.department.id,
    subjectRef: ref,
    fields: input.fields,
    issuedAt: new Date(nowSeconds * 1000).toISOString(),
    validFrom,
    validUntil,
    salt: newSalt(),
    ...(input.supersedes ? { supersedes: input.supersedes } : {}),
  };
  const recordHash = recordHashOf(record);
  const acceptedAt = Date.now();
  // Anchored where its type id means what it was issued as: the record registry whose types the catalogue read.
  const registry = ctx.catalogue.recordRegistry();
  const anchor: AnchorState = { state: "queued", acceptedAt, registry };
  const { store } = ctx;
  const issued: IssuedRecord = { recordHash, record, anchor };
  await store.appendWithSeq("outbox", (seq) => ({
    ops: [
      { type: "put", sublevel: store.recordsSublevel(), key: recordHash, value: store.sealRecord(record, recordHash) },
      { type: "put", sublevel: store.anchors, key: recordHash, value: anchor },
      {
        type: "put",
        sublevel: store.bySubject,
        key: `${ref}!${record.credentialType}!${seqKey(seq)}`,
        value: recordHash,
      },
      { type: "put", sublevel: store.outbox, key: seqKey(seq), value: { seq, recordHash, acceptedAt, registry } },
      ...(alsoWrite?.(issued) ?? []),
    ],
    result: undefined,
  }));
  return issued;
}

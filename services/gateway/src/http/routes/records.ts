// Routes of a department's own records: issue, read, revoke, supersede.
import { z } from "zod";
import type { ApiReadAccess } from "../../../../../lib/audit/accessLogEntry.ts";
import type { Hex32 } from "../../../../../lib/encoding/canonical.ts";
import type { Caller } from "../../auth/apiKeys.ts";
import type { DepartmentRuntime } from "../../department.ts";
import { GatewayError } from "../../errors/GatewayError.ts";
import { batchAnchorOf, type CanonicalRecord } from "../../records/canonicalRecord.ts";
import { type Disclosure, DisclosureError, discloseFields } from "../../records/disclosure.ts";
import { issueRecord } from "../../records/issueRecord.ts";
import { lifecycleOf, revokeRecord, supersedeRecord, withChainFacts } from "../../records/lifecycle.ts";
import { defineRoute } from "../route.ts";
import { anchorStateSchema, disclosureSchema, hex32, issueBodySchema, issuedSchema } from "../schemas.ts";

export const recordHashParam = z.object({ recordHash: hex32 });

export const issueRoute = defineRoute({
  method: "post",
  path: "/records",
  operationId: "issueRecord",
  summary: "Issue a record",
  description:
    "Validates the fields against the credential type's JSON Schema (whose hash was checked against the chain) and " +
    "the subject's identifier (its check digit), keeps only the identifier's keyed hash, and stores the sealed record " +
    "with its queued anchor in one atomic, synced write; a worker then anchors it on chain, alone or in a Merkle batch.",
  tags: ["records"],
  auth: ["issuer"],
  body: issueBodySchema,
  idempotent: true,
  responses: { 202: { description: "Accepted and queued for anchoring", schema: issuedSchema } },
  errors: [
    "INVALID_SUBJECT_ID",
    "SCHEMA_VIOLATION",
    "UNKNOWN_CREDENTIAL_TYPE",
    "NOT_ISSUER",
    "RECORD_NOT_FOUND",
    "RECORD_ALREADY_SUPERSEDED",
    "RECORD_ALREADY_REVOKED",
    "CATALOGUE_MISMATCH",
  ],
  async handler({ department, services, body, rememberAnswer }) {
    const issued = await issueRecord(
      {
        department,
        catalogue: services.catalogue,
        store: department.store,
        districtSecret: services.districtSecret,
        index: department.index,
        now: services.now,
      },
      body,
      // The answer to an Idempotency-Key is stored with the record, in the same batch.
      (record) => rememberAnswer?.({ status: 202, body: record }) ?? [],
    );
    services.metrics.inc("oncechain_records_issued_total", "Records accepted for anchoring", {
      department: department.code,
    });
    return { status: 202, body: issued, headers: { Location: `records/${issued.recordHash}` } };
  },
});

/** A record this department issued, with its anchor state; 404 naming recordHash when it issued none of that hash. */
async function ownRecord(department: DepartmentRuntime, recordHash: Hex32) {
  const [record, anchor] = await Promise.all([
    department.store.getRecord(recordHash),
    department.store.anchors.get(recordHash),
  ]);
  if (!record || !anchor) throw new GatewayError("RECORD_NOT_FOUND", { field: "recordHash" });
  return { record, anchor };
}

/** The access-log entry of a read of the department's own record by `reader` (a key's id and role, or a token's). */
const readEntry = (
  department: DepartmentRuntime,
  reader: { keyId: string; role: string },
  record: CanonicalRecord,
  recordHash: Hex32,
): ApiReadAccess => ({
  channel: "api",
  outcome: "read",
  consumer: department.code,
  keyId: reader.keyId,
  role: reader.role,
  subjectRef: record.subjectRef,
  credentialType: record.credentialType,
  recordHash,
});

/** A key's read of the department's own record, durable before the record (or any of it) leaves. */
function logRead(
  department: DepartmentRuntime,
  caller: Caller | undefined,
  record: CanonicalRecord,
  recordHash: Hex32,
) {
  return department.accessLog.append(readEntry(department, readerOf(caller), record, recordHash));
}

const readerOf = (caller: Caller | undefined) => ({ keyId: caller?.keyId ?? "", role: caller?.role ?? "" });

export const getRecordRoute = defineRoute({
  method: "get",
  path: "/records/:recordHash",
  operationId: "getRecord",
  summary: "Read a record",
  description:
    "A record this department issued, with its anchoring receipt: the transaction and block, and for a batched record " +
    "the batch root and its Merkle proof. Each read is an entry in the department's access log (channel api, outcome " +
    "read, the caller's key id and role), written before the record is answered.",
  tags: ["records"],
  auth: ["issuer", "auditor"],
  params: recordHashParam,
  responses: { 200: { description: "The record and its anchor", schema: issuedSchema } },
  errors: ["RECORD_NOT_FOUND"],
  async handler({ department, params, caller }) {
    const { recordHash } = params;
    const { record, anchor } = await ownRecord(department, recordHash);
    await logRead(department, caller, record, recordHash);
    const onChain = department.index.record(department.id, recordHash);
    return { status: 200, body: { recordHash, record, anchor: withChainFacts(anchor, onChain) } };
  },
});

export const FIELD_NAMES = z
  .string()
  .max(2048)
  .transform((list) => (list === "" ? [] : list.split(",")))
  .optional()
  .meta({ description: "The names of the fields to disclose, separated by commas; none for a proof of existence" });

export const disclosureRoute = defineRoute({
  method: "get",
  path: "/records/:recordHash/disclosure",
  operationId: "discloseRecord",
  summary: "Disclose some fields of a record",
  description:
    "A disclosure (SPEC §3.4) of the named fields of a format-2 record this department issued: the record's envelope, " +
    "each named field with its salt and Merkle proof, and the batch anchor. Whoever holds it can prove the fields " +
    "shown are the record's, and the record anchored, without seeing the others (npm run audit -- verify-disclosure). " +
    "It is an entry in the department's access log (outcome disclosed, naming the fields), written before it leaves.",
  tags: ["records"],
  auth: ["issuer"],
  params: recordHashParam,
  query: z.object({ fields: FIELD_NAMES }),
  responses: { 200: { description: "The disclosure", schema: disclosureSchema } },
  errors: ["RECORD_NOT_FOUND", "VALIDATION_FAILED"],
  async handler({ department, params, query, caller }) {
    const disclosure = await discloseOwn(department, params.recordHash, query.fields ?? [], readerOf(caller));
    return { status: 200, body: disclosure };
  },
});

/**
 * A disclosure of the named fields of one of the department's records, for `reader` (an API key, or a citizen's token
 * with the subject it is bound to: another subject's record is not found), logged as `disclosed` with the fields
 * before it leaves.
 */
export async function discloseOwn(
  department: DepartmentRuntime,
  recordHash: Hex32,
  fields: string[],
  reader: { keyId: string; role: string; subjectRef?: Hex32; tokenIssuedBy?: string },
): Promise<Disclosure> {
  const { record, anchor } = await ownRecord(department, recordHash);
  if (reader.subjectRef !== undefined && record.subjectRef !== reader.subjectRef) {
    throw new GatewayError("RECORD_NOT_FOUND", { field: "recordHash" });
  }
  let disclosure: Disclosure;
  try {
    disclosure = discloseFields(record, fields, batchAnchorOf(anchor));
  } catch (error) {
    if (!(error instanceof DisclosureError)) throw error;
    throw new GatewayError("VALIDATION_FAILED", {
      field: error.path === "fields" ? "query.fields" : "recordHash",
      detail: error.path === "fields" ? `query.fields: ${error.message}` : error.message,
    });
  }
  await department.accessLog.append({
    ...readEntry(department, reader, record, recordHash),
    outcome: "disclosed",
    fields: Object.keys(disclosure.fields),
    ...(reader.tokenIssuedBy === undefined ? {} : { tokenIssuedBy: reader.tokenIssuedBy }),
  });
  return disclosure;
}

export const revokeRoute = defineRoute({
  method: "post",
  path: "/records/:recordHash/revoke",
  operationId: "revokeRecord",
  summary: "Revoke a record",
  description:
    "Revokes one of this department's anchored records on chain. Final: a revoked record never verifies again.",
  tags: ["records"],
  auth: ["issuer"],
  params: recordHashParam,
  body: z.strictObject({
    reason: z
      .int()
      .min(1)
      .max(15)
      .meta({
        description:
          "Reason code, 1 to 15: the department's own. 16 and up have a meaning every department shares (docs/SPEC.md " +
          "§6.7) and are set by the gateway itself (16: a breached commitment's licence)",
      }),
  }),
  responses: { 200: { description: "Revoked on chain", schema: anchorStateSchema } },
  errors: [
    "RECORD_NOT_FOUND",
    "RECORD_NOT_ANCHORED",
    "RECORD_ALREADY_REVOKED",
    "RECORD_CHANGE_IN_PROGRESS",
    "DEPARTMENT_SUSPENDED",
    "REGISTRY_CLOSED",
    "CHAIN_UNAVAILABLE",
  ],
  async handler({ department, params, body }) {
    const anchor = await revokeRecord(lifecycleOf(department), params.recordHash, body.reason);
    return { status: 200, body: anchor };
  },
});

export const supersedeRoute = defineRoute({
  method: "post",
  path: "/records/:recordHash/supersede",
  operationId: "supersedeRecord",
  summary: "Supersede a record",
  description:
    "Marks a record as replaced by a newer one of the same credential type about the same subject, on chain; both " +
    "must be anchored, and neither revoked nor superseded already.",
  tags: ["records"],
  auth: ["issuer"],
  params: recordHashParam,
  body: z.strictObject({ newRecordHash: hex32 }),
  responses: { 200: { description: "Superseded on chain", schema: anchorStateSchema } },
  errors: [
    "RECORD_NOT_FOUND",
    "RECORD_NOT_ANCHORED",
    "RECORD_ALREADY_REVOKED",
    "RECORD_ALREADY_SUPERSEDED",
    "RECORD_CHANGE_IN_PROGRESS",
    "DEPARTMENT_SUSPENDED",
    "REGISTRY_CLOSED",
    "CHAIN_UNAVAILABLE",
  ],
  async handler({ department, params, body }) {
    const anchor = await supersedeRecord(lifecycleOf(department), params.recordHash, body.newRecordHash);
    return { status: 200, body: anchor };
  },
});

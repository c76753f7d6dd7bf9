// Routes of a department's own records: issue, read, revoke, supersede.
import { z } from "zod";
import type { Hex32 } from "../../../../../lib/encoding/canonical.ts";
import type { DepartmentRuntime } from "../../department.ts";
import { GatewayError } from "../../errors/GatewayError.ts";
import { issueRecord } from "../../records/issueRecord.ts";
import { revokeRecord, supersedeRecord, withChainFacts } from "../../records/lifecycle.ts";
import { defineRoute } from "../route.ts";
import { anchorStateSchema, hex32, issueBodySchema, issuedSchema } from "../schemas.ts";

const recordHashParam = (value: string | undefined): Hex32 => {
  const parsed = hex32.safeParse(value);
  if (!parsed.success)
    throw new GatewayError("VALIDATION_FAILED", {
      field: "recordHash",
      detail: "must be 0x followed by 64 hex digits",
    });
  return parsed.data;
};

const lifecycle = (department: DepartmentRuntime) => ({
  departmentId: department.id,
  store: department.store,
  registries: department.registries,
  signer: department.signer,
  index: department.index,
  changing: department.changing,
});

export const issueRoute = defineRoute({
  method: "post",
  path: "/records",
  operationId: "issueRecord",
  summary: "Issue a record: validated, stored sealed, and queued for anchoring in one atomic write",
  tags: ["records"],
  auth: ["issuer"],
  body: issueBodySchema,
  idempotent: true,
  responses: { 202: { description: "Accepted and queued for anchoring", schema: issuedSchema } },
  async handler({ department, services, body, rememberAnswer }) {
    const issued = await issueRecord(
      {
        department,
        catalogue: services.catalogue,
        store: department.store,
        districtSecret: services.districtSecret,
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

export const getRecordRoute = defineRoute({
  method: "get",
  path: "/records/:recordHash",
  operationId: "getRecord",
  summary: "A record this department issued, with its anchoring receipt",
  tags: ["records"],
  auth: ["issuer", "auditor"],
  responses: { 200: { description: "The record and its anchor", schema: issuedSchema } },
  async handler({ department, params }) {
    const recordHash = recordHashParam(params.recordHash);
    const [record, anchor] = await Promise.all([
      department.store.getRecord(recordHash),
      department.store.anchors.get(recordHash),
    ]);
    if (!record || !anchor) throw new GatewayError("RECORD_NOT_FOUND", { field: "recordHash" });
    const onChain = department.index.record(department.id, recordHash);
    return { status: 200, body: { recordHash, record, anchor: withChainFacts(anchor, onChain) } };
  },
});

export const revokeRoute = defineRoute({
  method: "post",
  path: "/records/:recordHash/revoke",
  operationId: "revokeRecord",
  summary: "Revoke one of this department's anchored records on chain (final)",
  tags: ["records"],
  auth: ["issuer"],
  body: z.strictObject({ reason: z.int().min(1).max(255).meta({ description: "Reason code (1-255)" }) }),
  responses: { 200: { description: "Revoked on chain", schema: anchorStateSchema } },
  async handler({ department, params, body }) {
    const anchor = await revokeRecord(lifecycle(department), recordHashParam(params.recordHash), body.reason);
    return { status: 200, body: anchor };
  },
});

export const supersedeRoute = defineRoute({
  method: "post",
  path: "/records/:recordHash/supersede",
  operationId: "supersedeRecord",
  summary: "Mark a record as replaced by a newer one of the same type and subject, on chain",
  tags: ["records"],
  auth: ["issuer"],
  body: z.strictObject({ newRecordHash: hex32 }),
  responses: { 200: { description: "Superseded on chain", schema: anchorStateSchema } },
  async handler({ department, params, body }) {
    const anchor = await supersedeRecord(lifecycle(department), recordHashParam(params.recordHash), body.newRecordHash);
    return { status: 200, body: anchor };
  },
});

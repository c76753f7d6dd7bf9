// Verification of a record (or a bare record hash) presented to this department.
import { z } from "zod";
import type { Hex32 } from "../../../../../lib/encoding/canonical.ts";
import { anchorOf } from "../../records/canonicalRecord.ts";
import { verifyRecord } from "../../records/verifyRecord.ts";
import type { GatewayServices } from "../../services.ts";
import { defineRoute } from "../route.ts";
import { verdictSchema, verifyBodyFastPath, verifyBodySchema } from "../schemas.ts";

/**
 * A batched record's leaf facts and proof from the issuing department's own store, when this process hosts it: a bare
 * record hash then finds the batch it was anchored in. The facts are the leaf's (no field of the record).
 */
async function hostedBatchOf(services: GatewayServices, issuerId: number, recordHash: Hex32) {
  const issuer = [...services.departments.values()].find((d) => d.id === issuerId);
  const state = await issuer?.store.anchors.get(recordHash);
  if (!issuer || !state?.batchRoot) return undefined;
  const record = await issuer.store.getRecord(recordHash);
  if (!record) return undefined;
  return { leaf: anchorOf(record, recordHash), anchor: { batchRoot: state.batchRoot, proof: state.proof ?? [] } };
}

export const verifyRoute = defineRoute({
  method: "post",
  path: "/verify",
  operationId: "verifyRecord",
  summary: "Verify a record",
  description:
    "The combined status of a presented record (or of a bare record hash with its issuer): anchored, issuer " +
    "authorised for the type when it anchored, issuer not suspended, not revoked, not expired, not superseded. Answered " +
    "from the local index that follows the chain, or from the chain itself with `fresh=true`.",
  tags: ["verification"],
  auth: ["issuer", "consumer", "auditor", "operator"],
  body: verifyBodySchema,
  fastBody: verifyBodyFastPath,
  query: z.object({
    fresh: z.enum(["true", "false"]).optional().meta({ description: "true: read the chain, not the local index" }),
  }),
  responses: {
    200: { description: "The verdict, with the chain evidence and the block it is as of", schema: verdictSchema },
  },
  errors: ["RECORD_TAMPERED", "CHAIN_UNAVAILABLE"],
  async handler({ services, body, query }) {
    const verdict = await verifyRecord(
      {
        index: services.index,
        registries: services.registries,
        now: services.now,
        lookupBatch: (issuerId, recordHash) => hostedBatchOf(services, issuerId, recordHash),
      },
      body,
      query.fresh === "true",
    );
    services.metrics.inc("oncechain_verifications_total", "Verifications answered", { status: verdict.status });
    return { status: 200, body: verdict };
  },
});

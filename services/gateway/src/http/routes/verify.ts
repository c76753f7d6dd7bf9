// Verification of a record (or a bare record hash) presented to this department.
import { z } from "zod";
import type { Hex32 } from "../../../../../lib/encoding/canonical.ts";
import { echoable } from "../../errors/echo.ts";
import { GatewayError } from "../../errors/GatewayError.ts";
import { anchorOf, batchAnchorOf } from "../../records/canonicalRecord.ts";
import { DisclosureError, provenRecordHash } from "../../records/disclosure.ts";
import { type VerifyInput, verifyRecord } from "../../records/verifyRecord.ts";
import type { GatewayServices } from "../../services.ts";
import { defineRoute } from "../route.ts";
import { type VerifyBody, verdictSchema, verifyBodyFastPath, verifyBodySchema } from "../schemas.ts";
import { countVerification } from "../verifications.ts";

/**
 * What verification checks of a disclosure on chain: its record hash (once its fields are proved the envelope's,
 * else 422 naming the first that is not) with the envelope's leaf facts and the anchor it carries.
 */
function disclosedRecord(disclosure: NonNullable<VerifyBody["disclosure"]>): VerifyInput {
  let recordHash: Hex32;
  try {
    recordHash = provenRecordHash(disclosure);
  } catch (cause) {
    if (!(cause instanceof DisclosureError)) throw cause;
    const name = cause.path.startsWith("fields.") ? cause.path.slice("fields.".length) : undefined;
    const field =
      name === undefined
        ? `disclosure.${cause.path}`
        : echoable(name)
          ? `disclosure.fields.${name}`
          : "disclosure.fields";
    const detail = name === undefined ? cause.message : `${field} ${cause.message}`;
    throw new GatewayError("DISCLOSURE_TAMPERED", { field, detail, cause });
  }
  const { envelope, anchor } = disclosure;
  return {
    recordHash,
    issuerId: envelope.issuerId,
    leaf: anchorOf(envelope, recordHash),
    ...(anchor ? { anchor } : {}),
  };
}

/**
 * A batched record's leaf facts and proof from the issuing department's own store, when this process hosts it: a bare
 * record hash then finds the batch it was anchored in. The facts are the leaf's (no field of the record).
 */
async function hostedBatchOf(services: GatewayServices, issuerId: number, recordHash: Hex32) {
  const issuer = [...services.departments.values()].find((d) => d.id === issuerId);
  const state = await issuer?.store.anchors.get(recordHash);
  const anchor = state && batchAnchorOf(state);
  if (!issuer || !anchor) return undefined;
  const record = await issuer.store.getRecord(recordHash);
  if (!record) return undefined;
  return { leaf: anchorOf(record, recordHash), anchor };
}

export const verifyRoute = defineRoute({
  method: "post",
  path: "/verify",
  operationId: "verifyRecord",
  summary: "Verify a record",
  description:
    "The combined status of a presented record (or of a bare record hash with its issuer): anchored, issuer " +
    "authorised for the type when it anchored, issuer not suspended, not revoked, not expired, not superseded. Answered " +
    "from the local index that follows the chain, or from the chain itself with `fresh=true`. A disclosure (SPEC §3.4) " +
    "is verified the same way once each field it shows is proved a field of the record; the verdict then lists them.",
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
  errors: ["RECORD_TAMPERED", "DISCLOSURE_TAMPERED", "CHAIN_UNAVAILABLE"],
  async handler({ services, body, query }) {
    const input = body.disclosure ? disclosedRecord(body.disclosure) : body;
    const verdict = await verifyRecord(
      {
        index: services.index,
        registries: services.registries,
        now: services.now,
        lookupBatch: (issuerId, recordHash) => hostedBatchOf(services, issuerId, recordHash),
      },
      input,
      query.fresh === "true",
    );
    countVerification(services, verdict.status);
    const disclosed = body.disclosure ? { disclosed: Object.keys(body.disclosure.fields) } : {};
    return { status: 200, body: { ...verdict, ...disclosed } };
  },
});

// Verification of a record (or a bare record hash) presented to this department.
import { z } from "zod";
import { verifyRecord } from "../../records/verifyRecord.ts";
import { defineRoute } from "../route.ts";
import { verdictSchema, verifyBodyFastPath, verifyBodySchema } from "../schemas.ts";

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
      { index: services.index, registries: services.registries, now: services.now },
      body,
      query.fresh === "true",
    );
    services.metrics.inc("oncechain_verifications_total", "Verifications answered", { status: verdict.status });
    return { status: 200, body: verdict };
  },
});

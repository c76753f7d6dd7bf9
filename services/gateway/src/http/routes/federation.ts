// The route other departments' gateways call to ask this department for a record it is authoritative for.
import { answerQuery } from "../../federation/answerQuery.ts";
import { federationAnswerSchema, federationQuerySchema } from "../../federation/protocol.ts";
import { defineRoute } from "../route.ts";

export const federationQueryRoute = defineRoute({
  method: "post",
  path: "/federation/records/query",
  operationId: "queryFederatedRecord",
  summary: "Query a record (gateway to gateway)",
  description:
    "Another department's gateway asks for the newest valid record of a type about a subject, for a purpose (a " +
    "scenario). The record itself is shared only under a sharing grant on chain; otherwise the answer is existence " +
    "evidence without data. Every query, answered or refused, is an entry in this department's access log. The " +
    "request is signed by one of the asking department's signer keys registered on chain.",
  tags: ["federation"],
  auth: "federation",
  body: federationQuerySchema,
  responses: {
    200: { description: "Found (with or without the record), or not found", schema: federationAnswerSchema },
  },
  errors: ["UNKNOWN_CREDENTIAL_TYPE", "UNKNOWN_SCENARIO", "NOT_ISSUER", "PURPOSE_NOT_COVERED"],
  async handler({ department, services, caller, body }) {
    const answer = await answerQuery(services, department, caller?.department ?? "", body);
    return { status: 200, body: answer };
  },
});

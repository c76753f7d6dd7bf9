// The route other departments' gateways call to ask this department for a record it is authoritative for.
import { answerQuery } from "../../federation/answerQuery.ts";
import { federationAnswerSchema, federationQuerySchema } from "../../federation/protocol.ts";
import { defineRoute } from "../route.ts";

export const federationQueryRoute = defineRoute({
  method: "post",
  path: "/federation/records/query",
  operationId: "queryFederatedRecord",
  summary:
    "Gateway to gateway: the newest valid record of a type about a subject, for a purpose; the record itself only under a sharing grant, existence evidence otherwise; every query is logged",
  tags: ["federation"],
  auth: "federation",
  body: federationQuerySchema,
  responses: {
    200: { description: "Found (with or without the record), or not found", schema: federationAnswerSchema },
  },
  async handler({ department, services, caller, body }) {
    const answer = await answerQuery(services, department, caller?.department ?? "", body);
    return { status: 200, body: answer };
  },
});

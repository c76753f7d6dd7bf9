// The route other departments' gateways call to ask this department for a record it is authoritative for.

import { subjectAccesses, subjectAccessesSchema } from "../../audit/subjectAccesses.ts";
import { answerQuery } from "../../federation/answerQuery.ts";
import { accessLogQuerySchema, federationAnswerSchema, federationQuerySchema } from "../../federation/protocol.ts";
import { defineRoute } from "../route.ts";

export const federationQueryRoute = defineRoute({
  method: "post",
  path: "/federation/records/query",
  operationId: "queryFederatedRecord",
  summary: "Query a record (gateway to gateway)",
  description:
    "Another department's gateway asks for the newest valid record of a type about a subject, for a purpose (a " +
    "scenario). The record itself is shared only under a sharing grant on chain; otherwise the answer is existence " +
    "evidence without data. Every query, answered or refused, is an entry in this department's access log, a " +
    "request refused for its signature, its freshness, a nonce already used or its body as well (outcome refused, " +
    "with the department it claimed to be and the problem code). The request is signed by one of the asking " +
    "department's signer keys registered on chain.",
  tags: ["federation"],
  auth: "federation",
  body: federationQuerySchema,
  responses: {
    200: { description: "Found (with or without the record), or not found", schema: federationAnswerSchema },
  },
  errors: ["UNKNOWN_CREDENTIAL_TYPE", "UNKNOWN_SCENARIO", "NOT_ISSUER", "PURPOSE_NOT_COVERED", "FIELDS_NOT_GRANTED"],
  logsPeerRefusals: true,
  async handler({ department, services, caller, body }) {
    const answer = await answerQuery(services, department, caller?.department ?? "", body);
    return { status: 200, body: answer };
  },
});

export const federationAccessLogRoute = defineRoute({
  method: "post",
  path: "/federation/access-log/query",
  operationId: "queryFederatedAccessLog",
  summary: "A subject's access-log entries (gateway to gateway)",
  description:
    "Another department's gateway asks, for a citizen's view of who accessed their data, for this department's " +
    "access-log entries about a subject reference: each whole, with the commitment on chain that covers it and its " +
    "inclusion proof, or marked uncommitted. The asking gateway checks them against the chain. Signed by one of the " +
    "asking department's signer keys registered on chain. Each query is an entry of this department's access log about " +
    "the subject (outcome history, the asking department), so whoever looks at a person's history is in it.",
  tags: ["federation"],
  auth: "federation",
  body: accessLogQuerySchema,
  responses: {
    200: { description: "The entries about the subject, newest 1,000 at most", schema: subjectAccessesSchema },
  },
  errors: ["CHAIN_UNAVAILABLE"],
  async handler({ department, caller, body }) {
    const consumer = caller?.department ?? "";
    return { status: 200, body: await subjectAccesses(department, body.subjectRef, { channel: "peer", consumer }) };
  },
});

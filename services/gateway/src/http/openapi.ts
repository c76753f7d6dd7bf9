// The OpenAPI 3.1 document, built with zod-openapi from the same route declarations and zod schemas that validate
// requests: schemas with a `.meta({ id })` become components, every operation lists the problems it can answer
// (routeErrors.ts) and the headers it reads, and the operations endpoints are described from their declarations.
import { z } from "zod";
import {
  type CreateDocumentOptions,
  createDocument,
  type ZodOpenApiOperationObject,
  type ZodOpenApiParameters,
  type ZodOpenApiResponseObject,
} from "zod-openapi";
import { ERROR_CODES, type ErrorCode } from "../errors/codes.ts";
import { GatewayError } from "../errors/GatewayError.ts";
import { federationHeadersSchema } from "../federation/protocol.ts";
import type { OperationsEndpoint } from "./operationsEndpoints.ts";
import { PROBLEM_MEDIA_TYPE, problemDocument } from "./problem.ts";
import type { RouteSpec } from "./route.ts";
import { EVERY_REQUEST, errorCodesOf } from "./routeErrors.ts";
import { idempotencyKeyHeader, problemSchema } from "./schemas.ts";

// biome-ignore lint/suspicious/noExplicitAny: route declarations differ in body, query and parameter types.
type AnyRoute = RouteSpec<any, any, any>;

const TAGS = [
  { name: "records", description: "A department's own records: issue, read, revoke, supersede." },
  { name: "verification", description: "Records presented to this department, checked against the chain." },
  { name: "catalogue", description: "Credential types and scenarios, each checked against its hash on chain." },
  {
    name: "applications",
    description: "Scenario applications: which materials can be waived, which must be submitted.",
  },
  {
    name: "commitments",
    description:
      "Applicants' commitments (告知承诺) in place of materials no department has shared: recorded, followed until " +
      "the promised records are found, breached with the licence revoked; and the department's figures.",
  },
  { name: "federation", description: "Record queries between department gateways, signed by department keys." },
  { name: "access log", description: "Who accessed this department's records; committed to the chain." },
  {
    name: "public",
    description:
      "For anyone, without a key (the web page at /app/): the chain's word on a record hash, the catalogue, access-log " +
      "commitments, the figures. No record's content, subject reference or log entry.",
  },
  { name: "operations", description: "Health, readiness, metrics and this description, outside any department." },
];

const DESCRIPTION = `Issue, verify and share records instead of re-collecting documents. Every department hosted by this
process is served under \`/departments/{department}\`; the operations endpoints are outside any department.

Department systems authenticate with an API key of one role (\`Authorization: Bearer oc_<department>_<id>_<secret>\`),
which works only at its own department; gateways sign their requests to each other with a department signer key; the
operations tagged \`public\` need no key.

Every error is an RFC 9457 problem document with a stable \`code\` from the error catalogue (\`x-error-codes\`), and
every operation lists the ones it can answer. Besides, a path served with other methods answers
\`405 METHOD_NOT_ALLOWED\` with an \`Allow\` header, and a path no route serves \`404 NOT_FOUND\`.`;

const departmentParam = z
  .string()
  .meta({ description: "Code of a department hosted by this gateway, e.g. `psb` or `market-regulation`" });

/** An example problem per code, shared by every operation that can answer it. */
const EXAMPLE_INSTANCE = "urn:uuid:3f1c2a8e-5b7d-4e9a-8c61-2d4f0b9e7a15";
function exampleOf(code: ErrorCode) {
  const error =
    code === "VALIDATION_FAILED"
      ? new GatewayError(code, {
          field: "subject.idType",
          detail: "subject.idType: Invalid option",
          extensions: { errors: [{ field: "subject.idType", message: "Invalid option" }] },
        })
      : new GatewayError(code);
  return { summary: ERROR_CODES[code].title, value: problemDocument(error, EXAMPLE_INSTANCE) };
}

type Responses = Record<string, ZodOpenApiResponseObject>;

function problemResponses(codes: readonly ErrorCode[]): Responses {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of codes)
    byStatus.set(ERROR_CODES[code].status, [...(byStatus.get(ERROR_CODES[code].status) ?? []), code]);
  return Object.fromEntries(
    [...byStatus].map(([status, group]) => [
      String(status),
      {
        description: group.map((code) => `\`${code}\`: ${ERROR_CODES[code].title}`).join("; "),
        content: {
          [PROBLEM_MEDIA_TYPE]: {
            schema: problemSchema,
            examples: Object.fromEntries(group.map((code) => [code, { $ref: `#/components/examples/${code}` }])),
          },
        },
      },
    ]),
  );
}

/** The path parameters of `route`: the department, then each in its path, as declared or else a plain string. */
function pathParams(route: AnyRoute) {
  const declared = route.params instanceof z.ZodObject ? (route.params.shape as Record<string, z.ZodType>) : {};
  const names = [...route.path.matchAll(/:([A-Za-z]+)/g)].map((m) => m[1] as string);
  return z.object({
    department: departmentParam,
    ...Object.fromEntries(names.map((n) => [n, declared[n] ?? z.string()])),
  });
}

/** The path, query and header parameters of `route`: the headers are those the app reads for its kind. */
function requestParams(route: AnyRoute): ZodOpenApiParameters {
  const header =
    route.auth === "federation"
      ? federationHeadersSchema
      : route.idempotent
        ? z.object({ "Idempotency-Key": idempotencyKeyHeader })
        : undefined;
  return {
    path: pathParams(route),
    ...(route.query ? { query: route.query as z.ZodObject } : {}),
    ...(header ? { header } : {}),
  };
}

function routeOperation(route: AnyRoute): ZodOpenApiOperationObject {
  const responses: Responses = {};
  for (const [status, response] of Object.entries(route.responses)) {
    responses[status] = {
      description: response.description,
      ...(response.schema ? { content: { "application/json": { schema: response.schema } } } : {}),
    };
  }
  const who =
    route.auth === "federation"
      ? "Signed by another department's gateway."
      : route.auth === "self-service"
        ? "For a citizen, with the self-service token a counter gave them."
        : route.auth === "public"
          ? "For anyone, without a key: it answers only what the chain and the catalogue say publicly."
          : `For API keys of the roles: ${route.auth.join(", ")}.`;
  return {
    operationId: route.operationId,
    summary: route.summary,
    description: `${route.description}\n\n${who}`,
    tags: route.tags,
    security:
      route.auth === "public"
        ? []
        : [
            route.auth === "federation"
              ? { departmentSignature: [] }
              : route.auth === "self-service"
                ? { selfServiceToken: [] }
                : { apiKey: [] },
          ],
    "x-roles": route.auth,
    requestParams: requestParams(route),
    ...(route.body ? { requestBody: { required: true, content: { "application/json": { schema: route.body } } } } : {}),
    responses: { ...responses, ...problemResponses(errorCodesOf(route)) },
  };
}

function endpointOperation(endpoint: OperationsEndpoint): ZodOpenApiOperationObject {
  return {
    operationId: endpoint.operationId,
    summary: endpoint.summary,
    description: endpoint.description,
    tags: ["operations"],
    security: [],
    responses: {
      ...Object.fromEntries(
        Object.entries(endpoint.responses).map(([status, r]) => [
          status,
          { description: r.description, content: { [r.contentType]: { schema: r.schema } } },
        ]),
      ),
      ...problemResponses(EVERY_REQUEST),
    },
  };
}

/**
 * Answers are written by the handlers, not parsed by their schemas, and may carry members the schema does not name
 * (and gain some later): an answer's object is closed only when its schema is strict, as CanonicalRecord is.
 */
const openAnswers: CreateDocumentOptions["override"] = ({ zodSchema, jsonSchema, io }) => {
  const def = zodSchema._zod.def;
  if (io === "output" && def.type === "object" && def.catchall === undefined) delete jsonSchema.additionalProperties;
};

export function openApiDocument(
  routes: readonly AnyRoute[],
  endpoints: readonly OperationsEndpoint[],
  serverUrl: string,
): ReturnType<typeof createDocument> {
  const paths: Record<string, Record<string, ZodOpenApiOperationObject>> = {};
  for (const endpoint of endpoints) paths[endpoint.path] = { get: endpointOperation(endpoint) };
  for (const route of routes) {
    const path = `/departments/{department}${route.path.replace(/:([A-Za-z]+)/g, "{$1}")}`;
    paths[path] = { ...paths[path], [route.method]: routeOperation(route) };
  }
  const used = new Set([...EVERY_REQUEST, ...routes.flatMap(errorCodesOf)]);
  return createDocument(
    {
      openapi: "3.1.0",
      info: {
        title: "oncechain department gateway",
        version: "1.0.0",
        description: DESCRIPTION,
        license: { name: "Apache-2.0", identifier: "Apache-2.0" },
      },
      servers: [{ url: serverUrl, description: "This gateway" }],
      tags: TAGS,
      paths,
      components: {
        securitySchemes: {
          apiKey: {
            type: "http",
            scheme: "bearer",
            description: "A department system's API key: oc_<department>_<id>_<secret>",
          },
          selfServiceToken: {
            type: "http",
            scheme: "bearer",
            description:
              "A citizen's self-service token, ocs_ and 32 characters, which a department's counter gives them after " +
              "checking their identity (POST .../access-log/self-service-tokens); it opens only their own view, for " +
              "GATEWAY_SELF_SERVICE_MINUTES (15) minutes",
          },
          departmentSignature: {
            type: "apiKey",
            in: "header",
            name: "Signature",
            description:
              "Gateway-to-gateway calls carry an RFC 9421 HTTP Message Signature (Signature-Input and Signature, label " +
              "peer, tag oncechain-peer/1) over @method, @target-uri, content-digest (RFC 9530) and content-type, " +
              "made by a department signer key registered on chain (EIP-191); keyid names the department. See " +
              "docs/SPEC.md, peer requests",
          },
        },
        examples: Object.fromEntries(
          (Object.keys(ERROR_CODES) as ErrorCode[]).filter((c) => used.has(c)).map((c) => [c, exampleOf(c)]),
        ),
      },
      "x-error-codes": ERROR_CODES,
    },
    { override: openAnswers },
  );
}

// The OpenAPI 3.1 document, generated from the same route declarations and zod schemas that validate requests.
import { z } from "zod";
import { ERROR_CODES } from "../errors/codes.ts";
import type { RouteSpec } from "./route.ts";
import { problemSchema } from "./schemas.ts";

const toSchema = (schema: z.ZodType, io: "input" | "output") =>
  z.toJSONSchema(schema, { io, unrepresentable: "any", target: "draft-2020-12" });

// biome-ignore lint/suspicious/noExplicitAny: route declarations differ in body and query types.
export function openApiDocument(routes: readonly RouteSpec<any, any>[], serverUrl: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const path = `/departments/{department}${route.path.replace(/:([A-Za-z]+)/g, "{$1}")}`;
    const pathParams = [...route.path.matchAll(/:([A-Za-z]+)/g)].map((m) => ({
      name: m[1],
      in: "path",
      required: true,
      schema: { type: "string" },
    }));
    const query = route.query
      ? (toSchema(route.query, "input") as { properties?: Record<string, unknown> })
      : undefined;
    const queryParams = Object.entries(query?.properties ?? {}).map(([name, schema]) => ({
      name,
      in: "query",
      required: false,
      schema,
    }));
    const responses: Record<string, unknown> = {};
    for (const [status, response] of Object.entries(route.responses)) {
      responses[status] = {
        description: response.description,
        ...(response.schema
          ? { content: { "application/json": { schema: toSchema(response.schema, "output") } } }
          : {}),
      };
    }
    responses.default = {
      description: "A problem (RFC 9457) with a stable code from the error catalogue",
      content: { "application/problem+json": { schema: toSchema(problemSchema, "output") } },
    };
    paths[path] ??= {};
    (paths[path] as Record<string, unknown>)[route.method] = {
      operationId: route.operationId,
      summary: route.summary,
      tags: route.tags,
      parameters: [
        { name: "department", in: "path", required: true, schema: { type: "string" } },
        ...pathParams,
        ...queryParams,
      ],
      ...(route.idempotent ? { "x-idempotency-key": "Honours the Idempotency-Key header" } : {}),
      security: route.auth === "federation" ? [{ departmentSignature: [] }] : [{ apiKey: [] }],
      "x-roles": route.auth,
      ...(route.body
        ? {
            requestBody: { required: true, content: { "application/json": { schema: toSchema(route.body, "input") } } },
          }
        : {}),
      responses,
    };
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "oncechain department gateway",
      version: "1.0.0",
      description:
        "Issue, verify and share records instead of re-collecting documents. Every department hosted by this process is " +
        "served under /departments/{department}.",
    },
    servers: [{ url: serverUrl }],
    paths,
    components: {
      securitySchemes: {
        apiKey: {
          type: "http",
          scheme: "bearer",
          description: "A department system's API key: oc_<department>_<id>_<secret>",
        },
        departmentSignature: {
          type: "apiKey",
          in: "header",
          name: "X-Oncechain-Signature",
          description: "Gateway-to-gateway calls are signed by a department signer key registered on chain",
        },
      },
    },
    "x-error-codes": Object.fromEntries(Object.entries(ERROR_CODES).map(([code, e]) => [code, e])),
  };
}

// The endpoints outside any department (index, health, readiness, metrics, the API document and its reference page),
// declared once: the app serves them from these declarations and the OpenAPI document describes them from the same.
import type { Request, Response } from "express";
import { z } from "zod";
import type { GatewayServices } from "../services.ts";
import { DOCS_PAGE, docsPolicy } from "./docsPage.ts";

export interface OperationsContext {
  services: GatewayServices;
  readiness: () => Promise<{ ready: boolean; checks: Record<string, unknown> }>;
  document: object;
}

export interface OperationsEndpoint {
  path: string;
  operationId: string;
  summary: string;
  description: string;
  responses: Record<number, { description: string; contentType: string; schema: z.ZodType }>;
  serve(ctx: OperationsContext, req: Request, res: Response): void | Promise<void>;
}

const JSON_TYPE = "application/json";

const readinessSchema = z
  .object({
    status: z.enum(["ready", "not ready"]),
    checks: z
      .object({
        chain: z.enum(["reachable", "unreachable"]),
        chainHead: z.number().optional(),
        indexedBlock: z.number(),
        lag: z.number().optional().meta({ description: "Blocks the local index is behind the chain" }),
      })
      .meta({ description: "What readiness was judged on" }),
  })
  .meta({ id: "Readiness" });

export const OPERATIONS_ENDPOINTS: readonly OperationsEndpoint[] = [
  {
    path: "/",
    operationId: "serviceIndex",
    summary: "The departments this process hosts",
    description: "Where each hosted department is served, and where the API is described.",
    responses: {
      200: {
        description: "The service index",
        contentType: JSON_TYPE,
        schema: z.object({
          service: z.string(),
          docs: z.string(),
          openapi: z.string(),
          app: z.string().meta({ description: "The web page: verify, catalogue, counter, access history, figures" }),
          departments: z.array(z.object({ code: z.string(), nameZh: z.string(), nameEn: z.string(), url: z.string() })),
        }),
      },
    },
    serve({ services }, _req, res) {
      res.json({
        service: "oncechain department gateway",
        docs: "/docs",
        openapi: "/openapi.json",
        app: "/app/",
        departments: [...services.departments.values()].map((d) => ({
          code: d.code,
          nameZh: d.nameZh,
          nameEn: d.nameEn,
          url: `/departments/${d.code}`,
        })),
      });
    },
  },
  {
    path: "/healthz",
    operationId: "health",
    summary: "Liveness",
    description: "200 while the process serves HTTP at all; says nothing about the chain (that is `/readyz`).",
    responses: {
      200: {
        description: "The process is alive",
        contentType: JSON_TYPE,
        schema: z.object({ status: z.literal("ok") }),
      },
    },
    serve(_ctx, _req, res) {
      res.json({ status: "ok" });
    },
  },
  {
    path: "/readyz",
    operationId: "readiness",
    summary: "Readiness: chain reachable and index caught up",
    description: "200 when the chain answers and the local index is at most 2 blocks behind it, 503 otherwise.",
    responses: {
      200: { description: "Ready to serve", contentType: JSON_TYPE, schema: readinessSchema },
      503: {
        description: "Not ready: the chain cannot be reached or the index lags",
        contentType: JSON_TYPE,
        schema: readinessSchema,
      },
    },
    async serve({ readiness }, _req, res) {
      const { ready, checks } = await readiness();
      res.status(ready ? 200 : 503).json({ status: ready ? "ready" : "not ready", checks });
    },
  },
  {
    path: "/metrics",
    operationId: "metrics",
    summary: "Prometheus metrics",
    description: "Counters, histograms and gauges of this process in the Prometheus text exposition format 0.0.4.",
    responses: {
      200: { description: "The metrics", contentType: "text/plain; version=0.0.4", schema: z.string() },
    },
    serve({ services }, _req, res) {
      res.type("text/plain; version=0.0.4").send(services.metrics.render());
    },
  },
  {
    path: "/openapi.json",
    operationId: "openApiDocument",
    summary: "This API's OpenAPI 3.1 document",
    description: "Generated from the same route declarations and zod schemas that validate requests.",
    responses: {
      200: { description: "The OpenAPI document", contentType: JSON_TYPE, schema: z.record(z.string(), z.unknown()) },
    },
    serve({ document }, _req, res) {
      res.json(document);
    },
  },
  {
    path: "/docs",
    operationId: "apiReference",
    summary: "The API reference, rendered from the OpenAPI document",
    description:
      "Swagger UI rendering `/openapi.json`: every operation with its parameters, schemas, examples and security. " +
      "Its script, style and icons are served by this gateway under `/docs/assets/`; the page asks no other origin.",
    responses: { 200: { description: "The reference page", contentType: "text/html", schema: z.string() } },
    serve({ services }, _req, res) {
      res.set("Content-Security-Policy", docsPolicy(services.publicUrl));
      res.type("html").send(DOCS_PAGE);
    },
  },
];

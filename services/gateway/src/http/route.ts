// A route is declared once: its path, roles and zod schemas drive both request validation and the OpenAPI document.
import type { Request, Response } from "express";
import type { z } from "zod";
import type { Caller, Role } from "../auth/apiKeys.ts";
import type { DepartmentRuntime } from "../department.ts";
import type { GatewayServices } from "../services.ts";

export interface RouteContext<B, Q> {
  department: DepartmentRuntime;
  services: GatewayServices;
  caller?: Caller;
  body: B;
  query: Q;
  params: Record<string, string>;
  req: Request;
  res: Response;
}

export interface RouteResult {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export interface RouteSpec<B = unknown, Q = unknown> {
  method: "get" | "post";
  /** Express path under /departments/{department}, e.g. "/records/:recordHash". */
  path: string;
  operationId: string;
  summary: string;
  tags: string[];
  /** Who may call it: API-key roles, or "federation" for signed gateway-to-gateway calls. */
  auth: readonly Role[] | "federation";
  body?: z.ZodType<B>;
  /**
   * For a hot route: a check that gives the body exactly as `body` would when it is certainly valid, and undefined
   * otherwise, when `body` decides (and names what is wrong). Must be held to `body` by a test.
   */
  fastBody?: (value: unknown) => B | undefined;
  query?: z.ZodType<Q>;
  responses: Record<number, { description: string; schema?: z.ZodType }>;
  /** Honour the Idempotency-Key header. */
  idempotent?: boolean;
  handler(ctx: RouteContext<B, Q>): Promise<RouteResult>;
}

/** Keeps the body and query types of a route tied to its schemas. */
export function defineRoute<B = undefined, Q = undefined>(spec: RouteSpec<B, Q>): RouteSpec<B, Q> {
  return spec;
}

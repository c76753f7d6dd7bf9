// A route is declared once: its path, roles and zod schemas drive both request validation and the OpenAPI document.
import type { Request, Response } from "express";
import type { z } from "zod";
import type { Hex32 } from "../../../../lib/encoding/canonical.ts";
import type { Caller, Role } from "../auth/apiKeys.ts";
import type { DepartmentRuntime } from "../department.ts";
import type { ErrorCode } from "../errors/codes.ts";
import type { GatewayServices } from "../services.ts";
import type { BatchOp } from "../store/departmentStore.ts";

export interface RouteContext<B, Q, P = Record<string, string>> {
  department: DepartmentRuntime;
  services: GatewayServices;
  caller?: Caller;
  /** On a self-service route: the subject the presented token is bound to (and the token's id, for the log). */
  citizen?: { subjectRef: Hex32; tokenId: string; issuedBy: string };
  body: B;
  query: Q;
  params: P;
  req: Request;
  res: Response;
  /**
   * Present when the request carries an Idempotency-Key on an idempotent route: the batch operations that store
   * `answer` as the answer to it. A route that writes its state in one batch puts them in that batch, so that no crash
   * can leave the state written and the answer not (a retry would then act a second time); otherwise the answer is
   * stored after the handler returns.
   */
  rememberAnswer?: (answer: { status: number; body: unknown }) => BatchOp[];
}

export interface RouteResult {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export interface RouteSpec<B = unknown, Q = unknown, P = Record<string, string>> {
  method: "get" | "post";
  /** Express path under /departments/{department}, e.g. "/records/:recordHash". */
  path: string;
  operationId: string;
  /** A few words: what the reference lists the operation by. */
  summary: string;
  /** What it does and what a caller needs to know, in sentences. */
  description: string;
  tags: string[];
  /**
   * Who may call it: API-key roles, "federation" for signed gateway-to-gateway calls, or "self-service" for a citizen
   * with a token a counter gave them (bound to their subject), or "public" for anyone without a key (what the chain
   * and the catalogue say publicly: no record's content, no subject, no log entry).
   */
  auth: readonly Role[] | "federation" | "self-service" | "public";
  body?: z.ZodType<B>;
  /**
   * For a hot route: a check that gives the body exactly as `body` would when it is certainly valid, and undefined
   * otherwise, when `body` decides (and names what is wrong). Must be held to `body` by a test.
   */
  fastBody?: (value: unknown) => B | undefined;
  query?: z.ZodType<Q>;
  /** Path parameters (besides the department) and their forms; each is a string when not declared. */
  params?: z.ZodType<P>;
  responses: Record<number, { description: string; schema?: z.ZodType }>;
  /**
   * The problems the operation's own handling can answer. Those every route of its kind can answer (authentication,
   * the department, the body, the schemas) are added by `errorCodesOf`, which the OpenAPI document lists.
   */
  errors?: readonly ErrorCode[];
  /** Honour the Idempotency-Key header. */
  idempotent?: boolean;
  /**
   * For a federation route that reads the department's records: a request refused before its handler runs (its
   * signature, freshness or nonce, or its body) is an access-log entry, written by AppHooks.onPeerRefused.
   */
  logsPeerRefusals?: boolean;
  handler(ctx: RouteContext<B, Q, P>): Promise<RouteResult>;
}

/** Keeps the body, query and path parameter types of a route tied to its schemas. */
export function defineRoute<B = undefined, Q = undefined, P = Record<string, string>>(
  spec: RouteSpec<B, Q, P>,
): RouteSpec<B, Q, P> {
  return spec;
}

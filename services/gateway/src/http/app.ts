// The HTTP face of a gateway process: operations endpoints, and every route under /departments/{department}.
import { hash } from "node:crypto";
import express, { type Request, type Response, Router } from "express";
import type { z } from "zod";
import { canonicalize } from "../../../../lib/encoding/canonical.ts";
import type { Caller, Role } from "../auth/apiKeys.ts";
import { keyQuota, MAX_HELD_REFUSALS } from "../auth/keyQuota.ts";
import type { DepartmentRuntime } from "../department.ts";
import { echoable, echoablePath, UNNAMED_MEMBER, WITHIN_UNNAMED_MEMBER } from "../errors/echo.ts";
import { GatewayError } from "../errors/GatewayError.ts";
import { federationCredentials } from "../federation/authenticateFederation.ts";
import type { GatewayServices } from "../services.ts";
import { serveDocsAsset } from "./docsPage.ts";
import { jsonBodyReader } from "./jsonBody.ts";
import { openApiDocument } from "./openapi.ts";
import { OPERATIONS_ENDPOINTS } from "./operationsEndpoints.ts";
import { problemHandler } from "./problem.ts";
import { requestLog } from "./requestLog.ts";
import type { RouteContext, RouteResult, RouteSpec } from "./route.ts";
import { IDEMPOTENCY_KEY_RULE, idempotencyKeyHeader } from "./schemas.ts";
import { serveWebAsset, serveWebIndex } from "./webPage.ts";

// biome-ignore lint/suspicious/noExplicitAny: route declarations differ in body and query types.
type AnyRoute = RouteSpec<any, any, any>;

export interface AppHooks {
  /** Authenticates a signed gateway-to-gateway request (routes with auth "federation"). */
  authenticateFederation?: (req: Request, department: DepartmentRuntime) => Promise<Caller>;
  /** Whether the process is ready to serve (chain reachable, index caught up). */
  readiness: () => Promise<{ ready: boolean; checks: Record<string, unknown> }>;
  /**
   * Called with what refused a request to a route that logs peer refusals, before the refusal is answered; `proved`:
   * the request's signature had been verified when it was refused.
   */
  onPeerRefused?: (req: Request, department: DepartmentRuntime, error: unknown, proved: boolean) => Promise<void>;
}

type Where = "body" | "query" | "params";

/** A request field's path as the problem names it: body members and path parameters plainly, query ones prefixed. */
const fieldPath = (where: Where, path: readonly PropertyKey[]) =>
  (path.length === 0 ? [where] : where === "query" ? [where, ...path] : path).map(String).join(".");

/** zod's wording for a member that is not there, said plainly. */
const messageOf = (issue: z.core.$ZodIssue) =>
  issue.code === "invalid_type" && issue.message.endsWith("received undefined") ? "is required" : issue.message;

function parse<T>(schema: z.ZodType<T>, value: unknown, where: Where): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => {
    // A name on the path the client chose (a key of a record of names) is repeated only if it is shaped like a field.
    const { path, cut } = echoablePath(issue.path);
    if (cut) return { field: fieldPath(where, path), message: `${WITHIN_UNNAMED_MEMBER}: ${messageOf(issue)}` };
    // An unknown member is reported on the object that holds it; name the member itself, if its name may be repeated.
    if (issue.code === "unrecognized_keys") {
      const [name = ""] = issue.keys;
      if (!echoable(name)) return { field: fieldPath(where, path), message: UNNAMED_MEMBER };
      return { field: fieldPath(where, [...path, name]), message: messageOf(issue) };
    }
    return { field: fieldPath(where, path), message: messageOf(issue) };
  });
  const first = issues[0] ?? { field: where, message: "is invalid" };
  throw new GatewayError("VALIDATION_FAILED", {
    field: first.field,
    detail: `${first.field}: ${first.message}`,
    extensions: { errors: issues },
  });
}

/** The request's Idempotency-Key, of the shape the header's schema allows; a 400 naming the header otherwise. */
function idempotencyKeyOf(req: Request): string | undefined {
  const value = req.get("idempotency-key");
  if (value === undefined) return undefined;
  const parsed = idempotencyKeyHeader.safeParse(value);
  if (!parsed.success) {
    throw new GatewayError("VALIDATION_FAILED", {
      field: "Idempotency-Key",
      detail: `Idempotency-Key: ${IDEMPOTENCY_KEY_RULE}`,
    });
  }
  return parsed.data;
}

/** Whether the request carries a body at all (the rule body parsers use). */
const hasBody = (req: Request) =>
  req.headers["transfer-encoding"] !== undefined || !["0", undefined].includes(req.headers["content-length"]);

/**
 * Writes a route's JSON answer: what res.json does for these answers (no ETag, no conditional GET: the answers are
 * live state), without its general path, which costs more than some of the routes themselves.
 */
function sendJson(res: Response, result: RouteResult): void {
  const text = JSON.stringify(result.body);
  res.statusCode = result.status;
  for (const [name, value] of Object.entries(result.headers ?? {})) res.setHeader(name, value);
  res.setHeader("Content-Type", "application/json; charset=utf-8");
  res.setHeader("Content-Length", Buffer.byteLength(text));
  res.end(text);
}

/** The handler that answers 405, with an Allow header, to the methods a path's routes do not serve (GET serves HEAD). */
function refuseOtherMethods(pattern: string, methods: string[]) {
  const allow = methods.flatMap((m) => (m === "get" ? ["GET", "HEAD"] : [m.toUpperCase()])).join(", ");
  return (_req: Request, res: Response) => {
    res.locals.route = pattern;
    res.set("Allow", allow);
    throw new GatewayError("METHOD_NOT_ALLOWED", { detail: `this path answers ${allow}` });
  };
}

/** The caller the request's API key stands for, when its role is one of `roles`; `admit` is asked before the role. */
async function authorise(
  roles: readonly Role[],
  department: DepartmentRuntime,
  req: Request,
  admit: (caller: Caller) => Promise<void>,
): Promise<Caller> {
  const caller = department.apiKeys.authenticate(bearer(req));
  // A key's requests count against its quota whatever they ask: a key flooding an operation it may not call too.
  await admit(caller);
  if (!roles.includes(caller.role)) {
    throw new GatewayError("FORBIDDEN_ROLE", { detail: `this operation is for: ${roles.join(", ")}` });
  }
  return caller;
}

function bearer(req: Request): string | undefined {
  const header = req.get("authorization");
  if (header?.startsWith("Bearer ")) return header.slice(7).trim();
  return req.get("x-api-key") ?? undefined;
}

export function createApp(services: GatewayServices, routes: readonly AnyRoute[], hooks: AppHooks): express.Express {
  const app = express();
  app.disable("x-powered-by");
  app.set("etag", false);
  const readJson = jsonBodyReader(services.limits.bodyBytes);
  const quota = keyQuota(services.limits.keyQuota);
  /** A department system's key, or a peer gateway's, takes one request of its quota (429 beyond), in real time. */
  const refusals = new Map<string, { since: number; count: number }>();
  let held = 0;
  const takeQuota = async (department: DepartmentRuntime, caller: Caller, res: Response) => {
    const key = `${department.code} ${caller.department} ${caller.keyId}`;
    const now = performance.now();
    const verdict = quota?.take(key, now) ?? { admitted: true };
    if (!verdict.admitted) {
      services.metrics.inc(
        "oncechain_key_quota_refused_total",
        "Requests answered 429 KEY_QUOTA_EXCEEDED: their API key, or peer gateway, was past its quota",
        { department: department.code },
      );
      // Not a log line per refusal, which a flood would turn into one of its own: one a minute per key, with the count.
      res.locals.unlogged = true;
      const seen = refusals.get(key) ?? { since: Number.NEGATIVE_INFINITY, count: 0 };
      seen.count++;
      if (now - seen.since >= 60_000) {
        services.logger.warn(
          { department: department.code, consumer: caller.department, keyId: caller.keyId, refused: seen.count },
          "key past its quota: requests answered 429 KEY_QUOTA_EXCEEDED (counted since the last such line)",
        );
        seen.since = now;
        seen.count = 0;
      }
      refusals.set(key, seen);
      // Held for the Retry-After it gives (a second, mostly), up to MAX_HELD refusals at once (beyond: at once), and
      // no longer than the client waits for it.
      if (held < MAX_HELD_REFUSALS) {
        held++;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, verdict.retryAfterSeconds * 1000);
          res.once("close", () => {
            clearTimeout(timer);
            resolve();
          });
        });
        held--;
      }
      throw verdict.error;
    }
  };
  const inFlight = new Map<string, Promise<unknown>>();

  app.use(requestLog(services));
  app.use((req, _res, next) => {
    // Checked once for every path: the router would otherwise fail on the first parameter it decodes, as a body error.
    try {
      decodeURIComponent(req.path);
    } catch {
      throw new GatewayError("MALFORMED_PATH", {
        field: "path",
        detail: "percent-escapes in the path must encode UTF-8",
      });
    }
    next();
  });

  const document = openApiDocument(routes, OPERATIONS_ENDPOINTS, services.publicUrl);
  const operations = { services, readiness: hooks.readiness, document };
  for (const endpoint of OPERATIONS_ENDPOINTS) {
    app.get(endpoint.path, async (req: Request, res: Response) => {
      res.locals.route = endpoint.path;
      await endpoint.serve(operations, req, res);
    });
    app.all(endpoint.path, refuseOtherMethods(endpoint.path, ["get"]));
  }

  app.get("/docs/assets/:file", serveDocsAsset);
  app.get(["/app", "/app/"], serveWebIndex);
  app.get("/app/assets/:file", serveWebAsset);

  const router = Router({ mergeParams: true });
  router.use((req, res, next) => {
    const department = services.departments.get(String(req.params.department ?? ""));
    if (!department) throw new GatewayError("UNKNOWN_DEPARTMENT", { field: "department" });
    res.locals.department = department.code;
    next();
  });
  for (const route of routes) {
    const pattern = `/departments/:department${route.path}`;
    router[route.method](route.path, async (req: Request, res: Response) => {
      res.locals.route = pattern;
      const department = services.departments.get(res.locals.department as string) as DepartmentRuntime;
      // Who asks is settled before the body is read: a caller without a key learns nothing from its body's fate. A
      // federation request's signature covers the body, so only the form of its headers can be checked before.
      const { auth } = route;
      const keyHolder =
        auth === "federation" || auth === "self-service" || auth === "public"
          ? undefined
          : await authorise(auth, department, req, (caller) => takeQuota(department, caller, res));
      const citizen =
        auth === "self-service" ? await department.selfService.subjectOf(bearer(req), services.now()) : undefined;
      let proved = false;
      const admit = async () => {
        if (auth === "federation") federationCredentials(req, services);
        const params = route.params ? parse(route.params, req.params, "params") : req.params;
        if (route.method === "post") req.body = await readBody(req, res);
        const caller = keyHolder ?? (auth === "federation" ? await authenticateFederation(req, department) : undefined);
        proved = auth === "federation";
        if (caller && !keyHolder) await takeQuota(department, caller, res);
        const body = route.body ? (route.fastBody?.(req.body) ?? parse(route.body, req.body, "body")) : undefined;
        const query = route.query ? parse(route.query, req.query, "query") : {};
        return { params, caller, body, query };
      };
      // A refused peer request is logged before it is answered, as an answered one is.
      const { params, caller, body, query } = route.logsPeerRefusals
        ? await admit().catch(async (error: unknown) => {
            await hooks.onPeerRefused?.(req, department, error, proved);
            throw error;
          })
        : await admit();
      const idempotencyKey = route.idempotent ? idempotencyKeyOf(req) : undefined;
      const context = {
        department,
        services,
        caller,
        citizen,
        body,
        query,
        params,
        req,
        res,
      };
      // Stored under its keyed hash: what a client put in its key is never kept in clear.
      const result =
        idempotencyKey && caller
          ? await idempotent(
              department,
              department.store.lookupKey(`${caller.keyId}:${idempotencyKey}`),
              // What the key stands for: this body sent to this operation on this resource. The same key and body
              // sent to another path (a commitment for another application, say) is a reuse, not a retry.
              `${req.method} ${req.baseUrl}${req.path}\n${canonicalize(req.body)}`,
              (rememberAnswer) => route.handler({ ...context, rememberAnswer }),
            )
          : await route.handler(context);
      sendJson(res, result);
    });
  }
  const methodsByPath = new Map<string, string[]>();
  for (const { path, method } of routes) methodsByPath.set(path, [...(methodsByPath.get(path) ?? []), method]);
  for (const [path, methods] of methodsByPath) {
    router.all(path, refuseOtherMethods(`/departments/:department${path}`, methods));
  }
  app.use("/departments/:department", router);
  app.use(() => {
    throw new GatewayError("NOT_FOUND", { detail: "no route serves this path" });
  });
  app.use(problemHandler(services.logger));
  return app;

  function authenticateFederation(req: Request, department: DepartmentRuntime): Promise<Caller> {
    if (!hooks.authenticateFederation) throw new GatewayError("NOT_FOUND");
    return hooks.authenticateFederation(req, department);
  }

  async function readBody(req: Request, res: Response): Promise<unknown> {
    if (!hasBody(req)) {
      throw new GatewayError("VALIDATION_FAILED", { field: "body", detail: "body: a JSON body is required" });
    }
    if (!req.is("application/json")) {
      throw new GatewayError("UNSUPPORTED_MEDIA_TYPE", {
        field: "content-type",
        detail: "send the body as application/json",
      });
    }
    return readJson(req, res);
  }

  /**
   * Same key and body: the first answer again. Same key, other body: 422. One run per key at a time. The answer is
   * stored in the handler's own batch when it takes `rememberAnswer`, else right after it returns.
   */
  async function idempotent(
    department: DepartmentRuntime,
    key: string,
    request: string,
    run: (rememberAnswer: NonNullable<RouteContext<unknown, unknown>["rememberAnswer"]>) => Promise<RouteResult>,
  ) {
    const bodyHash = hash("sha256", request);
    const slot = `${department.code}:${key}`;
    while (inFlight.has(slot)) await inFlight.get(slot)?.catch(() => undefined);
    // Claimed in the same tick as the check above, and released before waiters wake, so that they find the answer stored.
    const attempt = replayOrRun(department, key, bodyHash, run).finally(() => inFlight.delete(slot));
    inFlight.set(slot, attempt);
    return attempt;
  }

  async function replayOrRun(
    department: DepartmentRuntime,
    key: string,
    bodyHash: string,
    run: (rememberAnswer: NonNullable<RouteContext<unknown, unknown>["rememberAnswer"]>) => Promise<RouteResult>,
  ): Promise<RouteResult> {
    const stored = await department.store.idempotency.get(key);
    if (stored) {
      if (stored.bodyHash !== bodyHash) throw new GatewayError("IDEMPOTENCY_KEY_REUSED", { field: "Idempotency-Key" });
      return { status: stored.status, body: stored.body, headers: { "Idempotent-Replayed": "true" } };
    }
    let storedByHandler = false;
    const result = await run((answer) => {
      storedByHandler = true;
      return [department.store.idempotency.putOp(key, { bodyHash, status: answer.status, body: answer.body })];
    });
    if (result.status < 300 && !storedByHandler) {
      await department.store.idempotency.put(key, { bodyHash, status: result.status, body: result.body });
    }
    return result;
  }
}

// RFC 9457 problem documents: the one place errors become HTTP responses.
import { randomUUID } from "node:crypto";
import type { ErrorRequestHandler, Response } from "express";
import type { Logger } from "pino";
import { CanonicalFormError } from "../../../../lib/encoding/canonical.ts";
import { ERROR_CODES } from "../errors/codes.ts";
import { GatewayError } from "../errors/GatewayError.ts";
import { storageUnavailable } from "../store/guardedLevel.ts";

export const PROBLEM_TYPE_BASE = "https://oncechain.dev/problems/";
export const PROBLEM_MEDIA_TYPE = "application/problem+json";

/** A new request id: what a problem's `instance` and the request's log line carry, so an operator can find one from the other. */
export const newRequestId = () => `urn:uuid:${randomUUID()}`;

/** The id of the request `res` answers, made on first use. */
export function requestIdOf(res: Response): string {
  res.locals.requestId ??= newRequestId();
  return res.locals.requestId as string;
}

/** The problem document for `error`. `instance` identifies the request, never by its path: a path can carry an ID number. */
export function problemDocument(error: GatewayError, instance: string): Record<string, unknown> {
  return {
    // Extensions first: a member of their own must never mask one RFC 9457 defines (status, title, ...).
    ...error.extensions,
    type: `${PROBLEM_TYPE_BASE}${error.code.toLowerCase().replaceAll("_", "-")}`,
    title: ERROR_CODES[error.code].title,
    status: error.status,
    code: error.code,
    ...(error.detail ? { detail: error.detail } : {}),
    ...(error.field ? { field: error.field } : {}),
    instance,
  };
}

export function sendProblem(res: Response, error: GatewayError): void {
  if (error.status === 401) res.set("WWW-Authenticate", 'Bearer realm="oncechain"');
  for (const [name, value] of Object.entries(error.headers ?? {})) res.set(name, value);
  res
    .status(error.status)
    .type(PROBLEM_MEDIA_TYPE)
    .json(problemDocument(error, requestIdOf(res)));
}

/** Maps body-parser failures to catalogue codes; anything unexpected is a 500 without internals in the body. */
export function toGatewayError(error: unknown): GatewayError {
  if (error instanceof GatewayError) return error;
  if (error instanceof CanonicalFormError) {
    // A body JSON can carry but RFC 8785 cannot write (nested too deep); routes that know the member name it.
    return new GatewayError("VALIDATION_FAILED", { field: "body", detail: `body: ${error.message}`, cause: error });
  }
  const e = error as { type?: string; status?: number; limit?: number };
  if (e.type === "entity.too.large") {
    return new GatewayError("PAYLOAD_TOO_LARGE", { detail: `the body is larger than ${e.limit} bytes`, cause: error });
  }
  if (e.type === "entity.parse.failed") {
    return new GatewayError("MALFORMED_JSON", { field: "body", detail: "the body is not valid JSON", cause: error });
  }
  if (e.type === "encoding.unsupported" || e.type === "charset.unsupported") {
    return new GatewayError("UNSUPPORTED_MEDIA_TYPE", { cause: error });
  }
  // The department's database refusing writes (its disk full, see guardedLevel.ts), or closed for the moment it is
  // opened again: the request was not carried out, and may be sent again.
  const level = (error as { code?: string }).code;
  if (level === "LEVEL_DATABASE_NOT_OPEN" || level === "LEVEL_ITERATOR_NOT_OPEN" || level === "LEVEL_IO_ERROR") {
    return storageUnavailable(level === "LEVEL_IO_ERROR" ? "an I/O error" : "it is being opened again");
  }
  // Any other body-parser refusal (a body that does not inflate, a length that does not match) is the client's too.
  if (typeof e.status === "number" && e.status >= 400 && e.status < 500) {
    return new GatewayError("MALFORMED_JSON", { field: "body", detail: "the body could not be read", cause: error });
  }
  return new GatewayError("INTERNAL", { cause: error });
}

export function problemHandler(logger: Logger): ErrorRequestHandler {
  return (error, _req, res, _next) => {
    const problem = toGatewayError(error);
    if (problem.status >= 500) {
      logger.error(
        {
          code: problem.code,
          route: res.locals.route ?? "unmatched",
          requestId: requestIdOf(res),
          err: { message: (error as Error)?.message },
        },
        "request failed",
      );
    }
    sendProblem(res, problem);
  };
}

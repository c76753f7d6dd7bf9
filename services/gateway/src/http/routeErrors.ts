// Which problems an operation can answer: the codes its route declares, and those the app answers every route of its
// kind with (createApp): the path, the department, the caller, the body and the schemas it validates.
import { ERROR_CODES, type ErrorCode } from "../errors/codes.ts";
import type { RouteSpec } from "./route.ts";

/** What any request can meet: what Node's HTTP parser refuses (clientError.ts), and the unexpected. */
export const EVERY_REQUEST: readonly ErrorCode[] = [
  "MALFORMED_REQUEST",
  "REQUEST_TIMEOUT",
  "REQUEST_HEADERS_TOO_LARGE",
  "INTERNAL",
];
/** Every department route reads or writes the department's database (a read is an access-log entry). */
const EVERY_ROUTE: ErrorCode[] = [...EVERY_REQUEST, "MALFORMED_PATH", "UNKNOWN_DEPARTMENT", "STORAGE_UNAVAILABLE"];
const BY_API_KEY: ErrorCode[] = [
  "UNAUTHENTICATED",
  "API_KEY_REVOKED",
  "FORBIDDEN_DEPARTMENT",
  "FORBIDDEN_ROLE",
  "KEY_QUOTA_EXCEEDED",
];
const BY_SIGNATURE: ErrorCode[] = [
  "FEDERATION_SIGNATURE_INVALID",
  "FEDERATION_REQUEST_EXPIRED",
  "FEDERATION_REPLAYED",
  "DEPARTMENT_SUSPENDED",
  "CHAIN_UNAVAILABLE",
  "KEY_QUOTA_EXCEEDED",
];
const WITH_BODY: ErrorCode[] = ["UNSUPPORTED_MEDIA_TYPE", "PAYLOAD_TOO_LARGE", "MALFORMED_JSON", "VALIDATION_FAILED"];

/** Every code `route` can answer with, in the catalogue's order. */
// biome-ignore lint/suspicious/noExplicitAny: route declarations differ in body, query and parameter types.
export function errorCodesOf(route: RouteSpec<any, any, any>): ErrorCode[] {
  const codes = new Set<ErrorCode>([
    ...EVERY_ROUTE,
    ...(route.auth === "federation"
      ? BY_SIGNATURE
      : route.auth === "self-service"
        ? (["SELF_SERVICE_TOKEN_INVALID"] as const)
        : route.auth === "public"
          ? []
          : BY_API_KEY),
    ...(route.method === "post" ? WITH_BODY : []),
    ...(route.query || route.params ? (["VALIDATION_FAILED"] as const) : []),
    ...(route.idempotent ? (["IDEMPOTENCY_KEY_REUSED"] as const) : []),
    ...(route.errors ?? []),
  ]);
  return (Object.keys(ERROR_CODES) as ErrorCode[]).filter((code) => codes.has(code));
}

// Who may call what: the outcome expected of every route a department serves for every kind of caller, derived from
// each route's declared `auth` alone. docs/AUTHORISATION.md is this table written out (npm run docs:authorisation), and
// test/gateway/authorisation.test.ts sends every cell to a gateway and holds the answers to it, so that a new route is
// in the table and in the test the moment it is declared.
import type { Role } from "../../services/gateway/src/auth/apiKeys.ts";
import { ROLES } from "../../services/gateway/src/auth/apiKeys.ts";
import type { ErrorCode } from "../../services/gateway/src/errors/codes.ts";
import type { RouteSpec } from "../../services/gateway/src/http/route.ts";

/** A kind of caller, as seen by the department whose route is called (psb in the test). */
export type CallerKind =
  | { kind: "key"; role: Role }
  | { kind: "other-department-key"; role: Role }
  | { kind: "no-credentials" }
  | { kind: "wrong-secret" }
  | { kind: "revoked-key" }
  | { kind: "rotated-away-key" }
  | { kind: "rotated-in-key" }
  | { kind: "peer" }
  | { kind: "peer-wrong-key" }
  | { kind: "citizen" }
  | { kind: "citizen-other-subject" }
  | { kind: "citizen-expired" };

export interface Caller {
  name: string;
  caller: CallerKind;
}

export const CALLERS: readonly Caller[] = [
  ...ROLES.map((role) => ({ name: `own ${role} key`, caller: { kind: "key", role } as const })),
  ...ROLES.map((role) => ({
    name: `another department's ${role} key`,
    caller: { kind: "other-department-key", role } as const,
  })),
  { name: "no credentials", caller: { kind: "no-credentials" } },
  { name: "a key with a wrong secret", caller: { kind: "wrong-secret" } },
  { name: "a revoked issuer key", caller: { kind: "revoked-key" } },
  { name: "an issuer key rotated away", caller: { kind: "rotated-away-key" } },
  { name: "the issuer key rotated in", caller: { kind: "rotated-in-key" } },
  { name: "a peer gateway, its department's signer", caller: { kind: "peer" } },
  { name: "a peer gateway, a wrong key", caller: { kind: "peer-wrong-key" } },
  { name: "a citizen's token", caller: { kind: "citizen" } },
  { name: "a citizen's token, another subject's resource", caller: { kind: "citizen-other-subject" } },
  { name: "an expired citizen's token", caller: { kind: "citizen-expired" } },
];

/** "admitted": past authentication and authorisation (the operation itself may still refuse the request). */
export type Outcome = "admitted" | ErrorCode;

/** The refusals that are about who asks: any other answer is an admitted request's. */
export const CALLER_REFUSALS: readonly ErrorCode[] = [
  "UNAUTHENTICATED",
  "API_KEY_REVOKED",
  "FORBIDDEN_ROLE",
  "FORBIDDEN_DEPARTMENT",
  "FEDERATION_SIGNATURE_INVALID",
  "SELF_SERVICE_TOKEN_INVALID",
];

/**
 * What `caller` gets from `route`. A citizen's token for one subject, on a route about a resource (a record), finds no
 * record about another subject: RECORD_NOT_FOUND, as for a record not held, so that a token tells nothing of others.
 */
export function expectedOutcome(route: Pick<RouteSpec, "auth" | "path">, { caller }: Caller): Outcome {
  const { auth } = route;
  if (auth === "public") return "admitted";
  if (auth === "federation") return caller.kind === "peer" ? "admitted" : "FEDERATION_SIGNATURE_INVALID";
  if (auth === "self-service") {
    if (caller.kind === "citizen") return "admitted";
    if (caller.kind === "citizen-other-subject")
      return route.path.includes(":recordHash") ? "RECORD_NOT_FOUND" : "admitted";
    return "SELF_SERVICE_TOKEN_INVALID";
  }
  switch (caller.kind) {
    case "key":
      return auth.includes(caller.role) ? "admitted" : "FORBIDDEN_ROLE";
    case "rotated-in-key":
      return auth.includes("issuer") ? "admitted" : "FORBIDDEN_ROLE";
    case "other-department-key":
      return "FORBIDDEN_DEPARTMENT";
    case "revoked-key":
    case "rotated-away-key":
      return "API_KEY_REVOKED";
    default:
      return "UNAUTHENTICATED";
  }
}

/** The route as the reference names it. */
export const routeName = (route: Pick<RouteSpec, "method" | "path">) =>
  `${route.method.toUpperCase()} ${route.path.replace(/:(\w+)/g, "{$1}")}`;

const CELL: Record<string, string> = { admitted: "✓" };

/** docs/AUTHORISATION.md: one row per route, one column per caller. */
export function authorisationMarkdown(routes: readonly Pick<RouteSpec, "auth" | "path" | "method">[]): string {
  const codes = [...new Set(routes.flatMap((r) => CALLERS.map((c) => expectedOutcome(r, c))))].filter(
    (o) => o !== "admitted",
  );
  const short = Object.fromEntries(codes.map((code, i) => [code, String.fromCharCode(65 + i)]));
  const header = `| Route (under /departments/{department}) | Declared | ${CALLERS.map((c) => c.name).join(" | ")} |`;
  const rule = `|${" --- |".repeat(CALLERS.length + 2)}`;
  const rows = routes.map((route) => {
    const declared = Array.isArray(route.auth) ? route.auth.join(", ") : route.auth;
    const cells = CALLERS.map((c) => {
      const outcome = expectedOutcome(route, c);
      return CELL[outcome] ?? short[outcome];
    });
    return `| \`${routeName(route)}\` | ${declared} | ${cells.join(" | ")} |`;
  });
  return [
    "# Who may call what",
    "",
    "<!-- Written by `npm run docs:authorisation` from each route's declaration; test/gateway/authorisation.test.ts",
    "     sends every cell to a gateway and fails when an answer or this file differs. Do not edit by hand. -->",
    "",
    `Every route a department serves (${routes.length}), for every kind of caller (${CALLERS.length}): ✓ is let through`,
    "to the operation, which may still refuse the request for what it asks; a letter is the problem that refuses the",
    "caller first, before the body is read (a peer's signature covers its body, so only its headers' form is checked",
    "before). The routes outside a department (`/`, `/health`, `/ready`, `/metrics`, `/openapi.json`, `/docs`, `/app/`)",
    "are open to anyone and hold no department's data.",
    "",
    "- **own … key**: a key of the department whose route it is, by role; **another department's … key**: a valid key",
    "  of another department hosted by the same gateway.",
    "- **rotated away / in**: `npm run gateway:keys -- rotate` revokes a key and creates one of the same role: the old",
    "  token is refused, the new one has the old one's rights (an issuer's here).",
    "- **a peer gateway**: a request signed (RFC 9421) by the key the chain names for the asking department; **a wrong",
    "  key**: the same request signed by any other key.",
    "- **a citizen's token**: one the department's counter gave for one subject; **another subject's resource**: a record",
    "  about someone else, which the token does not find. A token names its subject, so the access history it opens is",
    "  its own subject's and no one else's.",
    "",
    header,
    rule,
    ...rows,
    "",
    ...codes.map((code) => `- **${short[code]}**: \`${code}\``),
    "",
  ].join("\n");
}

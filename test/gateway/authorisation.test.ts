// Every route a department serves × every kind of caller, generated from the routes' declarations: each cell is sent to
// a gateway hosting psb and market-regulation, and its answer must be the one scripts/lib/authorisationTable.ts expects
// (and docs/AUTHORISATION.md shows). A new route is in the matrix as soon as it is declared.
import { readFileSync } from "node:fs";
import { Wallet } from "ethers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  authorisationMarkdown,
  CALLER_REFUSALS,
  CALLERS,
  type Caller,
  expectedOutcome,
  type Outcome,
  routeName,
} from "../../scripts/lib/authorisationTable.ts";
import type { RouteSpec } from "../../services/gateway/src/http/route.ts";
import { ROUTES } from "../../services/gateway/src/http/routes/index.ts";
import { call, type RunningGateway, type SeededChain, seededChain, startGateway } from "./gatewayFixture.ts";
import { anchorQueued, idCardRequest, PERSON, peerQueryHeaders, residentId, runtimeOf } from "./support.ts";

let chain: SeededChain;
let gw: RunningGateway;
let clock = Date.now();
/** A psb record about PERSON, for the routes that name one. */
let recordHash: string;
const tokens: Record<string, string> = {};

/** A value for each path parameter a route may have: a real resource where one can be named. */
const PARAMS: Record<string, () => string> = {
  recordHash: () => recordHash,
  applicationId: () => "authorisation-matrix-application",
  commitmentId: () => "0x".padEnd(66, "1"),
  code: () => "resident-id-card",
  of: () => "psb",
};
/** The query an operation needs so that an admitted caller gets past it. */
const QUERIES: Record<string, string> = { disclosure: "?fields=name", selfServiceDisclosure: "?fields=name" };

function pathOf(route: RouteSpec): string {
  const path = route.path.replace(/:(\w+)/g, (_, name: string) => {
    const value = PARAMS[name];
    if (!value) throw new Error(`${routeName(route)}: give the matrix a value for :${name}`);
    return value();
  });
  return `${gw.base("psb")}${path}${QUERIES[route.operationId] ?? ""}`;
}

/** The credentials a caller presents, as headers. */
function headersOf({ caller }: Caller, url: string, body: unknown): Record<string, string> {
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
  switch (caller.kind) {
    case "key":
      return bearer(tokens[caller.role] as string);
    case "other-department-key":
      return bearer(tokens[`market-${caller.role}`] as string);
    case "no-credentials":
      return {};
    case "peer":
      return peerQueryHeaders(chain, url, body ?? "");
    case "peer-wrong-key":
      return peerQueryHeaders(chain, url, body ?? "", { key: Wallet.createRandom().privateKey });
    default:
      return bearer(tokens[caller.kind] as string);
  }
}

/** What the gateway answered, as the matrix counts it: the refusal of the caller, or admitted. */
async function observed(route: RouteSpec, caller: Caller): Promise<Outcome> {
  const url = pathOf(route);
  const body = route.method === "post" ? {} : undefined;
  const method = route.method === "post" ? "POST" : "GET";
  const response = await call(method, url, undefined, body, headersOf(caller, url, body));
  const code = (response.body as { code?: Outcome } | undefined)?.code;
  if (response.status >= 500) throw new Error(`${routeName(route)} answered ${response.status} to ${caller.name}`);
  return code && (CALLER_REFUSALS.includes(code as never) || code === "RECORD_NOT_FOUND") ? code : "admitted";
}

beforeAll(async () => {
  chain = await seededChain();
  gw = await startGateway(chain, ["psb", "market-regulation"], { now: () => clock, accessLogCommitMs: 0 });
  for (const role of ["issuer", "consumer", "auditor", "operator"] as const) {
    tokens[role] = gw.key("psb", role);
    tokens[`market-${role}`] = gw.key("market-regulation", role);
  }
  const keys = runtimeOf(gw, "psb").apiKeys;
  const idOf = (token: string) => token.split("_")[2] ?? "";
  tokens["wrong-secret"] = `${gw.key("psb", "issuer").slice(0, -32)}${"A".repeat(32)}`;
  tokens["revoked-key"] = gw.key("psb", "issuer");
  keys.revoke(idOf(tokens["revoked-key"]));
  tokens["rotated-away-key"] = gw.key("psb", "issuer");
  tokens["rotated-in-key"] = keys.rotate(idOf(tokens["rotated-away-key"])).token;
  const issued = await call("POST", `${gw.base("psb")}/records`, tokens.issuer, idCardRequest(PERSON.idNumber));
  expect(issued.status, JSON.stringify(issued.body)).toBe(202);
  recordHash = issued.body.recordHash;
  await anchorQueued(gw, "psb");
  const token = async (idNumber: string) => {
    const answer = await call("POST", `${gw.base("psb")}/access-log/self-service-tokens`, tokens.consumer, {
      subject: { idType: "resident-id", idNumber },
    });
    expect(answer.status, JSON.stringify(answer.body)).toBe(201);
    return answer.body.token as string;
  };
  tokens.citizen = await token(PERSON.idNumber);
  tokens["citizen-other-subject"] = await token(residentId(3));
  expect(residentId(3)).not.toBe(PERSON.idNumber);
  clock -= 2 * 24 * 3_600_000;
  tokens["citizen-expired"] = await token(PERSON.idNumber);
  clock = Date.now();
});
afterAll(async () => {
  await gw?.close();
  chain?.cleanup();
});

describe("the authorisation matrix", () => {
  it(`answers each of the ${ROUTES.length} routes × ${CALLERS.length} callers as the table derived from the routes expects`, async () => {
    const differ: string[] = [];
    let cells = 0;
    for (const route of ROUTES) {
      for (const caller of CALLERS) {
        const expected = expectedOutcome(route, caller);
        const got = await observed(route, caller);
        cells++;
        if (got !== expected) differ.push(`${routeName(route)}, ${caller.name}: expected ${expected}, got ${got}`);
      }
    }
    expect(differ).toEqual([]);
    expect(cells).toBe(ROUTES.length * CALLERS.length);
  });

  it("lets through every kind of caller somewhere, and refuses each somewhere, so that no column is vacuous", () => {
    for (const caller of CALLERS) {
      const outcomes = new Set(ROUTES.map((route) => expectedOutcome(route, caller)));
      expect(outcomes.has("admitted"), caller.name).toBe(true);
      expect(outcomes.size, caller.name).toBeGreaterThan(1);
    }
  });

  it("is written out in docs/AUTHORISATION.md as the routes declare it (npm run docs:authorisation)", () => {
    expect(readFileSync("docs/AUTHORISATION.md", "utf8")).toBe(authorisationMarkdown(ROUTES));
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Role } from "../../services/gateway/src/auth/apiKeys.ts";
import type { ErrorCode } from "../../services/gateway/src/errors/codes.ts";
import { ROUTES } from "../../services/gateway/src/http/routes/index.ts";
import { call, type RunningGateway, type SeededChain, seededChain, startGateway } from "./gatewayFixture.ts";
import { anchorQueued, expectProblem, idCardRequest, residentId, runtimeOf } from "./support.ts";

type Issued = { recordHash: string; record: unknown };
type Request = { method: "GET" | "POST"; path: string; body?: unknown };

let chain: SeededChain;
let gw: RunningGateway;
let subjects = 0;
/** An anchored psb record for the calls that need one but are refused before they could touch it. */
let shared: Issued;

async function anchoredRecords(count: number): Promise<Issued[]> {
  const idNumber = residentId(++subjects);
  const issued: Issued[] = [];
  for (let i = 0; i < count; i++) {
    const r = await call("POST", `${gw.base("psb")}/records`, keys.issuer, idCardRequest(idNumber));
    expect(r.status, JSON.stringify(r.body)).toBe(202);
    issued.push(r.body);
  }
  await anchorQueued(gw, "psb");
  return issued;
}

interface Endpoint {
  name: string;
  allowed: readonly Role[];
  success: number;
  /** Called once per call that will be let through, so that a state-changing call gets records of its own. */
  request(letThrough: boolean): Promise<Request>;
}

const ALL_ROLES = ["issuer", "consumer", "auditor", "operator"] as const;

const ENDPOINTS: Endpoint[] = [
  {
    name: "POST /records",
    allowed: ["issuer"],
    success: 202,
    request: async () => ({ method: "POST", path: "/records", body: idCardRequest(residentId(900)) }),
  },
  {
    name: "GET /records/{recordHash}",
    allowed: ["issuer", "auditor"],
    success: 200,
    request: async () => ({ method: "GET", path: `/records/${shared.recordHash}` }),
  },
  {
    name: "GET /records/{recordHash}/disclosure",
    allowed: ["issuer"],
    success: 200,
    request: async () => ({ method: "GET", path: `/records/${shared.recordHash}/disclosure?fields=name` }),
  },
  {
    name: "POST /records/{recordHash}/revoke",
    allowed: ["issuer"],
    success: 200,
    async request(letThrough) {
      const [record] = letThrough ? await anchoredRecords(1) : [shared];
      return { method: "POST", path: `/records/${record?.recordHash}/revoke`, body: { reason: 1 } };
    },
  },
  {
    name: "POST /records/{recordHash}/supersede",
    allowed: ["issuer"],
    success: 200,
    async request(letThrough) {
      const [older, newer] = letThrough ? await anchoredRecords(2) : [shared, shared];
      return {
        method: "POST",
        path: `/records/${older?.recordHash}/supersede`,
        body: { newRecordHash: newer?.recordHash },
      };
    },
  },
  {
    name: "POST /verify",
    allowed: ALL_ROLES,
    success: 200,
    request: async () => ({ method: "POST", path: "/verify", body: { record: shared.record } }),
  },
  {
    name: "GET /catalogue/types",
    allowed: ALL_ROLES,
    success: 200,
    request: async () => ({ method: "GET", path: "/catalogue/types" }),
  },
  {
    name: "GET /catalogue/types/{code}",
    allowed: ALL_ROLES,
    success: 200,
    request: async () => ({ method: "GET", path: "/catalogue/types/resident-id-card" }),
  },
  {
    name: "GET /catalogue/scenarios",
    allowed: ALL_ROLES,
    success: 200,
    request: async () => ({ method: "GET", path: "/catalogue/scenarios" }),
  },
  {
    name: "GET /catalogue/scenarios/{code}",
    allowed: ALL_ROLES,
    success: 200,
    request: async () => {
      const [scenario] = chain.catalogue.scenarios;
      return { method: "GET", path: `/catalogue/scenarios/${scenario?.code}` };
    },
  },
];

interface Caller {
  name: string;
  token(): string | undefined;
  /** The role of a valid key of psb itself; absent for callers refused whatever the operation. */
  role?: Role;
  refusal?: ErrorCode;
}

/** Tokens of psb's own keys by role, and of the keys that are refused whatever they ask. */
const keys = {} as Record<Role | "wrongSecret" | "revoked" | "otherDepartment", string>;

const CALLERS: Caller[] = [
  ...ALL_ROLES.map((role) => ({
    name: `${/^[aeiou]/.test(role) ? "an" : "a"} ${role} key`,
    role,
    token: () => keys[role],
  })),
  { name: "a request without a key", token: () => undefined, refusal: "UNAUTHENTICATED" },
  { name: "a key with a wrong secret", token: () => keys.wrongSecret, refusal: "UNAUTHENTICATED" },
  { name: "a revoked issuer key", token: () => keys.revoked, refusal: "API_KEY_REVOKED" },
  { name: "a market-regulation issuer key", token: () => keys.otherDepartment, refusal: "FORBIDDEN_DEPARTMENT" },
];

beforeAll(async () => {
  chain = await seededChain();
  gw = await startGateway(chain, ["psb", "market-regulation"]);
  for (const role of ALL_ROLES) keys[role] = gw.key("psb", role);
  keys.wrongSecret = `${gw.key("psb", "issuer").slice(0, -32)}${"A".repeat(32)}`;
  keys.revoked = gw.key("psb", "issuer");
  runtimeOf(gw, "psb").apiKeys.revoke(keys.revoked.split("_")[2] ?? "");
  keys.otherDepartment = gw.key("market-regulation", "issuer");
  [shared] = (await anchoredRecords(1)) as [Issued];
});
afterAll(async () => {
  await gw?.close();
  chain?.cleanup();
});

for (const endpoint of ENDPOINTS) {
  describe(endpoint.name, () => {
    for (const caller of CALLERS) {
      const refusal: ErrorCode | undefined =
        caller.refusal ?? (caller.role && endpoint.allowed.includes(caller.role) ? undefined : "FORBIDDEN_ROLE");
      const title = refusal
        ? `refuses ${caller.name} with ${refusal}`
        : `answers ${endpoint.success} to ${caller.name}`;
      it(title, async () => {
        const request = await endpoint.request(refusal === undefined);
        const response = await call(request.method, `${gw.base("psb")}${request.path}`, caller.token(), request.body);
        if (refusal) expectProblem(response, refusal);
        else expect(response.status, JSON.stringify(response.body)).toBe(endpoint.success);
      });
    }
  });
}

describe("the matrix above", () => {
  it("covers every records, verification and catalogue route opened by API keys with the roles the route declares", () => {
    // A self-service route opens to a citizen's token and to no key: disclosure.test.ts holds every key refused there.
    const declared = ROUTES.filter(
      (r) => r.auth !== "self-service" && r.tags.some((tag) => ["records", "verification", "catalogue"].includes(tag)),
    );
    const name = (r: (typeof ROUTES)[number]) => `${r.method.toUpperCase()} ${r.path.replace(/:(\w+)/g, "{$1}")}`;
    expect(Object.fromEntries(ENDPOINTS.map((e) => [e.name, [...e.allowed]]))).toEqual(
      Object.fromEntries(declared.map((r) => [name(r), r.auth])),
    );
  });
});

describe("department isolation", () => {
  it("refuses market-regulation's issuer and auditor keys at psb's records with FORBIDDEN_DEPARTMENT", async () => {
    for (const role of ["issuer", "auditor"] as const) {
      const response = await call(
        "GET",
        `${gw.base("psb")}/records/${shared.recordHash}`,
        gw.key("market-regulation", role),
      );
      expectProblem(response, "FORBIDDEN_DEPARTMENT");
      expect(JSON.stringify(response.body)).not.toContain("resident-id-card");
    }
  });

  it("answers RECORD_NOT_FOUND when market-regulation asks its own gateway for a psb record", async () => {
    for (const role of ["issuer", "auditor"] as const) {
      const response = await call(
        "GET",
        `${gw.base("market-regulation")}/records/${shared.recordHash}`,
        gw.key("market-regulation", role),
      );
      expectProblem(response, "RECORD_NOT_FOUND", "recordHash");
    }
  });

  it("does not let market-regulation revoke or supersede a psb record through its own department", async () => {
    const token = gw.key("market-regulation", "issuer");
    const base = `${gw.base("market-regulation")}/records/${shared.recordHash}`;
    expectProblem(await call("POST", `${base}/revoke`, token, { reason: 1 }), "RECORD_NOT_FOUND", "recordHash");
    expectProblem(
      await call("POST", `${base}/supersede`, token, { newRecordHash: shared.recordHash }),
      "RECORD_NOT_FOUND",
      "recordHash",
    );
    const verdict = await call("POST", `${gw.base("psb")}/verify`, keys.consumer, {
      record: shared.record,
    });
    expect(verdict.body.status).not.toBe("revoked");
  });

  it("accepts a key in the X-Api-Key header as it does a bearer token", async () => {
    const response = await call("GET", `${gw.base("psb")}/catalogue/types`, undefined, undefined, {
      "x-api-key": keys.consumer,
    });
    expect(response.status).toBe(200);
  });
});

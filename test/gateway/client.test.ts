// The typed client: its types are what openapi-typescript generates from the served document, they type-check
// (npm run typecheck covers this file), and openapi-fetch makes real calls with them.
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLIENT_TYPES_FILE, clientTypes } from "../../scripts/lib/apiClientTypes.ts";
import { createGatewayClient, type GatewayClient } from "../../services/gateway/client/gatewayClient.ts";
import { call, type RunningGateway, type SeededChain, seededChain, startGateway } from "./gatewayFixture.ts";
import { anchorQueued, idCardRequest, residentId } from "./support.ts";

let chain: SeededChain;
let gw: RunningGateway;
let issuer: GatewayClient;
let consumer: GatewayClient;
const psb = { department: "psb" };

beforeAll(async () => {
  chain = await seededChain();
  gw = await startGateway(chain, ["psb"]);
  issuer = createGatewayClient({ baseUrl: gw.url, apiKey: gw.key("psb", "issuer") });
  consumer = createGatewayClient({ baseUrl: gw.url, apiKey: gw.key("psb", "consumer") });
});
afterAll(async () => {
  await gw?.close();
  chain?.cleanup();
});

describe("the typed client", () => {
  it("has exactly the types openapi-typescript generates from the served document (else: npm run api:client)", async () => {
    const served = (await call("GET", `${gw.url}/openapi.json`, undefined)).body;
    expect(await clientTypes(served)).toBe(readFileSync(CLIENT_TYPES_FILE, "utf8"));
  });

  it("issues a record, verifies it and reads it back through openapi-fetch", async () => {
    const { fields } = idCardRequest();
    const issued = await issuer.POST("/departments/{department}/records", {
      params: { path: psb, header: { "Idempotency-Key": "typed-client-1" } },
      body: {
        credentialType: "resident-id-card",
        subject: { idType: "resident-id", idNumber: residentId(31) },
        fields,
      },
    });
    expect(issued.response.status).toBe(202);
    const record = issued.data?.record;
    expect(record?.issuer).toBe("psb");
    if (!record || !issued.data) throw new Error("no record issued");
    await anchorQueued(gw, "psb");

    const verdict = await consumer.POST("/departments/{department}/verify", {
      params: { path: psb, query: { fresh: "true" } },
      body: { record },
    });
    expect(verdict.data).toMatchObject({ status: "valid", recordHash: issued.data.recordHash, source: "chain" });

    const read = await issuer.GET("/departments/{department}/records/{recordHash}", {
      params: { path: { ...psb, recordHash: issued.data.recordHash } },
    });
    expect(read.data?.anchor.state).toBe("anchored");
  });

  it("reads the catalogue and the operations endpoints", async () => {
    const types = await consumer.GET("/departments/{department}/catalogue/types", { params: { path: psb } });
    expect(types.data?.types.map((t) => t.code)).toContain("resident-id-card");
    const scenario = await consumer.GET("/departments/{department}/catalogue/scenarios/{code}", {
      params: { path: { ...psb, code: "open-convenience-store" } },
    });
    expect(scenario.data?.verified).toBe(true);
    const health = await createGatewayClient({ baseUrl: gw.url }).GET("/healthz");
    expect(health.data?.status).toBe("ok");
  });

  it("gives a problem as a typed error, with its catalogue code", async () => {
    const missing = await issuer.GET("/departments/{department}/records/{recordHash}", {
      params: { path: { ...psb, recordHash: `0x${"cd".repeat(32)}` } },
    });
    expect(missing.response.status).toBe(404);
    expect(missing.error).toMatchObject({ code: "RECORD_NOT_FOUND", status: 404, field: "recordHash" });
    expect(missing.error?.instance).toMatch(/^urn:uuid:/);
    const refused = await consumer.POST("/departments/{department}/records", {
      params: { path: psb },
      body: {
        credentialType: "resident-id-card",
        subject: { idType: "resident-id", idNumber: residentId(32) },
        fields: {},
      },
    });
    expect(refused.error?.code).toBe("FORBIDDEN_ROLE");
  });

  it("does not compile a call the API does not have (npm run typecheck fails if these compile)", () => {
    const neverRun = () => [
      // @ts-expect-error no such path
      issuer.GET("/departments/{department}/nothing", { params: { path: psb } }),
      issuer.POST("/departments/{department}/records/{recordHash}/revoke", {
        params: { path: { ...psb, recordHash: "0x00" } },
        // @ts-expect-error a revocation needs its reason
        body: {},
      }),
      issuer.POST("/departments/{department}/records", {
        params: { path: psb },
        // @ts-expect-error the subject's identifier type is one of four
        body: { credentialType: "x", subject: { idType: "library-card", idNumber: "1" }, fields: {} },
      }),
    ];
    expect(neverRun).toBeTypeOf("function");
  });
});

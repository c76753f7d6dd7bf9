import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, type RunningGateway, type SeededChain, seededChain, startGateway } from "./gatewayFixture.ts";

describe("gateway smoke", () => {
  let chain: SeededChain;
  let gw: RunningGateway;
  beforeAll(async () => {
    chain = await seededChain();
    gw = await startGateway(chain, ["psb", "market-regulation"]);
  });
  afterAll(async () => {
    await gw?.close();
    chain?.cleanup();
  });

  it("issues an ID card record at the public security bureau and verifies it as valid at market regulation", async () => {
    const issuer = gw.key("psb", "issuer");
    const issued = await call("POST", `${gw.base("psb")}/records`, issuer, {
      credentialType: "resident-id-card",
      subject: { idType: "resident-id", idNumber: "11010519491231002X" },
      fields: {
        name: "张三",
        sex: "男",
        ethnicity: "汉",
        birthDate: "1949-12-31",
        address: "北京市怀柔区某街道1号",
        issuingAuthority: "北京市公安局怀柔分局",
        validFrom: "2020-01-01",
      },
    });
    expect(issued.status, JSON.stringify(issued.body)).toBe(202);
    await gw.gateway.services.departments.get("psb")?.worker.flush();
    await gw.gateway.services.index.syncNow();
    const verifier = gw.key("market-regulation", "consumer");
    const verdict = await call("POST", `${gw.base("market-regulation")}/verify`, verifier, {
      record: issued.body.record,
    });
    expect(verdict.status, JSON.stringify(verdict.body)).toBe(200);
    expect(verdict.body.status).toBe("valid");
    const fresh = await call("POST", `${gw.base("market-regulation")}/verify?fresh=true`, verifier, {
      record: issued.body.record,
    });
    expect(fresh.body.status).toBe("valid");
    const tampered = { ...issued.body.record, fields: { ...issued.body.record.fields, name: "李四" } };
    const t = await call("POST", `${gw.base("market-regulation")}/verify`, verifier, {
      record: tampered,
      recordHash: issued.body.recordHash,
    });
    expect(t.status).toBe(422);
    expect(t.body.code).toBe("RECORD_TAMPERED");
  });
});

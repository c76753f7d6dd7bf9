import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, type RunningGateway, type SeededChain, seededChain, startGateway } from "./gatewayFixture.ts";
import { anchorQueued, capturedLogs, idCardRequest, PERSON, switchableChain, until } from "./support.ts";

let chain: SeededChain;
let gw: RunningGateway;
const { logger, lines: logLines } = capturedLogs("trace");
beforeAll(async () => {
  chain = await seededChain();
  gw = await startGateway(chain, ["psb"], { logger });
});
afterAll(async () => {
  await gw?.close();
  chain?.cleanup();
});

describe("health and readiness", () => {
  it("answers /healthz with 200 and no key", async () => {
    const response = await call("GET", `${gw.url}/healthz`, undefined);
    expect(response).toMatchObject({ status: 200, body: { status: "ok" } });
  });

  it("answers /readyz with 200 once the index has caught up with the chain", async () => {
    await gw.gateway.services.index.syncNow();
    const response = await call("GET", `${gw.url}/readyz`, undefined);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ status: "ready", checks: { chain: "reachable" } });
    expect(response.body.checks.lag).toBeLessThanOrEqual(2);
  });

  it("answers /readyz with 503 while the chain cannot be reached, and 200 again once it can", async () => {
    const link = await switchableChain(chain);
    const cutOff = await startGateway(chain, ["psb"], { provider: link.provider, dataSubdir: "readiness" });
    try {
      link.disconnect();
      const down = await call("GET", `${cutOff.url}/readyz`, undefined);
      expect(down.status).toBe(503);
      expect(down.body).toMatchObject({ status: "not ready", checks: { chain: "unreachable" } });
      expect((await call("GET", `${cutOff.url}/healthz`, undefined)).status).toBe(200);
      link.reconnect();
      await until(
        "the gateway is ready again",
        async () => (await call("GET", `${cutOff.url}/readyz`, undefined)).status === 200,
      );
    } finally {
      await cutOff.close();
      await link.close();
    }
  });
});

describe("metrics", () => {
  it("serves Prometheus text with the oncechain_ metrics of issuing, anchoring, verifying and HTTP", async () => {
    const issued = await call("POST", `${gw.base("psb")}/records`, gw.key("psb", "issuer"), idCardRequest());
    await anchorQueued(gw, "psb");
    await call("POST", `${gw.base("psb")}/verify`, gw.key("psb", "consumer"), { record: issued.body.record });
    const response = await fetch(`${gw.url}/metrics`);
    expect(response.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await response.text();
    for (const [name, type] of [
      ["oncechain_records_issued_total", "counter"],
      ["oncechain_records_anchored_total", "counter"],
      ["oncechain_verifications_total", "counter"],
      ["oncechain_http_request_duration_seconds", "histogram"],
      ["oncechain_anchor_lag_seconds", "histogram"],
      ["oncechain_index_block", "gauge"],
      ["oncechain_index_records", "gauge"],
      ["oncechain_index_events", "gauge"],
      ["oncechain_index_sync_milliseconds", "gauge"],
    ]) {
      expect(text).toContain(`# TYPE ${name} ${type}\n`);
    }
    expect(text).toMatch(/^oncechain_records_issued_total\{department="psb"\} [1-9]\d*$/m);
    expect(text).toMatch(/^oncechain_verifications_total\{status="valid"\} [1-9]\d*$/m);
    // The seeded chain's events, at least, and the time the index took over them.
    expect(text).toMatch(/^oncechain_index_events [1-9]\d*$/m);
    expect(text).toMatch(/^oncechain_index_sync_milliseconds \d+$/m);
    for (const line of text.trimEnd().split("\n")) {
      if (line.startsWith("#")) expect(line).toMatch(/^# (HELP|TYPE) oncechain_\w+ .+$/);
      else expect(line).toMatch(/^oncechain_\w+(\{[^}]*\})? (-?\d+(\.\d+)?(e[-+]?\d+)?|\+Inf)$/);
    }
  });
});

describe("logs", () => {
  it("carry no ID number, subject name, address or API key across issuing, verifying and refused requests", async () => {
    const issuer = gw.key("psb", "issuer");
    const consumer = gw.key("psb", "consumer");
    const records = `${gw.base("psb")}/records`;
    const badNumber = `${PERSON.idNumber.slice(0, 17)}5`;
    const issued = await call("POST", records, issuer, idCardRequest());
    await anchorQueued(gw, "psb");
    const requests = [
      call("GET", `${records}/${issued.body.recordHash}`, issuer),
      call("POST", `${gw.base("psb")}/verify`, consumer, { record: issued.body.record }),
      call("POST", `${gw.base("psb")}/verify?fresh=true`, consumer, { record: issued.body.record }),
      call("POST", `${gw.base("psb")}/verify`, consumer, {
        record: { ...issued.body.record, fields: { ...issued.body.record.fields, name: `${PERSON.name}X` } },
        recordHash: issued.body.recordHash,
      }),
      call("POST", records, issuer, idCardRequest(badNumber)),
      call("POST", records, issuer, idCardRequest(PERSON.idNumber, { birthDate: PERSON.name })),
      call("POST", records, issuer, `{"subject":{"idNumber":"${PERSON.idNumber}"`),
      call("POST", records, `${issuer.slice(0, -1)}A`, idCardRequest()),
      call("POST", records, consumer, idCardRequest()),
      call("POST", `${records}/${issued.body.recordHash}/revoke`, issuer, { reason: 1 }),
    ];
    const statuses = (await Promise.all(requests)).map((r) => r.status);
    expect(statuses).not.toContain(500);
    const logs = logLines.join("");
    expect(logs).toContain('"msg":"request"');
    const secrets = [
      PERSON.idNumber.slice(0, 17),
      badNumber.slice(0, 17),
      PERSON.name,
      PERSON.address,
      ...[issuer, consumer].flatMap((token) => [token, token.slice(-32)]),
    ];
    for (const secret of secrets) expect(logs).not.toContain(secret);
  });
});

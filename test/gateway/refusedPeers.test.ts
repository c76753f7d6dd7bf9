// Peer requests refused before their query is weighed are entries in the issuer's access log: a forged, a stale, a
// replayed and an unsigned request, each with the department it claimed to be and the problem code that refused it,
// and of its body only what had a valid form.
import { Wallet } from "ethers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AccessLogEntry } from "../../lib/audit/accessLogEntry.ts";
import { subjectRef } from "../../lib/encoding/subjectRef.ts";
import { call, type RunningGateway, type SeededChain, seededChain, startGateway } from "./gatewayFixture.ts";
import { anchorAll, applicant, applicationIdFor, expectProblem, issue, runtime } from "./scenarioSupport.ts";
import { peerQueryHeaders } from "./support.ts";

describe("the issuer's log of refused peer requests", () => {
  let chain: SeededChain;
  let gw: RunningGateway;
  const person = applicant(71);
  let ref: string;
  const url = () => `${gw.base("psb")}/federation/records/query`;
  const query = (overrides: Record<string, unknown> = {}) => ({
    subjectRef: ref,
    credentialType: "resident-id-card",
    purpose: "open-convenience-store",
    applicationId: applicationIdFor("app-refused"),
    ...overrides,
  });
  const send = (body: unknown, options: Parameters<typeof peerQueryHeaders>[3] = {}) =>
    call("POST", url(), undefined, body, peerQueryHeaders(chain, url(), body, options));
  const last = async (): Promise<AccessLogEntry | undefined> => {
    const psb = runtime(gw, "psb");
    return (await psb.accessLog.entries(await psb.accessLog.lastSeq(), 1))[0];
  };

  beforeAll(async () => {
    chain = await seededChain();
    gw = await startGateway(chain, ["psb", "market-regulation"], { accessLogCommitMs: 0 });
    ref = subjectRef(chain.districtSecret, "resident-id", person.idNumber);
    await issue(gw, "resident-id-card", person);
    await anchorAll(gw, ["psb"]);
  });
  afterAll(async () => {
    await gw?.close();
    chain?.cleanup();
  });

  it("logs a forged request as refused for its signature, with the department it claimed and what it asked", async () => {
    expectProblem(await send(query(), { key: Wallet.createRandom().privateKey }), "FEDERATION_SIGNATURE_INVALID");
    expect(await last()).toEqual({
      seq: expect.any(Number),
      at: expect.any(String),
      channel: "peer",
      outcome: "refused",
      reason: "FEDERATION_SIGNATURE_INVALID",
      consumer: "market-regulation",
      subjectRef: ref,
      credentialType: "resident-id-card",
      purpose: "open-convenience-store",
      prevHash: expect.any(String),
      entryHash: expect.any(String),
    });
  });

  it("logs a stale request as refused, FEDERATION_REQUEST_EXPIRED", async () => {
    expectProblem(await send(query(), { timestamp: Date.now() - 120_000 }), "FEDERATION_REQUEST_EXPIRED");
    expect(await last()).toMatchObject({
      outcome: "refused",
      reason: "FEDERATION_REQUEST_EXPIRED",
      consumer: "market-regulation",
    });
  });

  it("refuses a request signed two minutes ahead of the issuer's clock as outside the window, and logs it", async () => {
    // A sender whose clock runs ahead could otherwise make requests that stay fresh for as long as it liked.
    const before = (await last())?.seq ?? 0;
    expectProblem(await send(query(), { timestamp: Date.now() + 120_000 }), "FEDERATION_REQUEST_EXPIRED");
    expect(await last()).toMatchObject({ seq: before + 1, outcome: "refused", reason: "FEDERATION_REQUEST_EXPIRED" });
    // Within the minute either way, the same request is answered.
    const near = query({ applicationId: applicationIdFor("app-clock-ahead") });
    expect((await send(near, { timestamp: Date.now() + 30_000 })).status).toBe(200);
  });

  it("logs a replayed request as refused, FEDERATION_REPLAYED, after the entry of its first answer", async () => {
    const body = query({ applicationId: applicationIdFor("app-replayed") });
    const headers = peerQueryHeaders(chain, url(), body);
    expect((await call("POST", url(), undefined, body, headers)).status).toBe(200);
    const answered = await last();
    expect(answered).toMatchObject({ outcome: "shared", applicationId: applicationIdFor("app-replayed") });
    expectProblem(await call("POST", url(), undefined, body, headers), "FEDERATION_REPLAYED");
    expect(await last()).toMatchObject({
      seq: (answered?.seq ?? 0) + 1,
      outcome: "refused",
      reason: "FEDERATION_REPLAYED",
      consumer: "market-regulation",
      subjectRef: ref,
    });
  });

  it("logs a request from no registered department, or an unsigned one, with the claim only when it is a code", async () => {
    expectProblem(
      await send(query(), { department: "no-such-office", key: chain.signerKeys["market-regulation"] }),
      "FEDERATION_SIGNATURE_INVALID",
    );
    expect(await last()).toMatchObject({ reason: "FEDERATION_SIGNATURE_INVALID", consumer: "no-such-office" });
    expectProblem(
      await send(query(), { department: "Not a code; 110101", key: chain.signerKeys["market-regulation"] }),
      "FEDERATION_SIGNATURE_INVALID",
    );
    const uncoded = await last();
    expect(uncoded).toMatchObject({ outcome: "refused", reason: "FEDERATION_SIGNATURE_INVALID" });
    expect(uncoded?.consumer).toBeUndefined();
    expectProblem(await call("POST", url(), undefined, query()), "FEDERATION_SIGNATURE_INVALID");
    const unsigned = await last();
    expect(unsigned?.consumer).toBeUndefined();
    expect(unsigned?.subjectRef).toBe(undefined);
  });

  it("keeps of a refused body only members of valid form: no ID number spelt as a code or an application id", async () => {
    const id = person.idNumber.toLowerCase();
    const body = { subjectRef: id, credentialType: id, purpose: id, applicationId: `app-${id}abcd` };
    expectProblem(await send(body, { key: Wallet.createRandom().privateKey }), "FEDERATION_SIGNATURE_INVALID");
    const entry = await last();
    expect(entry).toMatchObject({ outcome: "refused", consumer: "market-regulation" });
    for (const member of ["subjectRef", "credentialType", "purpose", "applicationId"]) {
      expect(entry, member).not.toHaveProperty(member);
    }
    expect(JSON.stringify(entry)).not.toContain(id);
  });

  it("logs a proved sender's body refused by the schema, with its application id", async () => {
    const body = { ...query({ applicationId: applicationIdFor("app-schema") }), note: "x" };
    expectProblem(await send(body), "VALIDATION_FAILED");
    expect(await last()).toMatchObject({
      outcome: "refused",
      reason: "VALIDATION_FAILED",
      consumer: "market-regulation",
      applicationId: applicationIdFor("app-schema"),
    });
  });

  it("logs nothing for a refused request to the access-log query route, which reads no record", async () => {
    const before = await runtime(gw, "psb").accessLog.lastSeq();
    const target = `${gw.base("psb")}/federation/access-log/query`;
    const body = { subjectRef: ref };
    const headers = peerQueryHeaders(chain, target, body, { key: Wallet.createRandom().privateKey });
    expectProblem(await call("POST", target, undefined, body, headers), "FEDERATION_SIGNATURE_INVALID");
    expect(await runtime(gw, "psb").accessLog.lastSeq()).toBe(before);
  });

  it("commits and audits a log with refused entries like any other", async () => {
    const committed = await call("POST", `${gw.base("psb")}/access-log/commit`, gw.key("psb", "operator"), {});
    expect(committed.status, JSON.stringify(committed.body)).toBe(200);
    const audit = await call("GET", `${gw.base("psb")}/access-log/audit`, gw.key("psb", "auditor"));
    expect(audit.body).toMatchObject({ ok: true, uncommitted: 0 });
  });
});

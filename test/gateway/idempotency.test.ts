import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, type RunningGateway, type SeededChain, seededChain, startGateway } from "./gatewayFixture.ts";
import { expectProblem, idCardRequest, PERSON, rawEntries, residentId, runtimeOf, storeCounts } from "./support.ts";

describe("Idempotency-Key on issuing", () => {
  let chain: SeededChain;
  let gw: RunningGateway;
  let issuer: string;
  let keyCounter = 0;
  beforeAll(async () => {
    chain = await seededChain();
    gw = await startGateway(chain, ["psb"], { dataSubdir: "idempotency" });
    issuer = gw.key("psb", "issuer");
  });
  afterAll(async () => {
    await gw?.close();
    chain?.cleanup();
  });

  const freshKey = () => `issue-${++keyCounter}-${Date.now()}`;
  const issue = (body: unknown, idempotencyKey?: string, token = issuer) =>
    call("POST", `${gw.base("psb")}/records`, token, body, idempotencyKey ? { "idempotency-key": idempotencyKey } : {});
  const recordsStored = async () => (await storeCounts(runtimeOf(gw, "psb").store)).records;

  it("replays the first answer to the same key and body: same recordHash, one record stored, Idempotent-Replayed", async () => {
    const key = freshKey();
    const before = await recordsStored();
    const first = await issue(idCardRequest(residentId(1)), key);
    const again = await issue(idCardRequest(residentId(1)), key);
    expect(first.status).toBe(202);
    expect(first.headers.get("idempotent-replayed")).toBeNull();
    expect(again.status).toBe(202);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(again.body).toEqual(first.body);
    expect(await recordsStored()).toBe(before + 1);
  });

  it("refuses the same key with another body with 422 IDEMPOTENCY_KEY_REUSED and stores nothing", async () => {
    const key = freshKey();
    expect((await issue(idCardRequest(residentId(2)), key)).status).toBe(202);
    const before = await recordsStored();
    const other = await issue(idCardRequest(residentId(3)), key);
    expectProblem(other, "IDEMPOTENCY_KEY_REUSED", "Idempotency-Key");
    expect(await recordsStored()).toBe(before);
  });

  it("issues one record for concurrent duplicates of one request", async () => {
    const key = freshKey();
    const before = await recordsStored();
    const answers = await Promise.all(Array.from({ length: 8 }, () => issue(idCardRequest(residentId(4)), key)));
    for (const a of answers) expect(a.status, JSON.stringify(a.body)).toBe(202);
    expect(new Set(answers.map((a) => a.body.recordHash)).size).toBe(1);
    expect(answers.filter((a) => a.headers.get("idempotent-replayed") === "true")).toHaveLength(7);
    expect(await recordsStored()).toBe(before + 1);
  });

  it("treats a body with its members in another order as the same request", async () => {
    const key = freshKey();
    const body = idCardRequest(residentId(5));
    const first = await issue(body, key);
    const reordered = { fields: body.fields, subject: body.subject, credentialType: body.credentialType };
    const again = await issue(reordered, key);
    expect(again.status).toBe(202);
    expect(again.body.recordHash).toBe(first.body.recordHash);
  });

  it("issues two records for two identical requests without an Idempotency-Key", async () => {
    const before = await recordsStored();
    const [a, b] = [await issue(idCardRequest(residentId(6))), await issue(idCardRequest(residentId(6)))];
    expect(a.body.recordHash).not.toBe(b.body.recordHash);
    expect(await recordsStored()).toBe(before + 2);
  });

  it("keeps one API key's Idempotency-Keys apart from another's", async () => {
    const key = freshKey();
    const first = await issue(idCardRequest(residentId(7)), key);
    const otherSystem = await issue(idCardRequest(residentId(7)), key, gw.key("psb", "issuer"));
    expect(otherSystem.status).toBe(202);
    expect(otherSystem.headers.get("idempotent-replayed")).toBeNull();
    expect(otherSystem.body.recordHash).not.toBe(first.body.recordHash);
  });

  it("does not remember a refused request: the key then serves a corrected body", async () => {
    const key = freshKey();
    const refused = await issue(idCardRequest(residentId(8), { birthDate: "31/12/1949" }), key);
    expectProblem(refused, "SCHEMA_VIOLATION", "fields.birthDate");
    const corrected = await issue(idCardRequest(residentId(8)), key);
    expect(corrected.status).toBe(202);
    expect(corrected.headers.get("idempotent-replayed")).toBeNull();
  });

  it("keeps the remembered answer sealed at rest: no name, address or ID number in the database in clear", async () => {
    expect((await issue(idCardRequest(), freshKey())).status).toBe(202);
    for (const { key, value } of await rawEntries(runtimeOf(gw, "psb").store)) {
      const text = `${key} ${value.toString("utf8")}`;
      for (const secret of [PERSON.idNumber.slice(0, 17), PERSON.name, PERSON.address]) {
        expect(text, `database entry ${key}`).not.toContain(secret);
      }
    }
  });

  it("writes the answer in the record's own batch: a crash right after issuing cannot lose it and issue twice", async () => {
    // A separate write of the answer after the record's batch is what a crash could cut off; make any such write fail.
    const store = runtimeOf(gw, "psb").store;
    const put = store.idempotency.put;
    store.idempotency.put = async () => {
      throw new Error("simulated crash after the record batch");
    };
    try {
      const key = freshKey();
      const before = await recordsStored();
      const first = await issue(idCardRequest(residentId(10)), key);
      expect(first.status, JSON.stringify(first.body)).toBe(202);
      const retry = await issue(idCardRequest(residentId(10)), key);
      expect(retry.headers.get("idempotent-replayed")).toBe("true");
      expect(retry.body.recordHash).toBe(first.body.recordHash);
      expect(await recordsStored()).toBe(before + 1);
    } finally {
      store.idempotency.put = put;
    }
  });

  it("remembers an answer across a restart of the gateway", async () => {
    const key = freshKey();
    const first = await issue(idCardRequest(residentId(9)), key);
    await gw.close();
    gw = await startGateway(chain, ["psb"], { dataSubdir: "idempotency" });
    const again = await issue(idCardRequest(residentId(9)), key);
    expect(again.status).toBe(202);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(again.body.recordHash).toBe(first.body.recordHash);
  });
});

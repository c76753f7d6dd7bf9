// What the access log records of each kind of access: a record read through the department's own API, beside the
// peer queries, and entries written before channels were logged, which keep their hashes and still audit.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AccessLogEntry, entryHashOf, GENESIS_HASH } from "../../lib/audit/accessLogEntry.ts";
import { subjectRef } from "../../lib/encoding/subjectRef.ts";
import { accessLogEntries } from "../../services/gateway/src/audit/accessLog.ts";
import { parseToken } from "../../services/gateway/src/auth/apiKeys.ts";
import { DURABLE, seqKey } from "../../services/gateway/src/store/departmentStore.ts";
import { call, type RunningGateway, type SeededChain, seededChain, startGateway } from "./gatewayFixture.ts";
import { anchorAll, applicant, expectProblem, FIELDS, issue, runtime, shop } from "./scenarioSupport.ts";

/** An entry as the gateway wrote it before channels, refusals and own-API reads were logged, and its hash then. */
const OLD_ENTRY = {
  seq: 1,
  at: "2024-05-01T09:30:12.345Z",
  consumer: "market-regulation",
  subjectRef: `0x${"1f".repeat(32)}`,
  credentialType: "resident-id-card",
  purpose: "open-convenience-store",
  applicationId: "app-AAAAAAAAAAAAAAAAAAAAAA",
  outcome: "shared",
  recordHash: `0x${"2e".repeat(32)}`,
  prevHash: GENESIS_HASH,
  entryHash: "0xa475fc6d8189a2ef65a63274052365cb1b9e49c9353b651ee6c565da74f2c37c",
} as AccessLogEntry;

describe("the kinds of access in a department's log", () => {
  let chain: SeededChain;
  let gw: RunningGateway;
  const person = applicant(41);
  let recordHash: string;
  const psb = () => runtime(gw, "psb");
  const all = () => psb().accessLog.entries(1, 1000);

  beforeAll(async () => {
    chain = await seededChain();
    gw = await startGateway(chain, ["psb", "market-regulation"], { accessLogCommitMs: 0 });
    // Written as the gateway wrote it before this version, before anything else is logged.
    await accessLogEntries(psb().store).put(seqKey(1), OLD_ENTRY, DURABLE);
    await psb().store.meta.put("seq:access-log", 1, DURABLE);
    ({ recordHash } = await issue(gw, "resident-id-card", person));
    await anchorAll(gw, ["psb"]);
  });
  afterAll(async () => {
    await gw?.close();
    chain?.cleanup();
  });

  it("hashes an entry of the old shape as it was hashed then: absent fields are left out, no channel is added", () => {
    expect(entryHashOf(OLD_ENTRY)).toBe(OLD_ENTRY.entryHash);
  });

  it("logs a record read through the department's own API: channel api, the key's id and role, no token", async () => {
    const token = gw.key("psb", "auditor");
    const read = await call("GET", `${gw.base("psb")}/records/${recordHash}`, token);
    expect(read.status, JSON.stringify(read.body)).toBe(200);
    const entry = (await all()).at(-1);
    expect(entry).toEqual({
      seq: 2,
      at: expect.any(String),
      channel: "api",
      outcome: "read",
      consumer: "psb",
      keyId: parseToken(token)?.id,
      role: "auditor",
      subjectRef: subjectRef(chain.districtSecret, "resident-id", person.idNumber),
      credentialType: "resident-id-card",
      recordHash,
      prevHash: OLD_ENTRY.entryHash,
      entryHash: entryHashOf(entry as AccessLogEntry),
    });
    const text = JSON.stringify(entry);
    expect(text).not.toContain(person.idNumber);
    expect(text).not.toContain(parseToken(token)?.secret);
    for (const value of Object.values(FIELDS["resident-id-card"] ?? {})) expect(text).not.toContain(String(value));
  });

  it("logs an issuer's read as well, and none for a record hash it does not hold", async () => {
    const read = await call("GET", `${gw.base("psb")}/records/${recordHash}`, gw.key("psb", "issuer"));
    expect(read.status).toBe(200);
    expect((await all()).at(-1)).toMatchObject({ channel: "api", role: "issuer", recordHash });
    const before = await psb().accessLog.lastSeq();
    const missing = await call("GET", `${gw.base("psb")}/records/0x${"ab".repeat(32)}`, gw.key("psb", "auditor"));
    expectProblem(missing, "RECORD_NOT_FOUND", "recordHash");
    expect(await psb().accessLog.lastSeq()).toBe(before);
  });

  it("marks a peer's query with channel peer and chains it after the own-API reads", async () => {
    const applied = await call(
      "POST",
      `${gw.base("market-regulation")}/applications`,
      gw.key("market-regulation", "consumer"),
      { scenario: "open-convenience-store", subject: person, organisation: shop(41) },
    );
    expect(applied.status, JSON.stringify(applied.body)).toBe(201);
    const entries = await all();
    expect(entries.at(-1)).toMatchObject({ channel: "peer", consumer: "market-regulation", outcome: "shared" });
    expect(entries.at(-1)?.keyId).toBeUndefined();
    for (const [i, entry] of entries.entries()) {
      expect(entry.seq).toBe(i + 1);
      expect(entry.prevHash).toBe(i === 0 ? GENESIS_HASH : entries[i - 1]?.entryHash);
    }
  });

  it("shows a citizen the reads of their record through the department's own API", async () => {
    const mine = await call("POST", `${gw.base("psb")}/access-log/mine`, gw.key("psb", "consumer"), {
      subject: person,
    });
    expect(mine.status).toBe(200);
    expect(mine.body.entries.slice(0, 2)).toEqual([
      expect.objectContaining({ consumer: "psb", credentialType: "resident-id-card", outcome: "read" }),
      expect.objectContaining({ consumer: "psb", outcome: "read" }),
    ]);
    expect(mine.body.entries[0].purpose).toBeUndefined();
    expect(JSON.stringify(mine.body)).not.toMatch(/keyId|auditor/);
  });

  it("commits and audits a log that begins with an entry of the old shape", async () => {
    const committed = await call("POST", `${gw.base("psb")}/access-log/commit`, gw.key("psb", "operator"), {});
    expect(committed.status, JSON.stringify(committed.body)).toBe(200);
    const audit = await call("GET", `${gw.base("psb")}/access-log/audit`, gw.key("psb", "auditor"));
    // The old entry, two own-API reads, a peer's query and the citizen's lookup of their history.
    expect(audit.body).toMatchObject({ ok: true, entries: 5, committedThrough: 5, uncommitted: 0 });
  });
});

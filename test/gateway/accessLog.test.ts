// The access log: hash-chained entries, ranges committed on chain, an audit that finds edits, a citizen's own view.
import { randomBytes } from "node:crypto";
import { hexlify, type Signer, Wallet } from "ethers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AccessLogEntry, accessLogRoot, entryHashOf, GENESIS_HASH } from "../../lib/audit/accessLogEntry.ts";
import { connectRegistries } from "../../lib/chain/registries.ts";
import { subjectRef } from "../../lib/encoding/subjectRef.ts";
import { accessLogEntries } from "../../services/gateway/src/audit/accessLog.ts";
import { type Serving, serveGateway } from "../../services/gateway/src/serve.ts";
import { seqKey } from "../../services/gateway/src/store/departmentStore.ts";
import { testLogger } from "../support/leftBehind.ts";
import { call, type RunningGateway, type SeededChain, seededChain, startGateway } from "./gatewayFixture.ts";
import { anchorAll, applicant, expectProblem, FIELDS, issue, runtime, shop } from "./scenarioSupport.ts";
import { capturedLogs } from "./support.ts";

describe("the public security bureau's access log", () => {
  let chain: SeededChain;
  let gw: RunningGateway;
  let auditor: string;
  let operator: string;
  const person = applicant(21);
  const stranger = applicant(22);
  const log = () => `${gw.base("psb")}/access-log`;
  const apply = (department: string, subject = person) =>
    call("POST", `${gw.base(department)}/applications`, gw.key(department, "consumer"), {
      scenario: "open-convenience-store",
      subject,
      organisation: shop(21),
    });
  const audit = async () => (await call("GET", `${log()}/audit`, auditor)).body;
  const entries = async (): Promise<AccessLogEntry[]> =>
    (await call("GET", `${log()}?limit=1000`, auditor)).body.entries;
  const stored = () => accessLogEntries(runtime(gw, "psb").store);

  beforeAll(async () => {
    chain = await seededChain();
    gw = await startGateway(chain, ["psb", "market-regulation", "tobacco", "housing"]);
    auditor = gw.key("psb", "auditor");
    operator = gw.key("psb", "operator");
    await issue(gw, "resident-id-card", person);
    await anchorAll(gw, ["psb"]);
    await apply("market-regulation");
    await apply("tobacco");
    await apply("market-regulation", stranger);
  });
  afterAll(async () => {
    await gw?.close();
    chain?.cleanup();
  });

  it("chains every entry to the one before it by its hash", async () => {
    const all = await entries();
    expect(all.map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(all[0]?.prevHash).toBe(GENESIS_HASH);
    for (const [i, entry] of all.entries()) {
      expect(entry.entryHash).toBe(entryHashOf(entry));
      if (i > 0) expect(entry.prevHash).toBe(all[i - 1]?.entryHash);
    }
    expect(all.map((e) => [e.consumer, e.outcome])).toEqual([
      ["market-regulation", "shared"],
      ["tobacco", "shared"],
      ["market-regulation", "not-found"],
    ]);
  });

  it("commits the uncommitted range on chain under the Merkle root of the entries' hashes", async () => {
    const first = await call("POST", `${log()}/commit`, operator, {});
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    const all = await entries();
    expect(first.body.committed).toMatchObject({
      index: 0,
      fromSeq: 1,
      toSeq: 3,
      root: accessLogRoot(all.map((e) => e.entryHash)),
    });
    const registries = connectRegistries(chain.deployment, chain.connection.ethers.provider);
    const psbId = runtime(gw, "psb").id;
    const onChain = await registries.accessLog.commitmentAt(psbId, 0);
    expect([Number(onChain.fromSeq), Number(onChain.toSeq), onChain.root]).toEqual([1, 3, first.body.committed.root]);
    expect((await call("POST", `${log()}/commit`, operator, {})).body.committed).toBeNull();
    await apply("tobacco");
    const second = await call("POST", `${log()}/commit`, operator, {});
    expect(second.body.committed).toMatchObject({ index: 1, fromSeq: 4, toSeq: 4 });
    expect(Number(await registries.accessLog.nextSequence(psbId))).toBe(5);
  });

  it("passes the audit of an untouched log", async () => {
    await apply("market-regulation");
    expect(await audit()).toMatchObject({
      department: "psb",
      ok: true,
      entries: 5,
      commitments: 2,
      committedThrough: 4,
      uncommitted: 1,
    });
  });

  it("finds an entry edited in the database: it no longer hashes to its entryHash", async () => {
    const original = (await stored().get(seqKey(2))) as AccessLogEntry;
    await stored().put(seqKey(2), { ...original, consumer: "tax" });
    try {
      expect(await audit()).toMatchObject({ ok: false, divergence: { seq: 2, kind: "entry-hash-mismatch" } });
    } finally {
      await stored().put(seqKey(2), original);
    }
    expect((await audit()).ok).toBe(true);
  });

  it("refuses to commit a range with an edited entry, so an edit is never sealed on chain", async () => {
    const original = (await stored().get(seqKey(5))) as AccessLogEntry;
    await stored().put(seqKey(5), { ...original, outcome: "not-found" });
    try {
      expect(await audit()).toMatchObject({ ok: false, divergence: { seq: 5, kind: "entry-hash-mismatch" } });
      expectProblem(await call("POST", `${log()}/commit`, operator, {}), "ACCESS_LOG_BROKEN");
    } finally {
      await stored().put(seqKey(5), original);
    }
  });

  it("finds an edit whose hashes were all recomputed: the committed root no longer matches the chain", async () => {
    const originals = await entries();
    let prevHash = GENESIS_HASH;
    for (const entry of originals) {
      const forged = { ...entry, prevHash, ...(entry.seq === 2 ? { outcome: "not-found" as const } : {}) };
      const rehashed = { ...forged, entryHash: entryHashOf(forged) };
      await stored().put(seqKey(entry.seq), rehashed);
      prevHash = rehashed.entryHash;
    }
    try {
      expect(await audit()).toMatchObject({
        ok: false,
        divergence: { seq: 1, kind: "commitment-mismatch", commitment: 0 },
      });
    } finally {
      for (const entry of originals) await stored().put(seqKey(entry.seq), entry);
    }
  });

  it("finds a log cut short of what the chain holds commitments for", async () => {
    const originals = await entries();
    await stored().del(seqKey(5));
    await stored().del(seqKey(4));
    try {
      expect(await audit()).toMatchObject({ ok: false, divergence: { seq: 4, kind: "truncated" } });
    } finally {
      for (const entry of originals) await stored().put(seqKey(entry.seq), entry);
    }
  });

  it("shows a citizen at the counter who accessed their records, without their ID number or subject reference", async () => {
    const counter = gw.key("psb", "consumer");
    const response = await call("POST", `${log()}/mine`, counter, { subject: person });
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    // Nothing that links the person to the references on chain or in the full log: no reference, no entry hash.
    const ref = subjectRef(chain.districtSecret, "resident-id", person.idNumber);
    expect(response.body.subjectRef).toBeUndefined();
    expect(JSON.stringify(response.body)).not.toContain(ref.slice(2));
    // The lookup itself is in every asked department's log, as the counter's department reading the history.
    const reads = response.body.entries.filter((e: { outcome: string }) => e.outcome === "history");
    expect(new Set(reads.map((e: { department: string }) => e.department))).toEqual(
      new Set(["psb", "market-regulation", "tobacco", "housing"]),
    );
    for (const read of reads) expect(read).toMatchObject({ consumer: "psb", check: "uncommitted" });
    const accesses = response.body.entries.filter((e: { outcome: string }) => e.outcome !== "history");
    for (const entry of accesses) {
      expect(Object.keys(entry).sort()).toEqual(
        [
          "check",
          "department",
          "departmentNameZh",
          "departmentNameEn",
          "at",
          "consumer",
          "consumerNameEn",
          "consumerNameZh",
          "credentialType",
          "outcome",
          "purpose",
        ].sort(),
      );
    }
    // Every hosted department's log is asked: psb's records were shared, housing had none to give.
    const psb = accesses.filter((e: { department: string }) => e.department === "psb");
    expect(psb.map((e: AccessLogEntry) => e.consumer)).toEqual([
      "market-regulation",
      "tobacco",
      "tobacco",
      "market-regulation",
    ]);
    expect(psb[0]).toMatchObject({
      credentialType: "resident-id-card",
      purpose: "open-convenience-store",
      outcome: "shared",
      consumerNameZh: "区市场监督管理局",
    });
    expect(JSON.stringify(response.body)).not.toContain(person.idNumber);
    const other = await call("POST", `${log()}/mine`, counter, { subject: stranger });
    // Asked of psb and housing at once: which answered first is not part of the answer.
    const others = other.body.entries.filter((e: { outcome: string }) => e.outcome !== "history");
    expect(others).toHaveLength(2);
    expect(others).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ department: "psb", outcome: "not-found" }),
        expect.objectContaining({ department: "housing", outcome: "not-found" }),
      ]),
    );
  });

  it("gives a citizen each access to the minute and without its sequence number, which would find it in the full log", async () => {
    const mine = await call("POST", `${log()}/mine`, gw.key("psb", "consumer"), { subject: person });
    const ref = subjectRef(chain.districtSecret, "resident-id", person.idNumber);
    const full = (await entries()).filter((e) => e.subjectRef === ref);
    expect(full.filter((e) => e.outcome !== "history")).toHaveLength(4);
    expect(full[0]?.at).toMatch(/:\d{2}\.\d{3}Z$/);
    const fromPsb = mine.body.entries.filter((e: { department: string }) => e.department === "psb");
    expect(fromPsb.map((e: { at: string }) => e.at)).toEqual(full.map((e) => `${e.at.slice(0, 16)}Z`));
    for (const entry of mine.body.entries) {
      expect(entry.seq).toBeUndefined();
      expect(entry.at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}Z$/);
    }
  });

  it("filters the log by subject reference and pages through it", async () => {
    const ref = subjectRef(chain.districtSecret, "resident-id", stranger.idNumber);
    const about = await call("GET", `${log()}?subjectRef=${ref}`, operator);
    // Entry 3 is the peer's query about the stranger; the counter's lookup of them above is one more (history).
    expect(about.body.entries.map((e: AccessLogEntry) => [e.seq, e.outcome])).toEqual([
      [3, "not-found"],
      [7, "history"],
    ]);
    const page = await call("GET", `${log()}?from=2&limit=2`, auditor);
    expect(page.body).toMatchObject({ entries: [{ seq: 2 }, { seq: 3 }], next: 4 });
  });

  it("keeps the log from callers without the auditor or operator role, and a person's view from those who read the log", async () => {
    const consumer = gw.key("psb", "consumer");
    expectProblem(await call("GET", log(), consumer), "FORBIDDEN_ROLE");
    expectProblem(await call("GET", `${log()}/audit`, operator), "FORBIDDEN_ROLE");
    expectProblem(await call("POST", `${log()}/commit`, auditor, {}), "FORBIDDEN_ROLE");
    // A key that reads the whole log could link a person's view of it to the subject references there.
    expectProblem(await call("POST", `${log()}/mine`, auditor, { subject: person }), "FORBIDDEN_ROLE");
    expectProblem(await call("POST", `${log()}/mine`, operator, { subject: person }), "FORBIDDEN_ROLE");
    const bad = await call("POST", `${log()}/mine`, consumer, { subject: { idType: "resident-id", idNumber: "123" } });
    expectProblem(bad, "INVALID_SUBJECT_ID", "subject.idNumber");
  });
});

describe("a citizen's view of the access log, a bounded number of lookups per key", () => {
  let chain: SeededChain;
  let gw: RunningGateway;
  let clock = Date.now();
  const logs = capturedLogs("warn");

  beforeAll(async () => {
    chain = await seededChain();
    gw = await startGateway(chain, ["psb", "market-regulation"], {
      applications: { perKeyPerHour: 3, lifetimeDays: 2 },
      now: () => clock,
      logger: logs.logger,
    });
  });
  afterAll(async () => {
    await gw?.close();
    chain?.cleanup();
  });

  it("refuses a key's fourth lookup in an hour with 429 TOO_MANY_LOOKUPS and Retry-After, flags and counts it, apart from applications", async () => {
    const counter = gw.key("market-regulation", "consumer");
    const lookUp = (n: number, token = counter) =>
      call("POST", `${gw.base("market-regulation")}/access-log/mine`, token, { subject: applicant(n) });
    for (let n = 90; n < 93; n++) expect((await lookUp(n)).status).toBe(200);
    const refused = await lookUp(93);
    expect(refused.status, "the fourth lookup").toBe(429);
    expectProblem(refused, "TOO_MANY_LOOKUPS");
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    const flagged = logs.lines.filter((line) => line.includes("access-log-lookup-rate-exceeded"));
    expect(flagged).toHaveLength(1);
    expect(flagged[0]).toContain('"department":"market-regulation"');
    expect(flagged[0]).not.toContain(applicant(93).idNumber);
    const metrics = await (await fetch(`${gw.url}/metrics`)).text();
    expect(metrics).toContain('oncechain_access_log_lookups_refused_total{department="market-regulation"} 1');
    // Applications have a bound of their own, and so has another key; an hour later the key may look up again.
    const opened = await call("POST", `${gw.base("market-regulation")}/applications`, counter, {
      scenario: "open-convenience-store",
      subject: applicant(94),
    });
    expect(opened.status, JSON.stringify(opened.body)).toBe(201);
    expect((await lookUp(95, gw.key("market-regulation", "consumer"))).status).toBe(200);
    clock += 3_600_000;
    try {
      expect((await lookUp(96)).status).toBe(200);
    } finally {
      clock = Date.now();
    }
  });
});

describe("the access log committer", () => {
  let chain: SeededChain;
  let gw: RunningGateway;
  afterAll(async () => {
    await gw?.close();
    chain?.cleanup();
  });

  it("commits new entries on its own, every interval", async () => {
    chain = await seededChain();
    gw = await startGateway(chain, ["psb", "market-regulation"], { accessLogCommitMs: 50 });
    await issue(gw, "resident-id-card", applicant(31));
    await anchorAll(gw, ["psb"]);
    await call("POST", `${gw.base("market-regulation")}/applications`, gw.key("market-regulation", "consumer"), {
      scenario: "open-convenience-store",
      subject: applicant(31),
    });
    const registries = connectRegistries(chain.deployment, chain.connection.ethers.provider);
    const psbId = runtime(gw, "psb").id;
    const deadline = Date.now() + 10_000;
    while (Number(await registries.accessLog.nextSequence(psbId)) < 2 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    expect(Number(await registries.accessLog.nextSequence(psbId))).toBe(2);
    expect((await call("GET", `${gw.base("psb")}/access-log/audit`, gw.key("psb", "auditor"))).body).toMatchObject({
      ok: true,
      committedThrough: 1,
      uncommitted: 0,
    });
  });

  it("commits on its own every GATEWAY_ACCESS_LOG_COMMIT_MS in a gateway started the way npm run gateway starts one", async () => {
    const own = await seededChain();
    const settings = {
      GATEWAY_SIGNER_KEY: own.signerKeys.psb ?? "",
      GATEWAY_DATA_KEY: hexlify(randomBytes(32)),
      DISTRICT_SECRET: hexlify(own.districtSecret),
      GATEWAY_PORT: "0",
      GATEWAY_ACCESS_LOG_COMMIT_MS: "50",
    };
    const saved = Object.fromEntries(Object.keys(settings).map((name) => [name, process.env[name]]));
    Object.assign(process.env, settings);
    let serving: Serving | undefined;
    try {
      serving = await serveGateway({
        provider: own.connection.ethers.provider,
        deployment: own.deployment,
        catalogue: own.catalogue,
        dataDir: own.dataDir,
        codes: ["psb"],
        logger: testLogger(),
      });
      const psb = serving.gateway.services.departments.get("psb");
      if (!psb) throw new Error("psb is not hosted");
      const base = `${serving.url}/departments/psb`;
      const issued = await call("POST", `${base}/records`, psb.apiKeys.create("issuer").token, {
        credentialType: "resident-id-card",
        subject: applicant(33),
        fields: FIELDS["resident-id-card"],
      });
      expect(issued.status, JSON.stringify(issued.body)).toBe(202);
      await psb.worker.flush();
      await serving.gateway.services.index.syncNow();
      const read = await call("GET", `${base}/records/${issued.body.recordHash}`, psb.apiKeys.create("auditor").token);
      expect(read.status).toBe(200);
      const deadline = Date.now() + 10_000;
      while (Number(await psb.registries.accessLog.nextSequence(psb.id)) < 2 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      expect(Number(await psb.registries.accessLog.nextSequence(psb.id))).toBe(2);
    } finally {
      await serving?.close();
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
      own.cleanup();
    }
  });

  it("commits nothing after a commitment made with another of its department's keys, until the operator sets it aside", async () => {
    const own = await seededChain();
    const psbGateway = await startGateway(own, ["psb", "market-regulation"], {
      accessLogCommitMs: 0,
      dataSubdir: "diverged",
    });
    try {
      await issue(psbGateway, "resident-id-card", applicant(32));
      await anchorAll(psbGateway, ["psb"]);
      for (let i = 0; i < 2; i++) {
        await call(
          "POST",
          `${psbGateway.base("market-regulation")}/applications`,
          psbGateway.key("market-regulation", "consumer"),
          {
            scenario: "open-convenience-store",
            subject: applicant(32),
          },
        );
      }
      const psb = runtime(psbGateway, "psb");
      const operator = psbGateway.key("psb", "operator");
      const commit = () => call("POST", `${psbGateway.base("psb")}/access-log/commit`, operator, {});
      const [deployer] = await own.connection.ethers.getSigners();
      const asOperator = connectRegistries(own.deployment, deployer as unknown as Signer);
      // A second key of psb (a misused one) commits the gateway's next range under a root of its own.
      const misused = Wallet.createRandom().connect(own.connection.ethers.provider);
      await own.connection.ethers.provider.send("hardhat_setBalance", [misused.address, "0x3635C9ADC5DEA00000"]);
      await (await asOperator.departments.addSigner(psb.id, misused.address)).wait();
      const bogus = connectRegistries(own.deployment, misused);
      await (await bogus.accessLog.commit(1, 2, `0x${"66".repeat(32)}`)).wait();
      expect(await psb.accessLog.lastSeq()).toBe(2);
      expectProblem(await commit(), "ACCESS_LOG_DIVERGED");
      const audit = await call("GET", `${psbGateway.base("psb")}/access-log/audit`, psbGateway.key("psb", "auditor"));
      expect(audit.body).toMatchObject({ ok: false, divergence: { kind: "commitment-mismatch", seq: 1 } });
      await (await asOperator.accessLog.rejectCommitments(psb.id, 0, 1)).wait();
      const committed = await commit();
      expect(committed.status, JSON.stringify(committed.body)).toBe(200);
      expect(committed.body.committed).toMatchObject({ fromSeq: 1, toSeq: 2 });
      const after = await call("GET", `${psbGateway.base("psb")}/access-log/audit`, psbGateway.key("psb", "auditor"));
      expect(after.body).toMatchObject({ ok: true, committedThrough: 2, uncommitted: 0 });
    } finally {
      await psbGateway.close();
      own.cleanup();
    }
  });
});

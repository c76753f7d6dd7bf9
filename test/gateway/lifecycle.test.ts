// A department's changes to its own records, as other requests meet them: at once, once, and from events alone.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BATCHED_RECORD_NOTE } from "../../services/gateway/src/records/verifyRecord.ts";
import { call, type RunningGateway, type SeededChain, seededChain, startGateway } from "./gatewayFixture.ts";
import {
  anchoringEvents,
  expectProblem,
  idCardRequest,
  residentId,
  runtimeOf,
  switchableChain,
  until,
  withoutPastState,
} from "./support.ts";

/**
 * Issues `count` ID-card records at once, for subjects first, first + 1, ... (or all for subject `first`, which a
 * supersession needs), and returns them once the worker has anchored them all.
 */
async function issueAnchored(gw: RunningGateway, count: number, first: number, sameSubject = false) {
  const issuer = gw.key("psb", "issuer");
  const responses = await Promise.all(
    Array.from({ length: count }, (_, i) =>
      call("POST", `${gw.base("psb")}/records`, issuer, idCardRequest(residentId(sameSubject ? first : first + i))),
    ),
  );
  for (const r of responses) expect(r.status, JSON.stringify(r.body)).toBe(202);
  await until("the worker has anchored every record", async () => (await runtimeOf(gw, "psb").worker.queued()) === 0);
  return Promise.all(
    responses.map(async (r) => (await call("GET", `${gw.base("psb")}/records/${r.body.recordHash}`, issuer)).body),
  );
}

describe("revocation and supersession at the issuing gateway", () => {
  let chain: SeededChain;
  let gw: RunningGateway;
  let issuer: string;
  let consumer: string;
  beforeAll(async () => {
    chain = await seededChain();
    // The index's own polling is kept out of the picture: only what a write itself waits for can make it visible.
    gw = await startGateway(chain, ["psb"], {
      anchoring: { batchSize: 4, maxWaitMs: 50, pollMs: 10 },
      indexPollMs: 3_600_000,
    });
    issuer = gw.key("psb", "issuer");
    consumer = gw.key("psb", "consumer");
  });
  afterAll(async () => {
    await gw?.close();
    chain?.cleanup();
  });

  const revoke = (recordHash: string, reason = 1) =>
    call("POST", `${gw.base("psb")}/records/${recordHash}/revoke`, issuer, { reason });
  const supersede = (recordHash: string, newRecordHash: string) =>
    call("POST", `${gw.base("psb")}/records/${recordHash}/supersede`, issuer, { newRecordHash });
  const verify = (body: unknown) => call("POST", `${gw.base("psb")}/verify`, consumer, body);
  const presented = (r: { record: unknown; anchor: { batchRoot: string; proof: string[] } }) => ({
    record: r.record,
    anchor: { batchRoot: r.anchor.batchRoot, proof: r.anchor.proof },
  });
  const transactionsOf = () =>
    chain.connection.ethers.provider.getTransactionCount(runtimeOf(gw, "psb").address, "latest");

  it("verifies a record it just anchored as valid, with nothing else bringing its index up to date", async () => {
    const [card] = await issueAnchored(gw, 2, 10);
    expect((await verify(presented(card))).body.status).toBe("valid");
  });

  it("verifies a revocation it answered 200 as revoked at once", async () => {
    const [card] = await issueAnchored(gw, 2, 20);
    expect((await revoke(card.recordHash)).status).toBe(200);
    expect((await verify(presented(card))).body.status).toBe("revoked");
    const read = await call("GET", `${gw.base("psb")}/records/${card.recordHash}`, issuer);
    expect(read.body.anchor).toMatchObject({ revokedAt: expect.any(Number), revocationReason: 1 });
  });

  it("verifies a supersession it answered 200 as superseded at once", async () => {
    const [older, newer] = await issueAnchored(gw, 2, 30, true);
    expect((await supersede(older.recordHash, newer.recordHash)).status).toBe(200);
    expect((await verify(presented(older))).body.status).toBe("superseded");
    expect((await verify(presented(newer))).body.status).toBe("valid");
  });

  it("sends one revocation when the same record is revoked six times at once: one 200, five 409, no transaction refused", async () => {
    const [card] = await issueAnchored(gw, 2, 40);
    const before = await transactionsOf();
    const answers = await Promise.all(Array.from({ length: 6 }, () => revoke(card.recordHash, 2)));
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409, 409, 409, 409, 409]);
    for (const answer of answers.filter((a) => a.status === 409)) {
      expect(["RECORD_CHANGE_IN_PROGRESS", "RECORD_ALREADY_REVOKED"], JSON.stringify(answer.body)).toContain(
        answer.body.code,
      );
      expectProblem(answer, answer.body.code, "recordHash");
    }
    // One transaction: the batched record registered and revoked in one step.
    expect(await transactionsOf()).toBe(before + 1);
    const events = await anchoringEvents(chain, runtimeOf(gw, "psb").id);
    expect(events.singles).toEqual([]);
  });

  it("sends one change when a record is superseded and revoked at the same time: the other request gets 409", async () => {
    const [older, newer] = await issueAnchored(gw, 2, 50, true);
    const before = await transactionsOf();
    const [superseded, revoked, again] = await Promise.all([
      supersede(older.recordHash, newer.recordHash),
      revoke(older.recordHash),
      supersede(older.recordHash, newer.recordHash),
    ]);
    expect([superseded.status, revoked.status, again.status].filter((s) => s === 200)).toHaveLength(1);
    expect([superseded.status, revoked.status, again.status].filter((s) => s === 409)).toHaveLength(2);
    const sent = (await transactionsOf()) - before;
    // Superseding two batched records registers both first: three transactions; a revocation is one.
    expect(superseded.status === 200 || again.status === 200 ? sent === 3 : sent === 1).toBe(true);
  });
});

describe("a bare record hash of a batched record", () => {
  let chain: SeededChain;
  let issuing: RunningGateway;
  let elsewhere: RunningGateway;
  beforeAll(async () => {
    chain = await seededChain();
    issuing = await startGateway(chain, ["psb"], { anchoring: { batchSize: 4, maxWaitMs: 50, pollMs: 10 } });
    elsewhere = await startGateway(chain, ["market-regulation"], { dataSubdir: "elsewhere" });
  });
  afterAll(async () => {
    await issuing?.close();
    await elsewhere?.close();
    chain?.cleanup();
  });

  it("is found through the issuer's store where this gateway hosts the issuer", async () => {
    const [card] = await issueAnchored(issuing, 2, 60);
    const verdict = await call("POST", `${issuing.base("psb")}/verify`, issuing.key("psb", "consumer"), {
      recordHash: card.recordHash,
      issuerId: runtimeOf(issuing, "psb").id,
    });
    expect(verdict.body).toMatchObject({ status: "valid", evidence: { batchRoot: card.anchor.batchRoot } });
  });

  it("is answered unknown elsewhere, with a note that the record or its leaf and proof are needed", async () => {
    const [card] = await issueAnchored(issuing, 2, 70);
    await elsewhere.gateway.services.index.syncNow();
    const url = `${elsewhere.base("market-regulation")}/verify`;
    const token = elsewhere.key("market-regulation", "consumer");
    const verdict = await call("POST", url, token, {
      recordHash: card.recordHash,
      issuerId: runtimeOf(issuing, "psb").id,
    });
    expect(verdict.body).toMatchObject({ status: "unknown", note: BATCHED_RECORD_NOTE });
    const withRecord = await call("POST", url, token, presentedRecord(card));
    expect(withRecord.body.status).toBe("valid");
    expect(withRecord.body.note).toBeUndefined();
  });
});

const presentedRecord = (r: { record: unknown; anchor: { batchRoot: string; proof: string[] } }) => ({
  record: r.record,
  anchor: { batchRoot: r.anchor.batchRoot, proof: r.anchor.proof },
});

describe("a gateway on a node that keeps no past state", () => {
  it("restarts on a data directory whose batched records were revoked and superseded, and reads them so", async () => {
    const chain = await seededChain();
    const pruned = await switchableChain(chain, { refuse: withoutPastState });
    try {
      const options = {
        provider: pruned.provider,
        anchoring: { batchSize: 4, maxWaitMs: 50, pollMs: 10 },
        dataSubdir: "pruned",
      };
      let gw = await startGateway(chain, ["psb"], options);
      const [revoked] = await issueAnchored(gw, 2, 78);
      const [older, newer] = await issueAnchored(gw, 2, 81, true);
      const token = gw.key("psb", "issuer");
      const base = `${gw.base("psb")}/records`;
      expect((await call("POST", `${base}/${revoked.recordHash}/revoke`, token, { reason: 4 })).status).toBe(200);
      const superseded = await call("POST", `${base}/${older.recordHash}/supersede`, token, {
        newRecordHash: newer.recordHash,
      });
      expect(superseded.status, JSON.stringify(superseded.body)).toBe(200);
      await chain.connection.ethers.provider.send("evm_mine", []);
      await gw.close();
      gw = await startGateway(chain, ["psb"], options);
      const consumer = gw.key("psb", "consumer");
      const verify = async (r: typeof revoked) =>
        (await call("POST", `${gw.base("psb")}/verify`, consumer, presentedRecord(r))).body.status;
      expect([await verify(revoked), await verify(older), await verify(newer)]).toEqual([
        "revoked",
        "superseded",
        "valid",
      ]);
      await gw.close();
    } finally {
      await pruned.close();
      chain.cleanup();
    }
  });
});

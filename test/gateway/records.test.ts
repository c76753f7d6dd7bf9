import { createHash, createHmac } from "node:crypto";
import { gzipSync } from "node:zlib";
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { type Signer, Wallet } from "ethers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectRegistries } from "../../lib/chain/registries.ts";
import { open } from "../../lib/crypto/sealedBox.ts";
import { contentHash } from "../../lib/encoding/canonical.ts";
import { RECORD_LEAF_TYPES, recordLeafValues } from "../../lib/encoding/recordLeaf.ts";
import { subjectRef } from "../../lib/encoding/subjectRef.ts";
import { anchorOf } from "../../services/gateway/src/records/canonicalRecord.ts";
import { call, type RunningGateway, type SeededChain, seededChain, startGateway } from "./gatewayFixture.ts";
import {
  anchoringEvents,
  anchorQueued,
  expectProblem,
  idCardRequest,
  PERSON,
  rawEntries,
  residentId,
  runtimeOf,
  until,
} from "./support.ts";

const DATA_KEY = new Uint8Array(32).fill(0x5a);
const HEX32 = /^0x[0-9a-f]{64}$/;

describe("records anchored singly", () => {
  let chain: SeededChain;
  let gw: RunningGateway;
  let issuer: string;
  let consumer: string;
  beforeAll(async () => {
    chain = await seededChain();
    gw = await startGateway(chain, ["psb"], { dataKeys: { psb: DATA_KEY } });
    issuer = gw.key("psb", "issuer");
    consumer = gw.key("psb", "consumer");
  });
  afterAll(async () => {
    await gw?.close();
    chain?.cleanup();
  });

  const issue = (body: unknown) => call("POST", `${gw.base("psb")}/records`, issuer, body);
  const verify = (body: unknown, fresh = false) =>
    call("POST", `${gw.base("psb")}/verify${fresh ? "?fresh=true" : ""}`, consumer, body);
  async function issued(idNumber: string = PERSON.idNumber, extra: Record<string, unknown> = {}) {
    const response = await issue({ ...idCardRequest(idNumber), ...extra });
    expect(response.status, JSON.stringify(response.body)).toBe(202);
    return response.body as { recordHash: `0x${string}`; record: Record<string, unknown> & { subjectRef: string } };
  }

  it("accepts an ID-card record with 202: the canonical record, its hash, and a queued anchor", async () => {
    const response = await issue(idCardRequest());
    expect(response.status).toBe(202);
    const { recordHash, record, anchor } = response.body;
    expect(recordHash).toMatch(HEX32);
    // SPEC §3.2, with OpenZeppelin's tree over the salted field leaves and the envelope in place of the record.
    const { fields, salt, ...envelope } = record as Record<string, unknown> & { fields: object; salt: string };
    const fieldSalt = (name: string) =>
      `0x${createHmac("sha256", Buffer.from(salt.slice(2), "hex"))
        .update(name)
        .digest("hex")}`;
    const tree = StandardMerkleTree.of(
      Object.entries(fields).map(([name, value]) => [name, fieldSalt(name), contentHash(value)]),
      ["string", "bytes32", "bytes32"],
    );
    expect(recordHash).toBe(contentHash({ ...envelope, fieldsRoot: tree.root }));
    expect(response.headers.get("location")).toBe(`records/${recordHash}`);
    expect(record).toMatchObject({
      format: "oncechain-record/2",
      credentialType: "resident-id-card",
      typeVersion: 1,
      typeId: expect.any(Number),
      issuer: "psb",
      issuerId: runtimeOf(gw, "psb").id,
      fields: idCardRequest().fields,
      salt: expect.stringMatching(HEX32),
    });
    expect(record.validUntil - record.validFrom).toBe(3650 * 86_400);
    const registry = gw.gateway.services.index.current("CredentialRecordRegistry");
    expect(anchor).toEqual({ state: "queued", acceptedAt: expect.any(Number), registry });
  });

  it("reads bodies the way express.json does: a byte-order mark, gzip, identity encoding, quoted or UTF-16 charsets", async () => {
    const post = (body: string | Uint8Array, headers: Record<string, string>) =>
      fetch(`${gw.base("psb")}/records`, {
        method: "POST",
        headers: { authorization: `Bearer ${issuer}`, "content-type": "application/json", ...headers },
        body,
      });
    const text = (n: number) => JSON.stringify(idCardRequest(residentId(n)));
    const cases: [string | Uint8Array, Record<string, string>][] = [
      [`\ufeff${text(7)}`, {}],
      [gzipSync(text(8)), { "content-encoding": "gzip" }],
      [text(11), { "content-encoding": "identity" }],
      [text(12), { "content-type": 'application/json; charset="UTF-8"' }],
      [text(13), { "content-type": "Application/JSON;charset=utf-8" }],
      [Buffer.from(text(14), "utf16le"), { "content-type": "application/json; charset=utf-16le" }],
    ];
    for (const [body, headers] of cases) {
      const response = await post(body, headers);
      expect(response.status, `${JSON.stringify(headers)}: ${await response.clone().text()}`).toBe(202);
    }
  });

  it("names the subject by the district's HMAC of the ID number, and the number appears nowhere in the response", async () => {
    const response = await issue(idCardRequest());
    const ref = response.body.record.subjectRef;
    expect(ref).toBe(subjectRef(chain.districtSecret, "resident-id", PERSON.idNumber));
    expect(ref).not.toBe(`0x${createHash("sha256").update(PERSON.idNumber).digest("hex")}`);
    const text = JSON.stringify(response.body) + JSON.stringify([...response.headers]);
    expect(text).not.toContain(PERSON.idNumber);
    expect(text).not.toContain(PERSON.idNumber.toLowerCase());
    expect(text).not.toContain(PERSON.idNumber.slice(0, 17));
  });

  it("stores the record sealed: the raw LevelDB value opens under the data key, and holds no ID number or name in clear", async () => {
    const { recordHash, record } = await issued();
    const entries = await rawEntries(runtimeOf(gw, "psb").store);
    const stored = entries.find((e) => e.key === `!records!${recordHash}`);
    if (!stored) throw new Error("the record is not in the records sublevel");
    const opened = JSON.parse(Buffer.from(open(DATA_KEY, stored.value, Buffer.from(recordHash))).toString("utf8"));
    expect(opened).toEqual(record);
    for (const { key, value } of entries) {
      const text = `${key} ${value.toString("utf8")}`;
      for (const secret of [PERSON.idNumber.slice(0, 17), PERSON.name, PERSON.address]) {
        expect(text, `database entry ${key}`).not.toContain(secret);
      }
    }
  });

  it("returns an issued record by its hash to the issuer, with its anchoring receipt", async () => {
    const { recordHash, record } = await issued();
    const response = await call("GET", `${gw.base("psb")}/records/${recordHash}`, issuer);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      recordHash,
      record,
      anchor: expect.objectContaining({ state: expect.any(String) }),
    });
    expect(JSON.stringify(response.body)).not.toContain(PERSON.idNumber.slice(0, 17));
  });

  it("anchors a record singly: its receipt names the transaction and block, and it verifies as valid", async () => {
    const { recordHash, record } = await issued();
    await anchorQueued(gw, "psb");
    const { body } = await call("GET", `${gw.base("psb")}/records/${recordHash}`, issuer);
    expect(body.anchor).toMatchObject({ state: "anchored", txHash: expect.stringMatching(HEX32), proof: [] });
    expect(body.anchor.batchRoot).toBeUndefined();
    expect((await anchoringEvents(chain, runtimeOf(gw, "psb").id)).singles).toContain(recordHash);
    const verdict = await verify({ record });
    expect(verdict.body).toMatchObject({ status: "valid", recordHash, source: "index" });
    expect(verdict.body.evidence).toMatchObject({ txHash: body.anchor.txHash, blockNumber: body.anchor.blockNumber });
    const fresh = await verify({ record }, true);
    expect(fresh.body).toMatchObject({ status: "valid", recordHash, source: "chain" });
  });

  it("verifies a record anchored singly as valid though presented with a batch anchor not its own, from the index and the chain", async () => {
    const { record } = await issued(residentId(31));
    await anchorQueued(gw, "psb");
    const presented = { record, anchor: { batchRoot: `0x${"12".repeat(32)}`, proof: [] } };
    expect((await verify(presented)).body.status).toBe("valid");
    expect((await verify(presented, true)).body.status).toBe("valid");
  });

  it("verifies a bare record hash with its issuer's id as valid once anchored", async () => {
    const { recordHash } = await issued(residentId(11));
    await anchorQueued(gw, "psb");
    const verdict = await verify({ recordHash, issuerId: runtimeOf(gw, "psb").id });
    expect(verdict.body.status).toBe("valid");
  });

  it("revokes an anchored record on chain: verification then says revoked, from the index and from the chain", async () => {
    const { recordHash, record } = await issued(residentId(1));
    await anchorQueued(gw, "psb");
    const revoked = await call("POST", `${gw.base("psb")}/records/${recordHash}/revoke`, issuer, { reason: 3 });
    expect(revoked.status, JSON.stringify(revoked.body)).toBe(200);
    expect(revoked.body).toMatchObject({ state: "anchored", revokedAt: expect.any(Number), revocationReason: 3 });
    await gw.gateway.services.index.syncNow();
    expect((await verify({ record })).body.status).toBe("revoked");
    expect((await verify({ record }, true)).body).toMatchObject({
      status: "revoked",
      evidence: { revocationReason: 3 },
    });
  });

  it("refuses to revoke a record a second time with 409 RECORD_ALREADY_REVOKED", async () => {
    const { recordHash } = await issued(residentId(2));
    await anchorQueued(gw, "psb");
    const url = `${gw.base("psb")}/records/${recordHash}/revoke`;
    expect((await call("POST", url, issuer, { reason: 1 })).status).toBe(200);
    expectProblem(await call("POST", url, issuer, { reason: 1 }), "RECORD_ALREADY_REVOKED", "recordHash");
  });

  it("supersedes an anchored record by a newer one: the old verifies as superseded and the new as valid", async () => {
    const older = await issued(residentId(3));
    const newer = await issued(residentId(3), { supersedes: older.recordHash });
    expect(newer.record.supersedes).toBe(older.recordHash);
    await anchorQueued(gw, "psb");
    const response = await call("POST", `${gw.base("psb")}/records/${older.recordHash}/supersede`, issuer, {
      newRecordHash: newer.recordHash,
    });
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    expect(response.body.supersededBy).toBe(newer.recordHash);
    await gw.gateway.services.index.syncNow();
    expect((await verify({ record: older.record })).body).toMatchObject({
      status: "superseded",
      evidence: { supersededBy: newer.recordHash },
    });
    expect((await verify({ record: older.record }, true)).body.status).toBe("superseded");
    expect((await verify({ record: newer.record })).body).toMatchObject({
      status: "valid",
      evidence: { supersedes: older.recordHash },
    });
    expect((await verify({ record: newer.record }, true)).body.status).toBe("valid");
  });

  it("refuses to issue a record that supersedes one the chain holds superseded or revoked, naming supersedes", async () => {
    const older = await issued(residentId(3));
    const newer = await issued(residentId(3));
    const revoked = await issued(residentId(3));
    await anchorQueued(gw, "psb");
    const supersede = `${gw.base("psb")}/records/${older.recordHash}/supersede`;
    expect((await call("POST", supersede, issuer, { newRecordHash: newer.recordHash })).status).toBe(200);
    const revoke = `${gw.base("psb")}/records/${revoked.recordHash}/revoke`;
    expect((await call("POST", revoke, issuer, { reason: 1 })).status).toBe(200);
    const replacing = (supersedes: string) => issue({ ...idCardRequest(residentId(3)), supersedes });
    expectProblem(await replacing(older.recordHash), "RECORD_ALREADY_SUPERSEDED", "supersedes");
    expectProblem(await replacing(revoked.recordHash), "RECORD_ALREADY_REVOKED", "supersedes");
  });

  it("answers 403 DEPARTMENT_SUSPENDED while the department is suspended, and revokes and anchors again once reinstated", async () => {
    const { recordHash } = await issued(residentId(5));
    await anchorQueued(gw, "psb");
    const [operator] = await chain.connection.ethers.getSigners();
    const departments = connectRegistries(chain.deployment, operator as unknown as Signer).departments;
    const psbId = runtimeOf(gw, "psb").id;
    const url = `${gw.base("psb")}/records/${recordHash}/revoke`;
    await (await departments.suspendDepartment(psbId)).wait();
    const refused = await call("POST", url, issuer, { reason: 1 });
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe("DEPARTMENT_SUSPENDED");
    await (await departments.reinstateDepartment(psbId)).wait();
    const retried = await call("POST", url, issuer, { reason: 1 });
    expect(retried.status, JSON.stringify(retried.body)).toBe(200);
    const later = await issued(residentId(6));
    await anchorQueued(gw, "psb");
    expect((await verify({ record: later.record })).body.status).toBe("valid");
  });

  it("refuses to supersede a record a second time with 409 RECORD_ALREADY_SUPERSEDED", async () => {
    const [a, b, c] = [await issued(residentId(4)), await issued(residentId(4)), await issued(residentId(4))];
    await anchorQueued(gw, "psb");
    const url = `${gw.base("psb")}/records/${a?.recordHash}/supersede`;
    expect((await call("POST", url, issuer, { newRecordHash: b?.recordHash })).status).toBe(200);
    expectProblem(await call("POST", url, issuer, { newRecordHash: c?.recordHash }), "RECORD_ALREADY_SUPERSEDED");
  });
});

describe("records anchored in Merkle batches", () => {
  let chain: SeededChain;
  let gw: RunningGateway;
  let issuer: string;
  let consumer: string;
  beforeAll(async () => {
    chain = await seededChain();
    gw = await startGateway(chain, ["psb"], { anchoring: { batchSize: 8, maxWaitMs: 100, pollMs: 10 } });
    issuer = gw.key("psb", "issuer");
    consumer = gw.key("psb", "consumer");
  });
  afterAll(async () => {
    await gw?.close();
    chain?.cleanup();
  });

  const verify = (body: unknown, fresh = false) =>
    call("POST", `${gw.base("psb")}/verify${fresh ? "?fresh=true" : ""}`, consumer, body);

  /** Issues ID-card records for `count` subjects at once and waits until the worker has anchored them all by itself. */
  function issueAndAwaitAnchoring(count: number, first: number) {
    return issueAll(Array.from({ length: count }, (_, i) => idCardRequest(residentId(first + i))));
  }

  async function issueAll(requests: object[]) {
    const responses = await Promise.all(requests.map((r) => call("POST", `${gw.base("psb")}/records`, issuer, r)));
    for (const r of responses) expect(r.status, JSON.stringify(r.body)).toBe(202);
    await until("the worker has anchored every record", async () => (await runtimeOf(gw, "psb").worker.queued()) === 0);
    await gw.gateway.services.index.syncNow();
    return Promise.all(
      responses.map(async (r) => (await call("GET", `${gw.base("psb")}/records/${r.body.recordHash}`, issuer)).body),
    );
  }

  it("anchors records in batches of at most eight, each receipt carrying its batch root and Merkle proof", async () => {
    const records = await issueAndAwaitAnchoring(11, 100);
    const { batches, singles } = await anchoringEvents(chain, runtimeOf(gw, "psb").id);
    expect(singles).toEqual([]);
    expect(batches.length).toBeGreaterThanOrEqual(2);
    expect(batches.every((b) => b.recordCount <= 8)).toBe(true);
    expect(batches.reduce((n, b) => n + b.recordCount, 0)).toBe(11);
    for (const { recordHash, record, anchor } of records) {
      expect(anchor).toMatchObject({ state: "anchored", batchRoot: expect.stringMatching(HEX32) });
      expect(batches.map((b) => b.root)).toContain(anchor.batchRoot);
      const leaf = recordLeafValues(anchorOf(record, recordHash));
      expect(StandardMerkleTree.verify(anchor.batchRoot, [...RECORD_LEAF_TYPES], leaf, anchor.proof)).toBe(true);
    }
  });

  it("verifies a batched record as valid with its proof, and the chain read fresh agrees with the index", async () => {
    const [{ record, anchor }] = await issueAndAwaitAnchoring(3, 200);
    const presented = { record, anchor: { batchRoot: anchor.batchRoot, proof: anchor.proof } };
    const indexed = await verify(presented);
    const fresh = await verify(presented, true);
    expect(indexed.body).toMatchObject({ status: "valid", source: "index" });
    expect(fresh.body).toMatchObject({ status: "valid", source: "chain" });
    for (const member of ["issuer", "credentialType", "anchoredAt", "validFrom", "validUntil", "revokedAt"]) {
      expect(fresh.body.evidence[member], member).toBe(indexed.body.evidence[member]);
    }
    expect(fresh.body.evidence.batchRoot.toLowerCase()).toBe(indexed.body.evidence.batchRoot);
  });

  it("answers unknown for a batched record presented without its proof, or with another record's proof", async () => {
    const [first, second] = await issueAndAwaitAnchoring(2, 300);
    expect((await verify({ record: first.record })).body.status).toBe("unknown");
    const wrongProof = {
      record: first.record,
      anchor: { batchRoot: second.anchor.batchRoot, proof: second.anchor.proof },
    };
    expect((await verify(wrongProof)).body.status).toBe("unknown");
    expect((await verify(wrongProof, true)).body.status).toBe("unknown");
  });

  it("revokes a batched record on chain: verification with its proof then says revoked", async () => {
    const [{ recordHash, record, anchor }, sibling] = await issueAndAwaitAnchoring(2, 400);
    const revoked = await call("POST", `${gw.base("psb")}/records/${recordHash}/revoke`, issuer, { reason: 2 });
    expect(revoked.status, JSON.stringify(revoked.body)).toBe(200);
    await gw.gateway.services.index.syncNow();
    const presented = { record, anchor: { batchRoot: anchor.batchRoot, proof: anchor.proof } };
    expect((await verify(presented)).body.status).toBe("revoked");
    expect((await verify(presented, true)).body.status).toBe("revoked");
    const siblingPresented = {
      record: sibling.record,
      anchor: { batchRoot: sibling.anchor.batchRoot, proof: sibling.anchor.proof },
    };
    expect((await verify(siblingPresented)).body.status).toBe("valid");
  });

  it("verifies format-1 records anchored before format 2, in a batch and singly, as before: valid, then revoked", async () => {
    // What a gateway before format 2 issued: the same members, hashed whole (SPEC §3.1), anchored with the department's key.
    const [template] = await issueAndAwaitAnchoring(1, 600);
    const formatOne = (n: number) => ({
      ...template.record,
      format: "oncechain-record/1",
      fields: { ...template.record.fields, name: `旧格式${n}` },
      salt: `0x${createHash("sha256").update(`format one ${n}`).digest("hex")}`,
    });
    const records = [formatOne(1), formatOne(2), formatOne(3)];
    const leaves = records.map((r) => recordLeafValues(anchorOf(r, contentHash(r))));
    const batch = StandardMerkleTree.of(leaves.slice(0, 2), [...RECORD_LEAF_TYPES]);
    const signer = new Wallet(chain.signerKeys.psb ?? "", chain.connection.ethers.provider);
    const registry = connectRegistries(chain.deployment, signer as unknown as Signer).records;
    await (await registry.anchorBatch(batch.root, 2)).wait();
    const single = anchorOf(records[2], contentHash(records[2]));
    await (
      await registry.anchor(
        single.recordHash,
        single.subjectRef,
        single.credentialType,
        single.validFrom,
        single.validUntil,
      )
    ).wait();
    await gw.gateway.services.index.syncNow();
    const presented = [0, 1].map((i) => ({
      record: records[i],
      anchor: { batchRoot: batch.root, proof: batch.getProof(i) },
    }));
    for (const body of [...presented, { record: records[2] }]) {
      expect((await verify(body)).body.status).toBe("valid");
      expect((await verify(body, true)).body.status).toBe("valid");
    }
    // The same record read as format 2 is another hash, which nothing anchored.
    expect(
      (await verify({ ...presented[0], record: { ...records[0], format: "oncechain-record/2" } })).body.status,
    ).toBe("unknown");
    const first = anchorOf(records[0], contentHash(records[0]));
    await (await registry.revokeBatchRecord(batch.root, first, batch.getProof(0), 2)).wait();
    await (await registry.revokeRecord(single.recordHash, 2)).wait();
    await gw.gateway.services.index.syncNow();
    expect((await verify(presented[0])).body.status).toBe("revoked");
    expect((await verify(presented[1])).body.status).toBe("valid");
    expect((await verify({ record: records[2] }, true)).body.status).toBe("revoked");
  });

  it("supersedes a batched record by a newer batched one: old superseded, new valid", async () => {
    const [older] = await issueAndAwaitAnchoring(2, 500);
    const [newer] = await issueAll([
      { ...idCardRequest(residentId(500)), supersedes: older.recordHash },
      idCardRequest(residentId(502)),
    ]);
    expect(newer.anchor.batchRoot).not.toBe(older.anchor.batchRoot);
    const response = await call("POST", `${gw.base("psb")}/records/${older.recordHash}/supersede`, issuer, {
      newRecordHash: newer.recordHash,
    });
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    await gw.gateway.services.index.syncNow();
    const present = (r: typeof older) => ({
      record: r.record,
      anchor: { batchRoot: r.anchor.batchRoot, proof: r.anchor.proof },
    });
    expect((await verify(present(older))).body.status).toBe("superseded");
    expect((await verify(present(older), true)).body.status).toBe("superseded");
    expect((await verify(present(newer))).body.status).toBe("valid");
    expect((await verify(present(newer), true)).body.status).toBe("valid");
  });
});

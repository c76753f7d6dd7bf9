// CredentialRecordRegistry batches: anchoring Merkle roots, and the status of a batched record read through its proof.
import { beforeEach, describe, expect, it } from "vitest";
import type { Hex32 } from "../../lib/encoding/canonical.ts";
import { buildRecordTree, type RecordAnchor } from "../../lib/encoding/recordLeaf.ts";
import { mineBlockAt, type RegistryFixture, registryFixture } from "../support/chain.ts";
import { expectEvent } from "../support/events.ts";
import {
  anchorRecordBatch,
  batchStatusOf,
  evidence,
  type RecordBatch,
  RecordStatus,
  recordAnchors,
  recordBatch,
  statusOf,
} from "../support/records.ts";
import { expectRevert } from "../support/reverts.ts";

/** The transaction gas cap of EIP-7825: every call on a batch must fit in one transaction. */
const TRANSACTION_GAS_CAP = 16_777_216n;

describe("CredentialRecordRegistry.anchorBatch", () => {
  let f: RegistryFixture;
  beforeEach(async () => {
    f = await registryFixture();
  });

  it("anchors a root for the caller's department and records when and how many", async () => {
    const records = f.registries.records.connect(f.issuer);
    const tree = buildRecordTree(recordAnchors("id card", 5));
    await expectEvent(records.anchorBatch(tree.root, 5), records, "CredentialBatchAnchored", [tree.root, f.ids.psb, 5]);
    const batch = await records.batch(f.ids.psb, tree.root);
    expect([batch.issuer, batch.anchoredAt, batch.recordCount]).toEqual([1n, BigInt(await f.latestTimestamp()), 5n]);
    for (const issuer of [0, f.ids.market, f.ids.tobacco, 99]) {
      const elsewhere = await records.batch(issuer, tree.root);
      expect([elsewhere.issuer, elsewhere.anchoredAt, elsewhere.recordCount]).toEqual([0n, 0n, 0n]);
    }
  });

  it("reverts with CredentialRegistryEmptyBatch when the root is zero", async () => {
    const records = f.registries.records.connect(f.issuer);
    await expectRevert(records.anchorBatch(`0x${"00".repeat(32)}`, 5), records, "CredentialRegistryEmptyBatch", []);
  });

  it("reverts with CredentialRegistryEmptyBatch when the batch counts no records", async () => {
    const records = f.registries.records.connect(f.issuer);
    const tree = buildRecordTree(recordAnchors("id card", 5));
    await expectRevert(records.anchorBatch(tree.root, 0), records, "CredentialRegistryEmptyBatch", []);
  });

  it("reverts with CredentialRegistryBatchAlreadyAnchored when the department anchors its root again", async () => {
    const records = f.registries.records.connect(f.issuer);
    const tree = await anchorRecordBatch(records, recordAnchors("id card", 5));
    const anchoredAt = BigInt(await f.latestTimestamp());
    for (const count of [5, 6]) {
      await expectRevert(records.anchorBatch(tree.root, count), records, "CredentialRegistryBatchAlreadyAnchored", [
        tree.root,
      ]);
    }
    const batch = await records.batch(f.ids.psb, tree.root);
    expect([batch.issuer, batch.anchoredAt, batch.recordCount]).toEqual([1n, anchoredAt, 5n]);
  });

  it("another department anchoring the same root first does not block the issuer's batch", async () => {
    const anchors = recordAnchors("id card", 4, { validUntil: 4_000_000_000 });
    const batch = recordBatch(anchors);
    const market = f.registries.records.connect(f.otherDepartment);
    await expectEvent(market.anchorBatch(batch.root, 4), market, "CredentialBatchAnchored", [
      batch.root,
      f.ids.market,
      4,
    ]);
    const marketAnchoredAt = BigInt(await f.latestTimestamp());
    const psb = f.registries.records.connect(f.issuer);
    await expectEvent(psb.anchorBatch(batch.root, 4), psb, "CredentialBatchAnchored", [batch.root, f.ids.psb, 4]);
    const psbAnchoredAt = BigInt(await f.latestTimestamp());
    expect(psbAnchoredAt).toBeGreaterThan(marketAnchoredAt);

    const [marketsBatch, psbsBatch] = [
      await psb.batch(f.ids.market, batch.root),
      await psb.batch(f.ids.psb, batch.root),
    ];
    expect([marketsBatch.issuer, marketsBatch.anchoredAt, marketsBatch.recordCount]).toEqual([
      2n,
      marketAnchoredAt,
      4n,
    ]);
    expect([psbsBatch.issuer, psbsBatch.anchoredAt, psbsBatch.recordCount]).toEqual([1n, psbAnchoredAt, 4n]);

    // Each reads by its own batch's facts: psb issues resident ID cards, market does not.
    const [card, proof] = batch.leaf(2);
    expect(await batchStatusOf(psb, f.ids.psb, batch.root, card, proof)).toEqual({
      status: RecordStatus.Valid,
      evidence: evidence({
        issuer: 1n,
        credentialType: 1n,
        anchoredAt: psbAnchoredAt,
        validUntil: 4_000_000_000n,
        batchRoot: batch.root,
      }),
    });
    expect(await batchStatusOf(psb, f.ids.market, batch.root, card, proof)).toEqual({
      status: RecordStatus.IssuerNotAuthorised,
      evidence: evidence({
        issuer: 2n,
        credentialType: 1n,
        anchoredAt: marketAnchoredAt,
        validUntil: 4_000_000_000n,
        batchRoot: batch.root,
      }),
    });
    expect(await batchStatusOf(psb, f.ids.tobacco, batch.root, card, proof)).toEqual({
      status: RecordStatus.Unknown,
      evidence: evidence(),
    });

    // Each registers and revokes in its own namespace only.
    await expectEvent(psb.registerBatchRecord(batch.root, card, proof), psb, "CredentialBatchRecordRegistered", [
      card.recordHash,
      batch.root,
      card.subjectRef,
      f.ids.psb,
      card.credentialType,
      card.validFrom,
      card.validUntil,
    ]);
    const revoked = market.revokeBatchRecord(batch.root, card, proof, 1);
    await expectEvent(revoked, market, "CredentialBatchRecordRegistered", [
      card.recordHash,
      batch.root,
      card.subjectRef,
      f.ids.market,
      card.credentialType,
      card.validFrom,
      card.validUntil,
    ]);
    await expectEvent(revoked, market, "CredentialRevoked", [card.recordHash, f.ids.market, 1]);
    expect((await batchStatusOf(psb, f.ids.market, batch.root, card, proof)).status).toBe(RecordStatus.Revoked);
    expect((await batchStatusOf(psb, f.ids.psb, batch.root, card, proof)).status).toBe(RecordStatus.Valid);
    expect((await statusOf(psb, f.ids.psb, card.recordHash)).status).toBe(RecordStatus.Valid);
    for (const records of [psb, market]) {
      await expectRevert(records.anchorBatch(batch.root, 4), records, "CredentialRegistryBatchAlreadyAnchored", [
        batch.root,
      ]);
    }
  });

  it.each(["operator", "outsider"] as const)(
    "reverts with CredentialRegistryNotDepartmentSigner when the %s anchors a batch",
    async (role) => {
      const records = f.registries.records.connect(f[role]);
      const tree = buildRecordTree(recordAnchors("id card", 5));
      await expectRevert(records.anchorBatch(tree.root, 5), records, "CredentialRegistryNotDepartmentSigner", [
        f[role].address,
      ]);
    },
  );

  it("reverts with CredentialRegistryDepartmentSuspended when a suspended department anchors a batch", async () => {
    const records = f.registries.records.connect(f.suspendedDepartment);
    const tree = buildRecordTree(recordAnchors("id card", 5));
    await expectRevert(records.anchorBatch(tree.root, 5), records, "CredentialRegistryDepartmentSuspended", [
      f.ids.tobacco,
    ]);
  });
});

describe("CredentialRecordRegistry.batchRecordStatus", () => {
  let f: RegistryFixture;
  const asIssuer = () => f.registries.records.connect(f.issuer);
  const statusIn = async (batch: RecordBatch, leaf: RecordAnchor, proof: string[]) =>
    (await batchStatusOf(f.registries.records, f.ids.psb, batch.root, leaf, proof)).status;

  beforeEach(async () => {
    f = await registryFixture();
  });

  it("verifies the OpenZeppelin merkle-tree proof of every record of a batch as Valid, with the batch as evidence", async () => {
    const anchors = recordAnchors("id card", 5, { validUntil: 4_000_000_000 });
    const batch = await anchorRecordBatch(asIssuer(), anchors);
    const anchoredAt = BigInt(await f.latestTimestamp());
    for (const [i, leaf] of anchors.entries()) {
      expect(await batchStatusOf(asIssuer(), f.ids.psb, batch.root, leaf, batch.tree.getProof(i))).toEqual({
        status: RecordStatus.Valid,
        evidence: evidence({
          issuer: 1n,
          credentialType: 1n,
          anchoredAt,
          validUntil: 4_000_000_000n,
          batchRoot: batch.root,
        }),
      });
    }
  });

  it("reports Unknown for an internal node presented as a leaf, at the depth of the batch's leaves", async () => {
    // Five records: nodes are stored root first, the leaves at 4..8. Node 3 hashes leaves 7 and 8 and sits at depth 2,
    // as deep as leaf 4, so its proof (nodes 4 and 2) has a length the batch allows: only the double-hashed leaf format
    // keeps its 64-byte preimage, laid out as the first two leaf fields, from passing for a record.
    const batch = await anchorRecordBatch(asIssuer(), recordAnchors("id card", 5));
    const nodes = batch.tree.dump().tree as Hex32[];
    const [left, right] = [nodes[7], nodes[8]].sort() as [Hex32, Hex32];
    const node = { recordHash: left, subjectRef: right, credentialType: 0, validFrom: 0, validUntil: 0 };
    const proof = [nodes[4], nodes[2]] as Hex32[];
    expect(await statusIn(batch, node, proof)).toBe(RecordStatus.Unknown);
    const records = asIssuer();
    await expectRevert(
      records.registerBatchRecord(batch.root, node, proof),
      records,
      "CredentialRegistryInvalidProof",
      [batch.root, node.recordHash],
    );
  });

  it("reports Unknown for an internal node higher up, whose short proof the batch's record count rules out", async () => {
    const batch = await anchorRecordBatch(asIssuer(), recordAnchors("id card", 4));
    const nodes = batch.tree.dump().tree as Hex32[];
    const [left, right] = [nodes[3], nodes[4]].sort() as [Hex32, Hex32];
    const node = { recordHash: left, subjectRef: right, credentialType: 0, validFrom: 0, validUntil: 0 };
    const proof = nodes.slice(2, 3);
    expect(await statusIn(batch, node, proof)).toBe(RecordStatus.Unknown);
    const records = asIssuer();
    await expectRevert(
      records.registerBatchRecord(batch.root, node, proof),
      records,
      "CredentialRegistryInvalidProofLength",
      [batch.root, 4, 1],
    );
  });

  it("holds a batch to its record count: a root declared as one record proves none of the four under it", async () => {
    const anchors = recordAnchors("id card", 4);
    const batch = recordBatch(anchors);
    const records = asIssuer();
    await (await records.anchorBatch(batch.root, 1)).wait();
    for (let i = 0; i < anchors.length; i++) {
      const [card, proof] = batch.leaf(i);
      expect(await statusIn(batch, card, proof)).toBe(RecordStatus.Unknown);
      await expectRevert(
        records.registerBatchRecord(batch.root, card, proof),
        records,
        "CredentialRegistryInvalidProofLength",
        [batch.root, 1, 2],
      );
    }
  });

  it("takes every proof length a standard tree of the declared count has, and no other", async () => {
    for (const count of [1, 2, 3, 5, 8, 9]) {
      const anchors = recordAnchors(`batch of ${count}`, count);
      const batch = await anchorRecordBatch(asIssuer(), anchors);
      for (let i = 0; i < count; i++)
        expect(await statusIn(batch, ...batch.leaf(i)), `${i} of ${count}`).toBe(RecordStatus.Valid);
    }
  });

  it("reports Unknown for a proof checked against another batch's root", async () => {
    const batch = await anchorRecordBatch(asIssuer(), recordAnchors("id card", 4));
    const other = await anchorRecordBatch(asIssuer(), recordAnchors("other id card", 4));
    expect(await statusIn(other, ...batch.leaf(0))).toBe(RecordStatus.Unknown);
  });

  it("reports Unknown with empty evidence for a valid proof under a root nobody anchored", async () => {
    const batch = recordBatch(recordAnchors("id card", 4));
    expect(await batchStatusOf(f.registries.records, f.ids.psb, batch.root, ...batch.leaf(0))).toEqual({
      status: RecordStatus.Unknown,
      evidence: evidence(),
    });
  });

  it("reports Unknown with empty evidence when read under another issuer than the one that anchored the batch", async () => {
    const batch = await anchorRecordBatch(asIssuer(), recordAnchors("id card", 4));
    for (const issuer of [0, f.ids.market, f.ids.tobacco, 99]) {
      expect(await batchStatusOf(f.registries.records, issuer, batch.root, ...batch.leaf(0))).toEqual({
        status: RecordStatus.Unknown,
        evidence: evidence(),
      });
    }
    expect(await statusIn(batch, ...batch.leaf(0))).toBe(RecordStatus.Valid);
  });

  it("reports Unknown when the leaf's values differ from the ones the tree was built with", async () => {
    const batch = await anchorRecordBatch(asIssuer(), recordAnchors("id card", 4, { validUntil: 2_000_000_000 }));
    const [card, proof] = batch.leaf(0);
    expect(await statusIn(batch, { ...card, validUntil: 4_000_000_000 }, proof)).toBe(RecordStatus.Unknown);
  });

  it("reports IssuerNotAuthorised for a leaf of a type the batch's department does not issue", async () => {
    const licences = recordAnchors("licence", 2, { credentialType: f.ids.businessLicence });
    const batch = await anchorRecordBatch(asIssuer(), licences);
    expect(await batchStatusOf(asIssuer(), f.ids.psb, batch.root, ...batch.leaf(1))).toMatchObject({
      status: RecordStatus.IssuerNotAuthorised,
      evidence: { issuer: 1n, credentialType: 2n },
    });
  });

  it("reports a batched record Valid at its validUntil and Expired one second later", async () => {
    const validUntil = (await f.latestTimestamp()) + 1000;
    const batch = await anchorRecordBatch(asIssuer(), recordAnchors("id card", 3, { validUntil }));
    await mineBlockAt(f.connection, validUntil);
    expect(await statusIn(batch, ...batch.leaf(2))).toBe(RecordStatus.Valid);
    await mineBlockAt(f.connection, validUntil + 1);
    expect(await statusIn(batch, ...batch.leaf(2))).toBe(RecordStatus.Expired);
  });
});

describe("a batch of 1,024 records", () => {
  it("anchors, verifies, registers and revokes its records each within the transaction gas cap", async () => {
    const f = await registryFixture();
    const records = f.registries.records.connect(f.issuer);
    const batch = recordBatch(recordAnchors("id card", 1024));
    const anchored = await (await records.anchorBatch(batch.root, 1024)).wait();
    expect(anchored?.gasUsed).toBeLessThan(TRANSACTION_GAS_CAP);
    for (const i of [0, 511, 1023]) {
      const [card, proof] = batch.leaf(i);
      expect(proof).toHaveLength(10);
      expect((await batchStatusOf(records, f.ids.psb, batch.root, card, proof)).status).toBe(RecordStatus.Valid);
      expect(await records.batchRecordStatus.estimateGas(f.ids.psb, batch.root, card, proof)).toBeLessThan(
        TRANSACTION_GAS_CAP,
      );
      expect(await records.registerBatchRecord.estimateGas(batch.root, card, proof)).toBeLessThan(TRANSACTION_GAS_CAP);
      const revoked = await (await records.revokeBatchRecord(batch.root, card, proof, 1)).wait();
      expect(revoked?.gasUsed).toBeLessThan(TRANSACTION_GAS_CAP);
    }
  });
});

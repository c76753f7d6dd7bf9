// CredentialRecordRegistry batched records: registering one record of a batch individually, and revoking it.
import { ZeroHash } from "ethers";
import { beforeEach, describe, expect, it } from "vitest";
import { type RegistryFixture, registryFixture } from "../support/chain.ts";
import { eventsOf, expectEvent } from "../support/events.ts";
import {
  anchorArgs,
  anchorRecordBatch,
  batchStatusOf,
  evidence,
  type RecordBatch,
  RecordStatus,
  recordAnchors,
  recordBatch,
  statusOf,
  UINT40_MAX,
} from "../support/records.ts";
import { expectRevert } from "../support/reverts.ts";

const REASON_WITHDRAWN = 3;

let f: RegistryFixture;
/** Four resident ID cards anchored as one batch by psb. */
let batch: RecordBatch;
let anchoredAt: bigint;

beforeEach(async () => {
  f = await registryFixture();
  batch = await anchorRecordBatch(
    f.registries.records.connect(f.issuer),
    recordAnchors("id card", 4, { validUntil: 4_000_000_000 }),
  );
  anchoredAt = BigInt(await f.latestTimestamp());
});

describe("CredentialRecordRegistry batch leaves that could never be anchored singly", () => {
  it("refuses a leaf with a zero record hash, which reads Unknown, so that nothing can be superseded by it", async () => {
    const anchors = recordAnchors("id card", 4);
    anchors[1] = { ...(anchors[1] as (typeof anchors)[number]), recordHash: ZeroHash as `0x${string}` };
    const zeroed = await anchorRecordBatch(f.registries.records.connect(f.issuer), anchors);
    const records = f.registries.records.connect(f.issuer);
    const [leaf, proof] = zeroed.leaf(1);
    expect((await batchStatusOf(records, f.ids.psb, zeroed.root, leaf, proof)).status).toBe(RecordStatus.Unknown);
    await expectRevert(
      records.registerBatchRecord(zeroed.root, leaf, proof),
      records,
      "CredentialRegistryEmptyRecordHash",
      [],
    );
    await expectRevert(
      records.revokeBatchRecord(zeroed.root, leaf, proof, REASON_WITHDRAWN),
      records,
      "CredentialRegistryEmptyRecordHash",
      [],
    );
    // An older record stays supersedable only by a record that exists: the zero hash never does.
    const [older, olderProof] = zeroed.leaf(0);
    await (await records.registerBatchRecord(zeroed.root, older, olderProof)).wait();
    await expectRevert(records.supersede(older.recordHash, ZeroHash), records, "CredentialRegistryUnknownRecord", [
      ZeroHash,
    ]);
    expect((await statusOf(records, f.ids.psb, older.recordHash)).status).toBe(RecordStatus.Valid);
  });

  it("refuses a leaf whose validity ends before it starts, as anchor does", async () => {
    const inverted = recordAnchors("inverted id card", 2, { validFrom: 2_000_000_000, validUntil: 1_900_000_000 });
    const batch2 = await anchorRecordBatch(f.registries.records.connect(f.issuer), inverted);
    const records = f.registries.records.connect(f.issuer);
    const [leaf, proof] = batch2.leaf(0);
    await expectRevert(
      records.revokeBatchRecord(batch2.root, leaf, proof, REASON_WITHDRAWN),
      records,
      "CredentialRegistryInvalidValidity",
      [2_000_000_000, 1_900_000_000],
    );
    expect((await batchStatusOf(records, f.ids.psb, batch2.root, leaf, proof)).status).toBe(RecordStatus.Unknown);
  });
});

describe("CredentialRecordRegistry.registerBatchRecord", () => {
  it("registers a batched record under its batch, with the batch's issuer and anchoring time", async () => {
    const records = f.registries.records.connect(f.issuer);
    const [card, proof] = batch.leaf(1);
    await expectEvent(
      records.registerBatchRecord(batch.root, card, proof),
      records,
      "CredentialBatchRecordRegistered",
      [card.recordHash, batch.root, card.subjectRef, f.ids.psb, card.credentialType, card.validFrom, card.validUntil],
    );
    const expected = {
      status: RecordStatus.Valid,
      evidence: evidence({
        issuer: 1n,
        credentialType: 1n,
        anchoredAt,
        validUntil: 4_000_000_000n,
        batchRoot: batch.root,
      }),
    };
    expect(await statusOf(records, f.ids.psb, card.recordHash)).toEqual(expected);
    expect(await batchStatusOf(records, f.ids.psb, batch.root, card, proof)).toEqual(expected);
  });

  it("reverts with CredentialRegistryUnknownBatch when another department registers the record: it has no batch under the root", async () => {
    const records = f.registries.records.connect(f.otherDepartment);
    const [card, proof] = batch.leaf(1);
    await expectRevert(
      records.registerBatchRecord(batch.root, card, proof),
      records,
      "CredentialRegistryUnknownBatch",
      [batch.root],
    );
    for (const issuer of [f.ids.psb, f.ids.market]) {
      expect((await statusOf(records, issuer, card.recordHash)).status).toBe(RecordStatus.Unknown);
    }
  });

  it("reverts with CredentialRegistryDepartmentSuspended when a suspended department registers the record", async () => {
    const records = f.registries.records.connect(f.suspendedDepartment);
    const [card, proof] = batch.leaf(1);
    await expectRevert(
      records.registerBatchRecord(batch.root, card, proof),
      records,
      "CredentialRegistryDepartmentSuspended",
      [f.ids.tobacco],
    );
  });

  it.each(["operator", "outsider"] as const)(
    "reverts with CredentialRegistryNotDepartmentSigner when the %s registers the record",
    async (role) => {
      const records = f.registries.records.connect(f[role]);
      const [card, proof] = batch.leaf(1);
      await expectRevert(
        records.registerBatchRecord(batch.root, card, proof),
        records,
        "CredentialRegistryNotDepartmentSigner",
        [f[role].address],
      );
    },
  );

  it("reverts with CredentialRegistryUnknownBatch when no batch has the root", async () => {
    const records = f.registries.records.connect(f.issuer);
    const [card] = batch.leaf(1);
    const unanchored = recordBatch([card]);
    await expectRevert(
      records.registerBatchRecord(unanchored.root, card, []),
      records,
      "CredentialRegistryUnknownBatch",
      [unanchored.root],
    );
  });

  it("reverts with CredentialRegistryInvalidProof when the proof is another record's", async () => {
    const records = f.registries.records.connect(f.issuer);
    const [card] = batch.leaf(1);
    await expectRevert(
      records.registerBatchRecord(batch.root, card, batch.tree.getProof(2)),
      records,
      "CredentialRegistryInvalidProof",
      [batch.root, card.recordHash],
    );
  });

  it("reverts with CredentialRegistryAlreadyAnchored when the record is registered twice", async () => {
    const records = f.registries.records.connect(f.issuer);
    const [card, proof] = batch.leaf(1);
    await (await records.registerBatchRecord(batch.root, card, proof)).wait();
    await expectRevert(
      records.registerBatchRecord(batch.root, card, proof),
      records,
      "CredentialRegistryAlreadyAnchored",
      [card.recordHash],
    );
  });
});

describe("CredentialRecordRegistry.revokeBatchRecord", () => {
  it("registers and revokes a batched record in one step, read Revoked through both status views", async () => {
    const records = f.registries.records.connect(f.issuer);
    const [card, proof] = batch.leaf(2);
    const tx = records.revokeBatchRecord(batch.root, card, proof, REASON_WITHDRAWN);
    await expectEvent(tx, records, "CredentialBatchRecordRegistered", [
      card.recordHash,
      batch.root,
      card.subjectRef,
      f.ids.psb,
      card.credentialType,
      card.validFrom,
      card.validUntil,
    ]);
    await expectEvent(tx, records, "CredentialRevoked", [card.recordHash, f.ids.psb, REASON_WITHDRAWN]);
    const expected = {
      status: RecordStatus.Revoked,
      evidence: evidence({
        issuer: 1n,
        credentialType: 1n,
        anchoredAt,
        validUntil: 4_000_000_000n,
        revokedAt: BigInt(await f.latestTimestamp()),
        revocationReason: BigInt(REASON_WITHDRAWN),
        batchRoot: batch.root,
      }),
    };
    expect(await statusOf(records, f.ids.psb, card.recordHash)).toEqual(expected);
    expect(await batchStatusOf(records, f.ids.psb, batch.root, card, proof)).toEqual(expected);
    expect((await batchStatusOf(records, f.ids.psb, batch.root, ...batch.leaf(3))).status).toBe(RecordStatus.Valid);
  });

  it("revokes a batched record registered earlier without registering it again", async () => {
    const records = f.registries.records.connect(f.issuer);
    const [card, proof] = batch.leaf(2);
    await (await records.registerBatchRecord(batch.root, card, proof)).wait();
    const tx = records.revokeBatchRecord(batch.root, card, proof, REASON_WITHDRAWN);
    expect(await eventsOf(tx, records, "CredentialBatchRecordRegistered")).toEqual([]);
    expect((await statusOf(records, f.ids.psb, card.recordHash)).status).toBe(RecordStatus.Revoked);
  });

  it("revokes a registered batched record through revokeRecord, like a single record", async () => {
    const records = f.registries.records.connect(f.issuer);
    const [card, proof] = batch.leaf(2);
    await (await records.registerBatchRecord(batch.root, card, proof)).wait();
    await expectEvent(records.revokeRecord(card.recordHash, REASON_WITHDRAWN), records, "CredentialRevoked", [
      card.recordHash,
      f.ids.psb,
      REASON_WITHDRAWN,
    ]);
    expect(await batchStatusOf(records, f.ids.psb, batch.root, card, proof)).toMatchObject({
      status: RecordStatus.Revoked,
      evidence: { batchRoot: batch.root, revocationReason: BigInt(REASON_WITHDRAWN) },
    });
  });

  it("reverts with CredentialRegistryUnknownRecord when revokeRecord names a batched record not yet registered", async () => {
    const records = f.registries.records.connect(f.issuer);
    const [card, proof] = batch.leaf(2);
    await expectRevert(
      records.revokeRecord(card.recordHash, REASON_WITHDRAWN),
      records,
      "CredentialRegistryUnknownRecord",
      [card.recordHash],
    );
    expect((await batchStatusOf(records, f.ids.psb, batch.root, card, proof)).status).toBe(RecordStatus.Valid);
  });

  it("reverts with CredentialRegistryUnknownBatch when another department revokes a batched record: it has no batch under the root", async () => {
    const records = f.registries.records.connect(f.otherDepartment);
    const [card, proof] = batch.leaf(2);
    await expectRevert(
      records.revokeBatchRecord(batch.root, card, proof, REASON_WITHDRAWN),
      records,
      "CredentialRegistryUnknownBatch",
      [batch.root],
    );
    expect((await batchStatusOf(records, f.ids.psb, batch.root, card, proof)).status).toBe(RecordStatus.Valid);
    for (const issuer of [f.ids.psb, f.ids.market]) {
      expect((await statusOf(records, issuer, card.recordHash)).status).toBe(RecordStatus.Unknown);
    }
  });

  it("reverts with CredentialRegistryUnknownBatch when another department revokes a registered batched record", async () => {
    const [card, proof] = batch.leaf(2);
    await (await f.registries.records.connect(f.issuer).registerBatchRecord(batch.root, card, proof)).wait();
    const records = f.registries.records.connect(f.otherDepartment);
    await expectRevert(
      records.revokeBatchRecord(batch.root, card, proof, REASON_WITHDRAWN),
      records,
      "CredentialRegistryUnknownBatch",
      [batch.root],
    );
    await expectRevert(
      records.revokeRecord(card.recordHash, REASON_WITHDRAWN),
      records,
      "CredentialRegistryUnknownRecord",
      [card.recordHash],
    );
    expect((await statusOf(records, f.ids.psb, card.recordHash)).status).toBe(RecordStatus.Valid);
  });

  it("reverts with CredentialRegistryDepartmentSuspended when a suspended department revokes a batched record", async () => {
    const records = f.registries.records.connect(f.suspendedDepartment);
    const [card, proof] = batch.leaf(2);
    await expectRevert(
      records.revokeBatchRecord(batch.root, card, proof, REASON_WITHDRAWN),
      records,
      "CredentialRegistryDepartmentSuspended",
      [f.ids.tobacco],
    );
  });

  it.each(["operator", "outsider"] as const)(
    "reverts with CredentialRegistryNotDepartmentSigner when the %s revokes a batched record",
    async (role) => {
      const records = f.registries.records.connect(f[role]);
      const [card, proof] = batch.leaf(2);
      await expectRevert(
        records.revokeBatchRecord(batch.root, card, proof, REASON_WITHDRAWN),
        records,
        "CredentialRegistryNotDepartmentSigner",
        [f[role].address],
      );
    },
  );

  it("reverts with CredentialRegistryUnknownBatch when no batch has the root", async () => {
    const records = f.registries.records.connect(f.issuer);
    const [card] = batch.leaf(2);
    const unanchored = recordBatch([card]);
    await expectRevert(
      records.revokeBatchRecord(unanchored.root, card, [], REASON_WITHDRAWN),
      records,
      "CredentialRegistryUnknownBatch",
      [unanchored.root],
    );
  });

  it("reverts with CredentialRegistryInvalidProof when an unregistered record's proof does not hold", async () => {
    const records = f.registries.records.connect(f.issuer);
    const [card] = batch.leaf(2);
    await expectRevert(
      records.revokeBatchRecord(batch.root, card, batch.tree.getProof(0), REASON_WITHDRAWN),
      records,
      "CredentialRegistryInvalidProof",
      [batch.root, card.recordHash],
    );
  });

  it("reverts with CredentialRegistryInvalidProof when a registered record's proof does not hold", async () => {
    const records = f.registries.records.connect(f.issuer);
    const [card, proof] = batch.leaf(2);
    await (await records.registerBatchRecord(batch.root, card, proof)).wait();
    await expectRevert(
      records.revokeBatchRecord(batch.root, card, batch.tree.getProof(0), REASON_WITHDRAWN),
      records,
      "CredentialRegistryInvalidProof",
      [batch.root, card.recordHash],
    );
    await expectRevert(
      records.revokeBatchRecord(batch.root, { ...card, validUntil: 0 }, proof, REASON_WITHDRAWN),
      records,
      "CredentialRegistryInvalidProof",
      [batch.root, card.recordHash],
    );
    expect((await statusOf(records, f.ids.psb, card.recordHash)).status).toBe(RecordStatus.Valid);
  });

  it("reverts with CredentialRegistryAlreadyRevoked when a batched record is revoked twice", async () => {
    const records = f.registries.records.connect(f.issuer);
    const [card, proof] = batch.leaf(2);
    await (await records.revokeBatchRecord(batch.root, card, proof, REASON_WITHDRAWN)).wait();
    await expectRevert(
      records.revokeBatchRecord(batch.root, card, proof, REASON_WITHDRAWN),
      records,
      "CredentialRegistryAlreadyRevoked",
      [card.recordHash],
    );
  });
});

describe("CredentialRecordRegistry batched records in their issuer's namespace", () => {
  /** market anchors, as a business licence of its own, the hash of the batch's record `i`. */
  async function anchorSameHashAsMarket(i: number) {
    const [card] = batch.leaf(i);
    const market = f.registries.records.connect(f.otherDepartment);
    await (await market.anchor(...anchorArgs({ ...card, credentialType: f.ids.businessLicence }))).wait();
    return evidence({
      issuer: 2n,
      credentialType: 2n,
      anchoredAt: BigInt(await f.latestTimestamp()),
      validUntil: 4_000_000_000n,
    });
  }

  it("another department anchoring a batched record's hash does not stop its issuer from registering and revoking it", async () => {
    const marketsOwn = await anchorSameHashAsMarket(0);
    const records = f.registries.records.connect(f.issuer);
    const [card, proof] = batch.leaf(0);
    await expectEvent(
      records.registerBatchRecord(batch.root, card, proof),
      records,
      "CredentialBatchRecordRegistered",
      [card.recordHash, batch.root, card.subjectRef, f.ids.psb, card.credentialType, card.validFrom, card.validUntil],
    );
    await expectEvent(
      records.revokeBatchRecord(batch.root, card, proof, REASON_WITHDRAWN),
      records,
      "CredentialRevoked",
      [card.recordHash, f.ids.psb, REASON_WITHDRAWN],
    );
    const revoked = {
      status: RecordStatus.Revoked,
      evidence: evidence({
        issuer: 1n,
        credentialType: 1n,
        anchoredAt,
        validUntil: 4_000_000_000n,
        revokedAt: BigInt(await f.latestTimestamp()),
        revocationReason: BigInt(REASON_WITHDRAWN),
        batchRoot: batch.root,
      }),
    };
    expect(await statusOf(records, f.ids.psb, card.recordHash)).toEqual(revoked);
    expect(await batchStatusOf(records, f.ids.psb, batch.root, card, proof)).toEqual(revoked);
    expect(await statusOf(records, f.ids.market, card.recordHash)).toEqual({
      status: RecordStatus.Valid,
      evidence: marketsOwn,
    });
  });

  it("another department anchoring a batched record's hash does not stop its issuer from revoking it in one step", async () => {
    const marketsOwn = await anchorSameHashAsMarket(1);
    const records = f.registries.records.connect(f.issuer);
    const [card, proof] = batch.leaf(1);
    const tx = records.revokeBatchRecord(batch.root, card, proof, REASON_WITHDRAWN);
    await expectEvent(tx, records, "CredentialBatchRecordRegistered", [
      card.recordHash,
      batch.root,
      card.subjectRef,
      f.ids.psb,
      card.credentialType,
      card.validFrom,
      card.validUntil,
    ]);
    await expectEvent(tx, records, "CredentialRevoked", [card.recordHash, f.ids.psb, REASON_WITHDRAWN]);
    expect((await statusOf(records, f.ids.psb, card.recordHash)).status).toBe(RecordStatus.Revoked);
    expect((await batchStatusOf(records, f.ids.psb, batch.root, card, proof)).status).toBe(RecordStatus.Revoked);
    expect(await statusOf(records, f.ids.market, card.recordHash)).toEqual({
      status: RecordStatus.Valid,
      evidence: marketsOwn,
    });
  });

  it("reads a batched record by its own batch's facts when another department anchored the same hash singly", async () => {
    await anchorSameHashAsMarket(0);
    const [card, proof] = batch.leaf(0);
    expect(await batchStatusOf(f.registries.records, f.ids.psb, batch.root, card, proof)).toEqual({
      status: RecordStatus.Valid,
      evidence: evidence({
        issuer: 1n,
        credentialType: 1n,
        anchoredAt,
        validUntil: 4_000_000_000n,
        batchRoot: batch.root,
      }),
    });
    expect((await statusOf(f.registries.records, f.ids.psb, card.recordHash)).status).toBe(RecordStatus.Unknown);
  });

  it("lets the department that anchored a hash singly keep and revoke its own record, whoever batches the hash", async () => {
    const marketsOwn = await anchorSameHashAsMarket(2);
    const [card, proof] = batch.leaf(2);
    await (await f.registries.records.connect(f.issuer).revokeBatchRecord(batch.root, card, proof, 1)).wait();
    const market = f.registries.records.connect(f.otherDepartment);
    expect(await statusOf(market, f.ids.market, card.recordHash)).toEqual({
      status: RecordStatus.Valid,
      evidence: marketsOwn,
    });
    await (await market.revokeRecord(card.recordHash, REASON_WITHDRAWN)).wait();
    expect(await statusOf(market, f.ids.market, card.recordHash)).toMatchObject({
      status: RecordStatus.Revoked,
      evidence: { issuer: 2n, batchRoot: ZeroHash, revocationReason: BigInt(REASON_WITHDRAWN) },
    });
    expect((await statusOf(market, f.ids.psb, card.recordHash)).evidence.revocationReason).toBe(1n);
  });

  it("a batched record valid beyond 2^40 seconds can be registered and revoked", async () => {
    const records = f.registries.records.connect(f.issuer);
    const endless = await anchorRecordBatch(
      records,
      recordAnchors("endless id card", 2, { validUntil: UINT40_MAX + 1 }),
    );
    const endlessAnchoredAt = BigInt(await f.latestTimestamp());
    const [card, proof] = endless.leaf(0);
    const valid = {
      status: RecordStatus.Valid,
      evidence: evidence({
        issuer: 1n,
        credentialType: 1n,
        anchoredAt: endlessAnchoredAt,
        validUntil: BigInt(UINT40_MAX),
        batchRoot: endless.root,
      }),
    };
    expect(await batchStatusOf(records, f.ids.psb, endless.root, card, proof)).toEqual(valid);
    await (await records.registerBatchRecord(endless.root, card, proof)).wait();
    expect(await statusOf(records, f.ids.psb, card.recordHash)).toEqual(valid);
    expect(await batchStatusOf(records, f.ids.psb, endless.root, card, proof)).toEqual(valid);
    await (await records.revokeBatchRecord(endless.root, card, proof, REASON_WITHDRAWN)).wait();
    const revoked = {
      status: RecordStatus.Revoked,
      evidence: {
        ...valid.evidence,
        revokedAt: BigInt(await f.latestTimestamp()),
        revocationReason: BigInt(REASON_WITHDRAWN),
      },
    };
    expect(await statusOf(records, f.ids.psb, card.recordHash)).toEqual(revoked);
    expect(await batchStatusOf(records, f.ids.psb, endless.root, card, proof)).toEqual(revoked);
  });

  it("saturates validity up to uint64 max at 2^40 - 1, for validFrom and validUntil alike, and revokes in one step", async () => {
    const records = f.registries.records.connect(f.issuer);
    // RecordAnchor types validity as a number, which cannot hold 2^64 - 1; the leaf and call encoders take a bigint.
    const UINT64_MAX = (2n ** 64n - 1n) as unknown as number;
    const far = await anchorRecordBatch(records, [
      ...recordAnchors("far id card", 1, { validUntil: UINT64_MAX }),
      ...recordAnchors("late id card", 1, { validFrom: UINT64_MAX, validUntil: UINT64_MAX }),
    ]);
    const [endless, endlessProof] = far.leaf(0);
    const [late, lateProof] = far.leaf(1);
    expect(await batchStatusOf(records, f.ids.psb, far.root, endless, endlessProof)).toMatchObject({
      status: RecordStatus.Valid,
      evidence: { validFrom: 0n, validUntil: BigInt(UINT40_MAX) },
    });
    expect(await batchStatusOf(records, f.ids.psb, far.root, late, lateProof)).toMatchObject({
      status: RecordStatus.NotYetValid,
      evidence: { validFrom: BigInt(UINT40_MAX), validUntil: BigInt(UINT40_MAX) },
    });
    for (const [card, proof] of [far.leaf(0), far.leaf(1)]) {
      await (await records.revokeBatchRecord(far.root, card, proof, REASON_WITHDRAWN)).wait();
    }
    expect(await statusOf(records, f.ids.psb, late.recordHash)).toMatchObject({
      status: RecordStatus.Revoked,
      evidence: { validFrom: BigInt(UINT40_MAX), validUntil: BigInt(UINT40_MAX), batchRoot: far.root },
    });
    expect((await batchStatusOf(records, f.ids.psb, far.root, endless, endlessProof)).status).toBe(
      RecordStatus.Revoked,
    );
  });
});

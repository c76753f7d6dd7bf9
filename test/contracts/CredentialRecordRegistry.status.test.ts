// CredentialRecordRegistry status: which verdict wins when several apply, validity boundaries, issuer standing.
import { beforeEach, describe, expect, it } from "vitest";
import type { RecordAnchor } from "../../lib/encoding/recordLeaf.ts";
import { mineBlockAt, type RegistryFixture, registryFixture } from "../support/chain.ts";
import {
  anchorArgs,
  anchorRecordBatch,
  batchStatusOf,
  type RecordBatch,
  RecordStatus,
  recordAnchor,
  recordAnchors,
  statusOf,
} from "../support/records.ts";
import { expectRevert } from "../support/reverts.ts";

let f: RegistryFixture;

beforeEach(async () => {
  f = await registryFixture();
});

const asIssuer = () => f.registries.records.connect(f.issuer);

async function anchored(record: RecordAnchor): Promise<RecordAnchor> {
  await (await asIssuer().anchor(...anchorArgs(record))).wait();
  return record;
}

/** psb anchors a batch of business licences, a type it does not issue, and registers every record of it. */
async function registeredLicences(count: number): Promise<RecordAnchor[]> {
  const licences = recordAnchors("licence", count, { credentialType: f.ids.businessLicence });
  const batch = await anchorRecordBatch(asIssuer(), licences);
  for (const i of licences.keys()) {
    await (await asIssuer().registerBatchRecord(batch.root, ...batch.leaf(i))).wait();
  }
  return licences;
}

const status = async (record: RecordAnchor) =>
  (await statusOf(f.registries.records, f.ids.psb, record.recordHash)).status;
const batchStatus = async (batch: RecordBatch, i: number) =>
  (await batchStatusOf(f.registries.records, f.ids.psb, batch.root, ...batch.leaf(i))).status;
const suspendPsb = async () => (await f.registries.departments.suspendDepartment(f.ids.psb)).wait();

describe("CredentialRecordRegistry status order", () => {
  it("reports Revoked over Superseded", async () => {
    const [old, newer] = [await anchored(recordAnchor("old")), await anchored(recordAnchor("new"))];
    await (await asIssuer().supersede(old.recordHash, newer.recordHash)).wait();
    await (await asIssuer().revokeRecord(old.recordHash, 1)).wait();
    expect(await statusOf(f.registries.records, f.ids.psb, old.recordHash)).toMatchObject({
      status: RecordStatus.Revoked,
      evidence: { supersededBy: newer.recordHash },
    });
  });

  it("reports Superseded over IssuerNotAuthorised", async () => {
    const [old, newer] = (await registeredLicences(2)) as [RecordAnchor, RecordAnchor];
    await (await asIssuer().supersede(old.recordHash, newer.recordHash)).wait();
    expect(await status(old)).toBe(RecordStatus.Superseded);
    expect(await status(newer)).toBe(RecordStatus.IssuerNotAuthorised);
  });

  it("reports IssuerNotAuthorised over IssuerSuspended", async () => {
    const [licence] = (await registeredLicences(1)) as [RecordAnchor];
    await suspendPsb();
    expect(await status(licence)).toBe(RecordStatus.IssuerNotAuthorised);
  });

  it("reports IssuerSuspended over Expired", async () => {
    const validUntil = (await f.latestTimestamp()) + 10;
    const card = await anchored(recordAnchor("id card", { validUntil }));
    await mineBlockAt(f.connection, validUntil + 100);
    expect(await status(card)).toBe(RecordStatus.Expired);
    await suspendPsb();
    expect(await status(card)).toBe(RecordStatus.IssuerSuspended);
  });

  it("reports Unknown for a batched record whose validity ends before it starts, as no single anchor takes one", async () => {
    const now = await f.latestTimestamp();
    const inverted = recordAnchors("id card", 2, { validFrom: now + 1000, validUntil: now + 10 });
    const batch = await anchorRecordBatch(asIssuer(), inverted);
    await mineBlockAt(f.connection, now + 100);
    expect(await batchStatus(batch, 0)).toBe(RecordStatus.Unknown);
    const [leaf, proof] = batch.leaf(0);
    await expectRevert(
      asIssuer().registerBatchRecord(batch.root, leaf, proof),
      asIssuer(),
      "CredentialRegistryInvalidValidity",
      [now + 1000, now + 10],
    );
  });
});

describe("CredentialRecordRegistry validity", () => {
  it("reports NotYetValid until validFrom and Valid from validFrom on", async () => {
    const validFrom = (await f.latestTimestamp()) + 1000;
    const card = await anchored(recordAnchor("id card", { validFrom }));
    expect(await status(card)).toBe(RecordStatus.NotYetValid);
    await mineBlockAt(f.connection, validFrom - 1);
    expect(await status(card)).toBe(RecordStatus.NotYetValid);
    await mineBlockAt(f.connection, validFrom);
    expect(await status(card)).toBe(RecordStatus.Valid);
  });

  it("reports a record Valid at its validUntil and Expired one second later", async () => {
    const validUntil = (await f.latestTimestamp()) + 1000;
    const card = await anchored(recordAnchor("id card", { validUntil }));
    await mineBlockAt(f.connection, validUntil);
    expect(await status(card)).toBe(RecordStatus.Valid);
    await mineBlockAt(f.connection, validUntil + 1);
    expect(await status(card)).toBe(RecordStatus.Expired);
  });

  it("never expires a record whose validUntil is 0", async () => {
    const card = await anchored(recordAnchor("id card"));
    await mineBlockAt(f.connection, Date.UTC(3000, 0, 1) / 1000);
    expect(await status(card)).toBe(RecordStatus.Valid);
  });
});

describe("CredentialRecordRegistry issuer standing", () => {
  it("reports IssuerSuspended once the issuing department is suspended, and Valid again once it is reinstated", async () => {
    const card = await anchored(recordAnchor("id card"));
    const batch = await anchorRecordBatch(asIssuer(), recordAnchors("batched id card", 2));
    await suspendPsb();
    expect([await status(card), await batchStatus(batch, 1)]).toEqual([
      RecordStatus.IssuerSuspended,
      RecordStatus.IssuerSuspended,
    ]);
    await (await f.registries.departments.reinstateDepartment(f.ids.psb)).wait();
    expect([await status(card), await batchStatus(batch, 1)]).toEqual([RecordStatus.Valid, RecordStatus.Valid]);
  });

  it("reports IssuerNotAuthorised for a batch anchored after the issuer role ended, Valid for one anchored before", async () => {
    const before = await anchorRecordBatch(asIssuer(), recordAnchors("id card before", 2));
    await (await f.registries.types.revokeIssuer(f.ids.residentId, f.ids.psb)).wait();
    const after = await anchorRecordBatch(asIssuer(), recordAnchors("id card after", 2));
    expect(await batchStatus(before, 0)).toBe(RecordStatus.Valid);
    expect(await batchStatus(after, 0)).toBe(RecordStatus.IssuerNotAuthorised);
  });
});

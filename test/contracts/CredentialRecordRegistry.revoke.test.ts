// CredentialRecordRegistry.revokeRecord: the issuing department withdraws one of its records, finally.
import { beforeEach, describe, expect, it } from "vitest";
import type { RecordAnchor } from "../../lib/encoding/recordLeaf.ts";
import { mineBlockAt, type RegistryFixture, registryFixture } from "../support/chain.ts";
import { expectEvent } from "../support/events.ts";
import { anchorArgs, evidence, RecordStatus, recordAnchor, statusOf } from "../support/records.ts";
import { expectRevert } from "../support/reverts.ts";

const REASON_ERROR = 2;

describe("CredentialRecordRegistry.revokeRecord", () => {
  let f: RegistryFixture;
  let card: RecordAnchor;
  let anchoredAt: bigint;

  beforeEach(async () => {
    f = await registryFixture();
    card = recordAnchor("id card", { validUntil: (await f.latestTimestamp()) + 86_400 });
    await (await f.registries.records.connect(f.issuer).anchor(...anchorArgs(card))).wait();
    anchoredAt = BigInt(await f.latestTimestamp());
  });

  it("revokes a record of the caller's department, recording when and why", async () => {
    const records = f.registries.records.connect(f.issuer);
    await expectEvent(records.revokeRecord(card.recordHash, REASON_ERROR), records, "CredentialRevoked", [
      card.recordHash,
      f.ids.psb,
      REASON_ERROR,
    ]);
    expect(await statusOf(records, f.ids.psb, card.recordHash)).toEqual({
      status: RecordStatus.Revoked,
      evidence: evidence({
        issuer: 1n,
        credentialType: 1n,
        anchoredAt,
        validUntil: BigInt(card.validUntil),
        revokedAt: BigInt(await f.latestTimestamp()),
        revocationReason: BigInt(REASON_ERROR),
      }),
    });
  });

  it("reverts with CredentialRegistryUnknownRecord when another department revokes the record, not in its namespace", async () => {
    const records = f.registries.records.connect(f.otherDepartment);
    await expectRevert(
      records.revokeRecord(card.recordHash, REASON_ERROR),
      records,
      "CredentialRegistryUnknownRecord",
      [card.recordHash],
    );
    expect((await statusOf(records, f.ids.psb, card.recordHash)).status).toBe(RecordStatus.Valid);
  });

  it("revokes only the caller's record when another department anchored the same hash", async () => {
    const licence = { ...card, credentialType: f.ids.businessLicence };
    const market = f.registries.records.connect(f.otherDepartment);
    await (await market.anchor(...anchorArgs(licence))).wait();
    await expectEvent(market.revokeRecord(card.recordHash, REASON_ERROR), market, "CredentialRevoked", [
      card.recordHash,
      f.ids.market,
      REASON_ERROR,
    ]);
    expect(await statusOf(market, f.ids.market, card.recordHash)).toMatchObject({
      status: RecordStatus.Revoked,
      evidence: { issuer: 2n, revokedAt: BigInt(await f.latestTimestamp()), revocationReason: BigInt(REASON_ERROR) },
    });
    expect(await statusOf(market, f.ids.psb, card.recordHash)).toEqual({
      status: RecordStatus.Valid,
      evidence: evidence({ issuer: 1n, credentialType: 1n, anchoredAt, validUntil: BigInt(card.validUntil) }),
    });
    await (await f.registries.records.connect(f.issuer).revokeRecord(card.recordHash, 1)).wait();
    expect((await statusOf(market, f.ids.psb, card.recordHash)).evidence.revocationReason).toBe(1n);
    expect((await statusOf(market, f.ids.market, card.recordHash)).evidence.revocationReason).toBe(
      BigInt(REASON_ERROR),
    );
  });

  it.each(["operator", "outsider"] as const)(
    "reverts with CredentialRegistryNotDepartmentSigner when the %s revokes the record",
    async (role) => {
      const records = f.registries.records.connect(f[role]);
      await expectRevert(
        records.revokeRecord(card.recordHash, REASON_ERROR),
        records,
        "CredentialRegistryNotDepartmentSigner",
        [f[role].address],
      );
    },
  );

  it("reverts with CredentialRegistryDepartmentSuspended when a suspended department revokes the record", async () => {
    const records = f.registries.records.connect(f.suspendedDepartment);
    await expectRevert(
      records.revokeRecord(card.recordHash, REASON_ERROR),
      records,
      "CredentialRegistryDepartmentSuspended",
      [f.ids.tobacco],
    );
  });

  it("reverts with CredentialRegistryDepartmentSuspended when the issuing department is suspended", async () => {
    await (await f.registries.departments.suspendDepartment(f.ids.psb)).wait();
    const records = f.registries.records.connect(f.issuer);
    await expectRevert(
      records.revokeRecord(card.recordHash, REASON_ERROR),
      records,
      "CredentialRegistryDepartmentSuspended",
      [f.ids.psb],
    );
  });

  it("lets the issuing department revoke after its issuer role for the type ended", async () => {
    await (await f.registries.types.revokeIssuer(f.ids.residentId, f.ids.psb)).wait();
    await (await f.registries.records.connect(f.issuer).revokeRecord(card.recordHash, REASON_ERROR)).wait();
    expect((await statusOf(f.registries.records, f.ids.psb, card.recordHash)).status).toBe(RecordStatus.Revoked);
  });

  it("reverts with CredentialRegistryUnknownRecord when the record was never anchored", async () => {
    const records = f.registries.records.connect(f.issuer);
    const unknown = recordAnchor("never anchored");
    await expectRevert(
      records.revokeRecord(unknown.recordHash, REASON_ERROR),
      records,
      "CredentialRegistryUnknownRecord",
      [unknown.recordHash],
    );
  });

  it("reverts with CredentialRegistryAlreadyRevoked when the record is revoked twice, keeping the first revocation", async () => {
    const records = f.registries.records.connect(f.issuer);
    await (await records.revokeRecord(card.recordHash, REASON_ERROR)).wait();
    const first = await statusOf(records, f.ids.psb, card.recordHash);
    await expectRevert(records.revokeRecord(card.recordHash, 9), records, "CredentialRegistryAlreadyRevoked", [
      card.recordHash,
    ]);
    expect(await statusOf(records, f.ids.psb, card.recordHash)).toEqual(first);
  });

  it("keeps a revoked record Revoked after its validity ends and after a suspension is lifted", async () => {
    const records = f.registries.records.connect(f.issuer);
    await (await records.revokeRecord(card.recordHash, REASON_ERROR)).wait();
    await mineBlockAt(f.connection, card.validUntil + 365 * 86_400);
    expect((await statusOf(records, f.ids.psb, card.recordHash)).status).toBe(RecordStatus.Revoked);
    await (await f.registries.departments.suspendDepartment(f.ids.psb)).wait();
    await (await f.registries.departments.reinstateDepartment(f.ids.psb)).wait();
    expect((await statusOf(records, f.ids.psb, card.recordHash)).status).toBe(RecordStatus.Revoked);
  });
});

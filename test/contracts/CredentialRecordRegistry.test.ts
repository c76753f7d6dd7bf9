// CredentialRecordRegistry: anchoring single records, and the registry's views.
import { TypedDataEncoder, ZeroHash } from "ethers";
import { beforeEach, describe, expect, it } from "vitest";
import type { Hex32 } from "../../lib/encoding/canonical.ts";
import { type RegistryFixture, registryFixture } from "../support/chain.ts";
import { expectEvent } from "../support/events.ts";
import {
  anchorArgs,
  evidence,
  RecordStatus,
  recordAnchor,
  recordsDomain,
  statusOf,
  UINT40_MAX,
} from "../support/records.ts";
import { expectRevert } from "../support/reverts.ts";

describe("CredentialRecordRegistry.anchor", () => {
  let f: RegistryFixture;
  beforeEach(async () => {
    f = await registryFixture();
  });

  it("anchors a record of a type the department issues, emitting its subject reference and validity", async () => {
    const records = f.registries.records.connect(f.issuer);
    const now = await f.latestTimestamp();
    const card = recordAnchor("id card", { validFrom: now, validUntil: now + 3650 * 86_400 });
    await expectEvent(records.anchor(...anchorArgs(card)), records, "CredentialAnchored", [
      card.recordHash,
      card.subjectRef,
      f.ids.psb,
      f.ids.residentId,
      card.validFrom,
      card.validUntil,
    ]);
    expect(await statusOf(records, f.ids.psb, card.recordHash)).toEqual({
      status: RecordStatus.Valid,
      evidence: evidence({
        issuer: 1n,
        credentialType: 1n,
        anchoredAt: BigInt(await f.latestTimestamp()),
        validFrom: BigInt(card.validFrom),
        validUntil: BigInt(card.validUntil),
      }),
    });
  });

  it.each(["operator", "outsider"] as const)(
    "reverts with CredentialRegistryNotDepartmentSigner when the %s anchors",
    async (role) => {
      const caller = f[role];
      const records = f.registries.records.connect(caller);
      await expectRevert(
        records.anchor(...anchorArgs(recordAnchor("id card"))),
        records,
        "CredentialRegistryNotDepartmentSigner",
        [caller.address],
      );
    },
  );

  it("reverts with CredentialRegistryDepartmentSuspended when a suspended department anchors", async () => {
    const records = f.registries.records.connect(f.suspendedDepartment);
    await expectRevert(
      records.anchor(...anchorArgs(recordAnchor("id card"))),
      records,
      "CredentialRegistryDepartmentSuspended",
      [f.ids.tobacco],
    );
  });

  it("reverts with CredentialRegistryNotIssuer when a department anchors a type it does not issue", async () => {
    const records = f.registries.records.connect(f.otherDepartment);
    await expectRevert(records.anchor(...anchorArgs(recordAnchor("id card"))), records, "CredentialRegistryNotIssuer", [
      f.ids.market,
      f.ids.residentId,
    ]);
  });

  it("reverts with CredentialRegistryNotIssuer when the type does not exist", async () => {
    const records = f.registries.records.connect(f.issuer);
    await expectRevert(
      records.anchor(...anchorArgs(recordAnchor("id card", { credentialType: 99 }))),
      records,
      "CredentialRegistryNotIssuer",
      [f.ids.psb, 99],
    );
  });

  it("reverts with CredentialRegistryEmptyRecordHash when the record hash is zero", async () => {
    const records = f.registries.records.connect(f.issuer);
    await expectRevert(
      records.anchor(...anchorArgs(recordAnchor("id card", { recordHash: ZeroHash as Hex32 }))),
      records,
      "CredentialRegistryEmptyRecordHash",
      [],
    );
  });

  it("reverts with CredentialRegistryAlreadyAnchored when the department anchors the same record twice", async () => {
    const records = f.registries.records.connect(f.issuer);
    const card = recordAnchor("id card");
    await (await records.anchor(...anchorArgs(card))).wait();
    await expectRevert(records.anchor(...anchorArgs(card)), records, "CredentialRegistryAlreadyAnchored", [
      card.recordHash,
    ]);
  });

  it("anchors a hash another department already anchored as a separate record in the caller's namespace", async () => {
    const card = recordAnchor("id card");
    await (await f.registries.records.connect(f.issuer).anchor(...anchorArgs(card))).wait();
    const psbAnchoredAt = BigInt(await f.latestTimestamp());
    const records = f.registries.records.connect(f.otherDepartment);
    const licence = { ...card, credentialType: f.ids.businessLicence, validUntil: 4_000_000_000 };
    await expectEvent(records.anchor(...anchorArgs(licence)), records, "CredentialAnchored", [
      card.recordHash,
      card.subjectRef,
      f.ids.market,
      f.ids.businessLicence,
      0,
      4_000_000_000,
    ]);
    expect(await statusOf(records, f.ids.psb, card.recordHash)).toEqual({
      status: RecordStatus.Valid,
      evidence: evidence({ issuer: 1n, credentialType: 1n, anchoredAt: psbAnchoredAt }),
    });
    expect(await statusOf(records, f.ids.market, card.recordHash)).toEqual({
      status: RecordStatus.Valid,
      evidence: evidence({
        issuer: 2n,
        credentialType: 2n,
        anchoredAt: BigInt(await f.latestTimestamp()),
        validUntil: 4_000_000_000n,
      }),
    });
    await expectRevert(records.anchor(...anchorArgs(licence)), records, "CredentialRegistryAlreadyAnchored", [
      card.recordHash,
    ]);
  });

  it("reverts with CredentialRegistryInvalidValidity when validUntil is earlier than validFrom", async () => {
    const records = f.registries.records.connect(f.issuer);
    const card = recordAnchor("id card", { validFrom: 2_000_000_000, validUntil: 1_999_999_999 });
    await expectRevert(
      records.anchor(...anchorArgs(card)),
      records,
      "CredentialRegistryInvalidValidity",
      [2_000_000_000, 1_999_999_999],
    );
  });

  it("accepts a validity of one second, validUntil equal to validFrom", async () => {
    const records = f.registries.records.connect(f.issuer);
    const card = recordAnchor("id card", { validFrom: 2_000_000_000, validUntil: 2_000_000_000 });
    await (await records.anchor(...anchorArgs(card))).wait();
    expect((await statusOf(records, f.ids.psb, card.recordHash)).evidence.validUntil).toBe(2_000_000_000n);
  });

  it("accepts the largest validUntil that fits in 40 bits", async () => {
    const records = f.registries.records.connect(f.issuer);
    const card = recordAnchor("id card", { validUntil: UINT40_MAX });
    await (await records.anchor(...anchorArgs(card))).wait();
    expect(await statusOf(records, f.ids.psb, card.recordHash)).toMatchObject({
      status: RecordStatus.Valid,
      evidence: { validUntil: BigInt(UINT40_MAX) },
    });
  });

  it("reverts with SafeCastOverflowedUintDowncast when validUntil does not fit in 40 bits", async () => {
    const records = f.registries.records.connect(f.issuer);
    const card = recordAnchor("id card", { validUntil: UINT40_MAX + 1 });
    await expectRevert(records.anchor(...anchorArgs(card)), records, "SafeCastOverflowedUintDowncast", [
      40,
      UINT40_MAX + 1,
    ]);
  });

  it("reverts with SafeCastOverflowedUintDowncast when validFrom does not fit in 40 bits", async () => {
    const records = f.registries.records.connect(f.issuer);
    const card = recordAnchor("id card", { validFrom: UINT40_MAX + 1 });
    await expectRevert(records.anchor(...anchorArgs(card)), records, "SafeCastOverflowedUintDowncast", [
      40,
      UINT40_MAX + 1,
    ]);
  });

  it("rejects new anchors once the issuer role is revoked, and keeps earlier records valid", async () => {
    const records = f.registries.records.connect(f.issuer);
    const before = recordAnchor("id card issued before");
    await (await records.anchor(...anchorArgs(before))).wait();
    await (await f.registries.types.revokeIssuer(f.ids.residentId, f.ids.psb)).wait();
    await expectRevert(
      records.anchor(...anchorArgs(recordAnchor("id card issued after"))),
      records,
      "CredentialRegistryNotIssuer",
      [f.ids.psb, f.ids.residentId],
    );
    expect((await statusOf(records, f.ids.psb, before.recordHash)).status).toBe(RecordStatus.Valid);
  });

  it("rejects new anchors of a deprecated type, and keeps earlier records valid", async () => {
    const records = f.registries.records.connect(f.issuer);
    const before = recordAnchor("id card issued before");
    await (await records.anchor(...anchorArgs(before))).wait();
    await (await f.registries.types.deprecateType(f.ids.residentId)).wait();
    await expectRevert(
      records.anchor(...anchorArgs(recordAnchor("id card issued after"))),
      records,
      "CredentialRegistryNotIssuer",
      [f.ids.psb, f.ids.residentId],
    );
    expect((await statusOf(records, f.ids.psb, before.recordHash)).status).toBe(RecordStatus.Valid);
  });
});

describe("CredentialRecordRegistry views", () => {
  let f: RegistryFixture;
  beforeEach(async () => {
    f = await registryFixture();
  });

  it("reports version 2.0.0", async () => {
    expect(await f.registries.records.version()).toBe("2.0.0");
  });

  it("exposes the EIP-712 domain separator that ethers computes for the records domain", async () => {
    const records = f.registries.records;
    const domain = recordsDomain(f.deployment.chainId, await records.getAddress());
    expect(await records.DOMAIN_SEPARATOR()).toBe(TypedDataEncoder.hashDomain(domain));
  });

  it("describes its EIP-712 domain through eip712Domain (ERC-5267)", async () => {
    const records = f.registries.records;
    const domain = await records.eip712Domain();
    expect(domain.fields).toBe("0x0f");
    expect(domain.name).toBe("oncechain records");
    expect(domain.version).toBe("2");
    expect(domain.chainId).toBe(BigInt(f.deployment.chainId));
    expect(domain.verifyingContract).toBe(await records.getAddress());
    expect(domain.salt).toBe(ZeroHash);
    expect(domain.extensions).toEqual([]);
  });

  it("starts every account's nonce at zero", async () => {
    for (const signer of [f.operator, f.issuer, f.otherDepartment, f.suspendedDepartment, f.outsider]) {
      expect(await f.registries.records["nonces(address,uint192)"](signer.address, 0)).toBe(0n);
    }
  });

  it("reports an unanchored record as Unknown with empty evidence", async () => {
    const unknown = recordAnchor("never anchored");
    expect(await statusOf(f.registries.records, f.ids.psb, unknown.recordHash)).toEqual({
      status: RecordStatus.Unknown,
      evidence: evidence(),
    });
  });

  it("reports a record as Unknown with empty evidence when read under another issuer than the one that anchored it", async () => {
    const card = recordAnchor("id card");
    await (await f.registries.records.connect(f.issuer).anchor(...anchorArgs(card))).wait();
    for (const issuer of [0, f.ids.market, f.ids.tobacco, 99]) {
      expect(await statusOf(f.registries.records, issuer, card.recordHash)).toEqual({
        status: RecordStatus.Unknown,
        evidence: evidence(),
      });
    }
    expect((await statusOf(f.registries.records, f.ids.psb, card.recordHash)).status).toBe(RecordStatus.Valid);
  });

  it("returns an empty batch for a root nobody anchored, under any issuer", async () => {
    for (const issuer of [0, f.ids.psb, f.ids.market, f.ids.tobacco, 99]) {
      const batch = await f.registries.records.batch(issuer, recordAnchor("no batch").recordHash);
      expect([batch.issuer, batch.anchoredAt, batch.recordCount]).toEqual([0n, 0n, 0n]);
    }
  });
});

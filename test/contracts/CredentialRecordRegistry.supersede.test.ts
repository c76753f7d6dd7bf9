// CredentialRecordRegistry.supersede: a newer record of the same credential replaces an older one, linked both ways.
import { ZeroHash } from "ethers";
import { beforeEach, describe, expect, it } from "vitest";
import { codeKey } from "../../lib/encoding/codeKey.ts";
import type { RecordAnchor } from "../../lib/encoding/recordLeaf.ts";
import { type RegistryFixture, registryFixture, SCHEMA_HASH } from "../support/chain.ts";
import { expectEvent } from "../support/events.ts";
import { anchorArgs, RecordStatus, recordAnchor, statusOf } from "../support/records.ts";
import { expectRevert } from "../support/reverts.ts";

describe("CredentialRecordRegistry.supersede", () => {
  let f: RegistryFixture;
  /** psb's resident ID cards: the lost one, its replacement, and a spare. */
  let lost: RecordAnchor;
  let replacement: RecordAnchor;
  let spare: RecordAnchor;

  const asIssuer = () => f.registries.records.connect(f.issuer);

  beforeEach(async () => {
    f = await registryFixture();
    [lost, replacement, spare] = ["lost id card", "replacement id card", "spare id card"].map((label) =>
      recordAnchor(label),
    ) as [RecordAnchor, RecordAnchor, RecordAnchor];
    for (const card of [lost, replacement, spare]) {
      await (await asIssuer().anchor(...anchorArgs(card))).wait();
    }
  });

  it("links the older record to the newer one both ways: the older reads Superseded, the newer Valid", async () => {
    const records = asIssuer();
    await expectEvent(records.supersede(lost.recordHash, replacement.recordHash), records, "CredentialSuperseded", [
      lost.recordHash,
      replacement.recordHash,
      f.ids.psb,
    ]);
    expect(await statusOf(records, f.ids.psb, lost.recordHash)).toMatchObject({
      status: RecordStatus.Superseded,
      evidence: { supersededBy: replacement.recordHash },
    });
    expect(await statusOf(records, f.ids.psb, replacement.recordHash)).toMatchObject({
      status: RecordStatus.Valid,
      evidence: { supersedes: lost.recordHash },
    });
  });

  it("extends a chain: a record that superseded another can itself be superseded", async () => {
    const records = asIssuer();
    await (await records.supersede(lost.recordHash, replacement.recordHash)).wait();
    await (await records.supersede(replacement.recordHash, spare.recordHash)).wait();
    expect(await statusOf(records, f.ids.psb, replacement.recordHash)).toMatchObject({
      status: RecordStatus.Superseded,
      evidence: { supersedes: lost.recordHash, supersededBy: spare.recordHash },
    });
  });

  it("accepts a newer record of another version of the same credential type", async () => {
    const types = f.registries.types;
    await (await types.registerVersion(codeKey("resident-id-card"), SCHEMA_HASH, 0, [f.ids.psb])).wait();
    const version2 = await types.latestTypeId(codeKey("resident-id-card"));
    const renewed = recordAnchor("renewed id card", { credentialType: Number(version2) });
    await (await asIssuer().anchor(...anchorArgs(renewed))).wait();
    await (await asIssuer().supersede(lost.recordHash, renewed.recordHash)).wait();
    expect((await statusOf(asIssuer(), f.ids.psb, lost.recordHash)).status).toBe(RecordStatus.Superseded);
  });

  it("reverts with CredentialRegistryUnknownRecord when the older record was never anchored", async () => {
    const records = asIssuer();
    const unknown = recordAnchor("never anchored");
    await expectRevert(
      records.supersede(unknown.recordHash, replacement.recordHash),
      records,
      "CredentialRegistryUnknownRecord",
      [unknown.recordHash],
    );
  });

  it("reverts with CredentialRegistryUnknownRecord when the newer record was never anchored", async () => {
    const records = asIssuer();
    const unknown = recordAnchor("never anchored");
    await expectRevert(
      records.supersede(lost.recordHash, unknown.recordHash),
      records,
      "CredentialRegistryUnknownRecord",
      [unknown.recordHash],
    );
  });

  it("reverts with CredentialRegistryUnknownRecord when another department supersedes the older record, not in its namespace", async () => {
    const licence = recordAnchor("business licence", { credentialType: f.ids.businessLicence });
    const records = f.registries.records.connect(f.otherDepartment);
    await (await records.anchor(...anchorArgs(licence))).wait();
    await expectRevert(
      records.supersede(lost.recordHash, licence.recordHash),
      records,
      "CredentialRegistryUnknownRecord",
      [lost.recordHash],
    );
    expect((await statusOf(records, f.ids.psb, lost.recordHash)).status).toBe(RecordStatus.Valid);
  });

  it("reverts with CredentialRegistryUnknownRecord when the newer record is another department's", async () => {
    const licence = recordAnchor("business licence", { credentialType: f.ids.businessLicence });
    await (await f.registries.records.connect(f.otherDepartment).anchor(...anchorArgs(licence))).wait();
    const records = asIssuer();
    await expectRevert(
      records.supersede(lost.recordHash, licence.recordHash),
      records,
      "CredentialRegistryUnknownRecord",
      [licence.recordHash],
    );
    expect((await statusOf(records, f.ids.psb, lost.recordHash)).status).toBe(RecordStatus.Valid);
  });

  it("links only the caller's records when another department anchored the same hashes", async () => {
    const market = f.registries.records.connect(f.otherDepartment);
    for (const card of [lost, replacement, spare]) {
      await (await market.anchor(...anchorArgs({ ...card, credentialType: f.ids.businessLicence }))).wait();
    }
    await (await asIssuer().supersede(lost.recordHash, replacement.recordHash)).wait();
    expect(await statusOf(market, f.ids.market, lost.recordHash)).toMatchObject({
      status: RecordStatus.Valid,
      evidence: { issuer: 2n, supersededBy: ZeroHash, supersedes: ZeroHash },
    });
    expect((await statusOf(market, f.ids.market, replacement.recordHash)).evidence.supersedes).toBe(ZeroHash);
    await expectEvent(market.supersede(lost.recordHash, spare.recordHash), market, "CredentialSuperseded", [
      lost.recordHash,
      spare.recordHash,
      f.ids.market,
    ]);
    expect((await statusOf(market, f.ids.psb, lost.recordHash)).evidence.supersededBy).toBe(replacement.recordHash);
    expect((await statusOf(market, f.ids.market, lost.recordHash)).evidence.supersededBy).toBe(spare.recordHash);
    expect((await statusOf(market, f.ids.psb, spare.recordHash)).evidence.supersedes).toBe(ZeroHash);
  });

  it.each(["operator", "outsider"] as const)(
    "reverts with CredentialRegistryNotDepartmentSigner when the %s supersedes a record",
    async (role) => {
      const records = f.registries.records.connect(f[role]);
      await expectRevert(
        records.supersede(lost.recordHash, replacement.recordHash),
        records,
        "CredentialRegistryNotDepartmentSigner",
        [f[role].address],
      );
    },
  );

  it("reverts with CredentialRegistryDepartmentSuspended when a suspended department supersedes a record", async () => {
    const records = f.registries.records.connect(f.suspendedDepartment);
    await expectRevert(
      records.supersede(lost.recordHash, replacement.recordHash),
      records,
      "CredentialRegistryDepartmentSuspended",
      [f.ids.tobacco],
    );
  });

  it("reverts with CredentialRegistryAlreadyRevoked when the older record is revoked", async () => {
    const records = asIssuer();
    await (await records.revokeRecord(lost.recordHash, 1)).wait();
    await expectRevert(
      records.supersede(lost.recordHash, replacement.recordHash),
      records,
      "CredentialRegistryAlreadyRevoked",
      [lost.recordHash],
    );
  });

  it("reverts with CredentialRegistryAlreadySuperseded when the older record is already superseded", async () => {
    const records = asIssuer();
    await (await records.supersede(lost.recordHash, replacement.recordHash)).wait();
    await expectRevert(
      records.supersede(lost.recordHash, spare.recordHash),
      records,
      "CredentialRegistryAlreadySuperseded",
      [lost.recordHash],
    );
  });

  it("reverts with CredentialRegistryInvalidSupersession when a record would supersede itself", async () => {
    const records = asIssuer();
    await expectRevert(
      records.supersede(lost.recordHash, lost.recordHash),
      records,
      "CredentialRegistryInvalidSupersession",
      [lost.recordHash, lost.recordHash],
    );
  });

  it("reverts with CredentialRegistryInvalidSupersession when the link would close a cycle", async () => {
    const records = asIssuer();
    await (await records.supersede(lost.recordHash, replacement.recordHash)).wait();
    await expectRevert(
      records.supersede(replacement.recordHash, lost.recordHash),
      records,
      "CredentialRegistryInvalidSupersession",
      [replacement.recordHash, lost.recordHash],
    );
  });

  it("reverts with CredentialRegistryInvalidSupersession when the newer record is revoked", async () => {
    const records = asIssuer();
    await (await records.revokeRecord(replacement.recordHash, 1)).wait();
    await expectRevert(
      records.supersede(lost.recordHash, replacement.recordHash),
      records,
      "CredentialRegistryInvalidSupersession",
      [lost.recordHash, replacement.recordHash],
    );
  });

  it("reverts with CredentialRegistryInvalidSupersession when the newer record already supersedes another", async () => {
    const records = asIssuer();
    await (await records.supersede(lost.recordHash, replacement.recordHash)).wait();
    await expectRevert(
      records.supersede(spare.recordHash, replacement.recordHash),
      records,
      "CredentialRegistryInvalidSupersession",
      [spare.recordHash, replacement.recordHash],
    );
  });

  it("reverts with CredentialRegistryInvalidSupersession when the newer record is of another credential type", async () => {
    await (await f.registries.types.authoriseIssuer(f.ids.businessLicence, f.ids.psb)).wait();
    const licence = recordAnchor("business licence", { credentialType: f.ids.businessLicence });
    const records = asIssuer();
    await (await records.anchor(...anchorArgs(licence))).wait();
    await expectRevert(
      records.supersede(lost.recordHash, licence.recordHash),
      records,
      "CredentialRegistryInvalidSupersession",
      [lost.recordHash, licence.recordHash],
    );
  });
});

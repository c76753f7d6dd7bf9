// The district's emergency stop: closing a registry in the AccessManager stops every write it would otherwise take,
// the ones its own checks authorise (a department's, a data owner's) as well as the operator's.
import { ZeroHash } from "ethers";
import { beforeEach, describe, expect, it } from "vitest";
import { codeKey } from "../../lib/encoding/codeKey.ts";
import { type RegistryFixture, registryFixture } from "../support/chain.ts";
import { eventsOf } from "../support/events.ts";
import {
  anchorArgs,
  anchorRecordBatch,
  RecordStatus,
  recordAnchor,
  recordAnchors,
  statusOf,
} from "../support/records.ts";
import { expectRevert } from "../support/reverts.ts";

const RESIDENT_ID = codeKey("resident-id-card");

describe("the emergency stop (AccessManager.setTargetClosed)", () => {
  let f: RegistryFixture;
  beforeEach(async () => {
    f = await registryFixture();
  });

  const close = async (target: string, closed = true) =>
    (await f.registries.accessManager.setTargetClosed(target, closed)).wait();

  describe("on the record registry", () => {
    it("stops a department's anchors, batches, batch registrations and supersessions", async () => {
      const records = f.registries.records.connect(f.issuer);
      const older = recordAnchor("older card");
      const newer = recordAnchor("newer card");
      for (const card of [older, newer]) await (await records.anchor(...anchorArgs(card))).wait();
      const batch = await anchorRecordBatch(records, recordAnchors("batched card", 2));
      await close(f.deployment.registries.CredentialRecordRegistry);
      expect(await records.isClosed()).toBe(true);
      const address = f.deployment.registries.CredentialRecordRegistry;
      const closedWith = [address];
      await expectRevert(records.anchor(...anchorArgs(recordAnchor("card"))), records, "RegistryClosed", closedWith);
      await expectRevert(records.anchorBatch(codeKey("a root"), 2), records, "RegistryClosed", closedWith);
      await expectRevert(
        records.registerBatchRecord(batch.root, ...batch.leaf(0)),
        records,
        "RegistryClosed",
        closedWith,
      );
      await expectRevert(records.supersede(older.recordHash, newer.recordHash), records, "RegistryClosed", closedWith);
      await expectRevert(
        records.anchorBySig(
          recordAnchor("card"),
          { signer: f.issuer.address, issuer: 1, signerEpoch: 1, nonce: 0, deadline: 2n ** 40n },
          "0x",
        ),
        records,
        "RegistryClosed",
        closedWith,
      );
    });

    it("leaves revocation open: it only withdraws trust, which is what a department needs during an incident", async () => {
      const records = f.registries.records.connect(f.issuer);
      const card = recordAnchor("card");
      await (await records.anchor(...anchorArgs(card))).wait();
      const batch = await anchorRecordBatch(records, recordAnchors("batched card", 2));
      await close(f.deployment.registries.CredentialRecordRegistry);
      await (await records.revokeRecord(card.recordHash, 1)).wait();
      const [leaf, proof] = batch.leaf(1);
      await (await records.revokeBatchRecord(batch.root, leaf, proof, 1)).wait();
      expect((await statusOf(records, f.ids.psb, card.recordHash)).status).toBe(RecordStatus.Revoked);
      expect((await statusOf(records, f.ids.psb, leaf.recordHash)).status).toBe(RecordStatus.Revoked);
    });

    it("takes writes again once the registry is opened, and answers status throughout", async () => {
      const records = f.registries.records.connect(f.issuer);
      const card = recordAnchor("card");
      await (await records.anchor(...anchorArgs(card))).wait();
      await close(f.deployment.registries.CredentialRecordRegistry);
      expect((await statusOf(records, f.ids.psb, card.recordHash)).status).toBe(RecordStatus.Valid);
      await close(f.deployment.registries.CredentialRecordRegistry, false);
      expect(await records.isClosed()).toBe(false);
      await (await records.anchor(...anchorArgs(recordAnchor("later card")))).wait();
    });
  });

  it("stops a department's access-log commits", async () => {
    const accessLog = f.registries.accessLog.connect(f.issuer);
    await close(f.deployment.registries.AccessLogRegistry);
    await expectRevert(accessLog.commit(1, 10, codeKey("root")), accessLog, "RegistryClosed", [
      f.deployment.registries.AccessLogRegistry,
    ]);
  });

  it("stops a department signer's own endpoint change, not only the operator's", async () => {
    const departments = f.registries.departments.connect(f.issuer);
    await close(f.deployment.registries.DepartmentRegistry);
    await expectRevert(departments.setEndpoint(1, "https://psb.example"), departments, "RegistryClosed", [
      f.deployment.registries.DepartmentRegistry,
    ]);
  });

  it("stops a data owner's grant revocation, not only the operator's", async () => {
    await (
      await f.registries.scenarios.registerScenario({
        code: "open-convenience-store",
        nameZh: "",
        nameEn: "",
        kind: 0,
        definitionHash: codeKey("definition"),
        parent: ZeroHash,
        requiredTypes: [RESIDENT_ID],
        departments: [2],
      })
    ).wait();
    await (await f.registries.grants.grant(1, 2, RESIDENT_ID, ZeroHash, 0)).wait();
    const grantId = await f.registries.grants.grantIdOf(1, 2, RESIDENT_ID, ZeroHash);
    await close(f.deployment.registries.SharingGrantRegistry);
    const asOwner = f.registries.grants.connect(f.issuer);
    await expectRevert(asOwner.revokeGrant(grantId), asOwner, "RegistryClosed", [
      f.deployment.registries.SharingGrantRegistry,
    ]);
    await expectRevert(f.registries.grants.revokeGrant(grantId), asOwner, "RegistryClosed", [
      f.deployment.registries.SharingGrantRegistry,
    ]);
    expect(await f.registries.grants.mayRead(1, 2, RESIDENT_ID, ZeroHash)).toBe(true);
  });

  it("is mirrored by each registry in the same transaction, and syncClosed by anyone cannot open a closed registry", async () => {
    // Every registry that authorises writes of its own (a department's, a data owner's) keeps the mirror.
    for (const registry of [
      f.registries.records,
      f.registries.departments,
      f.registries.grants,
      f.registries.accessLog,
    ]) {
      const name = await registry.getAddress();
      const sent = await f.registries.accessManager.setTargetClosed(name, true);
      expect(await eventsOf(sent, registry, "RegistryClosedSynced"), name).toEqual([[true]]);
      expect(await registry.isClosed(), name).toBe(true);
      const byOutsider = registry.connect(f.outsider);
      await (await byOutsider.syncClosed()).wait();
      expect(await byOutsider.isClosed(), name).toBe(true);
      const opened = await f.registries.accessManager.setTargetClosed(name, false);
      expect(await eventsOf(opened, registry, "RegistryClosedSynced"), name).toEqual([[false]]);
      expect(await registry.isClosed(), name).toBe(false);
    }
  });

  it("closes a registry's mirror in every closing that succeeds, whatever gas it was sent with", async () => {
    const target = f.deployment.registries.CredentialRecordRegistry;
    const manager = f.registries.accessManager;
    const estimate = Number(await manager.setTargetClosed.estimateGas(target, true));
    let succeeded = 0;
    for (let gasLimit = estimate - 12_000; gasLimit <= estimate; gasLimit += 400) {
      try {
        await (await manager.setTargetClosed(target, true, { gasLimit })).wait();
      } catch {
        continue;
      }
      succeeded++;
      expect(await f.registries.records.isClosed(), `sent with ${gasLimit} gas`).toBe(true);
      await close(target, false);
    }
    expect(succeeded).toBeGreaterThan(0);
  });

  it("closes a target that is no registry without failing", async () => {
    await close(f.outsider.address);
    expect(await f.registries.accessManager.isTargetClosed(f.outsider.address)).toBe(true);
  });
});

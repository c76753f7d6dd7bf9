// SharingGrantRegistry: which department may read which provider's records of a type, for which purpose, until when.
import { AbiCoder, keccak256, ZeroHash } from "ethers";
import { describe, expect, it } from "vitest";
import { codeKey } from "../../lib/encoding/codeKey.ts";
import { mineBlockAt, nextBlockIn, type RegistryFixture, registryFixture, SCHEMA_HASH } from "../support/chain.ts";
import { expectEvent } from "../support/events.ts";
import { expectRevert } from "../support/reverts.ts";

const RESIDENT_ID = codeKey("resident-id-card");
const BUSINESS_LICENCE = codeKey("business-licence");
const STORE = codeKey("open-convenience-store");
const HOMESTAY = codeKey("open-homestay");
const ANY = ZeroHash;
/** The fixture's issuers: psb of the resident ID card, market regulation of the business licence. */
const PSB = 1;
const MARKET = 2;
/** A department with no role but consuming: registered by withPurposes. */
const TAX = 4;

function expectedGrantId(provider: number, consumer: number, credentialType: string, purpose: string): string {
  return keccak256(
    AbiCoder.defaultAbiCoder().encode(
      ["uint32", "uint32", "bytes32", "bytes32"],
      [provider, consumer, credentialType, purpose],
    ),
  );
}

/** The fixture with the convenience-store and homestay scenarios registered as purposes, and a tax bureau (4). */
async function withPurposes(): Promise<RegistryFixture> {
  const f = await registryFixture();
  await (await f.registries.departments.registerDepartment("tax", "区税务局", "Tax Bureau", "", [])).wait();
  for (const code of ["open-convenience-store", "open-homestay"]) {
    await (
      await f.registries.scenarios.registerScenario({
        code,
        nameZh: "",
        nameEn: "",
        kind: 0,
        definitionHash: codeKey(`definition of ${code}`),
        parent: ZeroHash,
        requiredTypes: [RESIDENT_ID],
        departments: [2],
      })
    ).wait();
  }
  return f;
}

/** Market regulation (2) granted the resident ID card for the convenience store, with no end. */
async function withStoreGrant(): Promise<RegistryFixture & { grantId: string }> {
  const f = await withPurposes();
  await (await f.registries.grants.grant(PSB, 2, RESIDENT_ID, STORE, 0)).wait();
  return { ...f, grantId: expectedGrantId(PSB, 2, RESIDENT_ID, STORE) };
}

describe("SharingGrantRegistry", () => {
  it("reports version 2.0.0 and starts with no grants", async () => {
    const { registries } = await registryFixture();
    expect(await registries.grants.version()).toBe("2.0.0");
    expect(await registries.grants.grantCount()).toBe(0n);
    expect(await registries.grants.activeGrantCount()).toBe(0n);
  });

  describe("grant", () => {
    it("grants a consumer a provider's type for a purpose until a time, under grantIdOf(provider, consumer, type, purpose)", async () => {
      const f = await withPurposes();
      const { grants } = f.registries;
      const id = expectedGrantId(PSB, 2, RESIDENT_ID, STORE);
      const at = await nextBlockIn(f);
      const until = at + 86_400;
      expect(await grants.grant.staticCall(PSB, 2, RESIDENT_ID, STORE, until)).toBe(id);
      await (await grants.grant(PSB, 2, RESIDENT_ID, STORE, until)).wait();
      expect([...(await grants.grantOf(id))]).toEqual([1n, 2n, BigInt(at), BigInt(until), 0n, RESIDENT_ID, STORE]);
      expect(await grants.grantCount()).toBe(1n);
      expect(await grants.grantAt(0)).toBe(id);
      expect(await grants.activeGrantCount()).toBe(1n);
    });

    it("emits SharingGranted with the provider, consumer, type, purpose and end of validity", async () => {
      const f = await withPurposes();
      const { grants } = f.registries;
      await expectEvent(grants.grant(PSB, 2, RESIDENT_ID, ANY, 0), grants, "SharingGranted", [
        expectedGrantId(PSB, 2, RESIDENT_ID, ANY),
        PSB,
        2,
        RESIDENT_ID,
        ANY,
        0,
      ]);
    });

    it("keeps grants for different consumers, types and purposes apart", async () => {
      const f = await withPurposes();
      const { grants } = f.registries;
      const made: [number, number, string, string][] = [
        [PSB, 2, RESIDENT_ID, STORE],
        [PSB, 2, RESIDENT_ID, HOMESTAY],
        [PSB, 2, RESIDENT_ID, ANY],
        [PSB, TAX, RESIDENT_ID, STORE],
        [MARKET, TAX, BUSINESS_LICENCE, STORE],
        [MARKET, PSB, BUSINESS_LICENCE, STORE],
      ];
      for (const [provider, consumer, type, purpose] of made) {
        await (await grants.grant(provider, consumer, type, purpose, 0)).wait();
      }
      expect(await grants.grantCount()).toBe(6n);
      expect(await grants.activeGrantCount()).toBe(6n);
      for (const [i, [provider, consumer, type, purpose]] of made.entries()) {
        expect(await grants.grantAt(i)).toBe(expectedGrantId(provider, consumer, type, purpose));
      }
    });

    it("makes a revoked grant again under the same id, counted once and active again", async () => {
      const f = await withStoreGrant();
      const { grants } = f.registries;
      await (await grants.revokeGrant(f.grantId)).wait();
      const at = await nextBlockIn(f, 100);
      await expectEvent(grants.grant(PSB, 2, RESIDENT_ID, STORE, at + 10), grants, "SharingGranted", [
        f.grantId,
        PSB,
        2,
        RESIDENT_ID,
        STORE,
        at + 10,
      ]);
      expect([...(await grants.grantOf(f.grantId))]).toEqual([
        1n,
        2n,
        BigInt(at),
        BigInt(at + 10),
        0n,
        RESIDENT_ID,
        STORE,
      ]);
      expect(await grants.grantCount()).toBe(1n);
      expect(await grants.activeGrantCount()).toBe(1n);
      expect(await grants.mayRead(PSB, 2, RESIDENT_ID, STORE)).toBe(true);
    });

    it("reverts with SharingGrantRegistryUnknownDepartment when the consumer is 0 or not registered", async () => {
      const { registries } = await withPurposes();
      const { grants } = registries;
      for (const id of [0, 5]) {
        await expectRevert(
          grants.grant(PSB, id, RESIDENT_ID, STORE, 0),
          grants,
          "SharingGrantRegistryUnknownDepartment",
          [id],
        );
        await expectRevert(
          grants.grant(id, 2, RESIDENT_ID, STORE, 0),
          grants,
          "SharingGrantRegistryUnknownDepartment",
          [id],
        );
      }
    });

    it("reverts with SharingGrantRegistryProviderNotIssuer when the provider does not issue the type's newest version", async () => {
      const { registries } = await withPurposes();
      const { grants } = registries;
      await expectRevert(
        grants.grant(MARKET, TAX, RESIDENT_ID, STORE, 0),
        grants,
        "SharingGrantRegistryProviderNotIssuer",
        [MARKET, RESIDENT_ID],
      );
    });

    it("reverts with SharingGrantRegistrySelfGrant when a department would be granted its own records", async () => {
      const { registries } = await withPurposes();
      const { grants } = registries;
      await expectRevert(grants.grant(PSB, PSB, RESIDENT_ID, STORE, 0), grants, "SharingGrantRegistrySelfGrant", [PSB]);
    });

    it("reverts with SharingGrantRegistryUnknownCredentialType when the type is not in the catalogue", async () => {
      const { registries } = await withPurposes();
      const { grants } = registries;
      await expectRevert(
        grants.grant(PSB, 2, codeKey("food-licence"), STORE, 0),
        grants,
        "SharingGrantRegistryUnknownCredentialType",
        [codeKey("food-licence")],
      );
    });

    it("reverts with SharingGrantRegistryUnknownPurpose when the purpose is not a registered, active scenario", async () => {
      const { registries } = await withPurposes();
      const { grants, scenarios } = registries;
      const unknown = codeKey("open-bakery");
      await expectRevert(grants.grant(PSB, 2, RESIDENT_ID, unknown, 0), grants, "SharingGrantRegistryUnknownPurpose", [
        unknown,
      ]);
      await (await scenarios.retireScenario(HOMESTAY)).wait();
      await expectRevert(grants.grant(PSB, 2, RESIDENT_ID, HOMESTAY, 0), grants, "SharingGrantRegistryUnknownPurpose", [
        HOMESTAY,
      ]);
    });

    it("reverts with SharingGrantRegistryInvalidValidity when validity ends before or at the grant's block", async () => {
      const f = await withPurposes();
      const { grants } = f.registries;
      for (const offset of [-1, 0]) {
        const at = await nextBlockIn(f, 10);
        await expectRevert(
          grants.grant(PSB, 2, RESIDENT_ID, STORE, at + offset),
          grants,
          "SharingGrantRegistryInvalidValidity",
          [at + offset],
        );
      }
      const at = await nextBlockIn(f, 10);
      await (await grants.grant(PSB, 2, RESIDENT_ID, STORE, at + 1)).wait();
      expect((await grants.grantOf(expectedGrantId(PSB, 2, RESIDENT_ID, STORE))).validUntil).toBe(BigInt(at + 1));
    });

    it("reverts with SharingGrantRegistryGrantActive while the same grant is live, through its validUntil second", async () => {
      const f = await withPurposes();
      const { grants } = f.registries;
      const id = expectedGrantId(PSB, 2, RESIDENT_ID, STORE);
      const at = await nextBlockIn(f);
      await (await grants.grant(PSB, 2, RESIDENT_ID, STORE, at + 5)).wait();
      const granted = [...(await grants.grantOf(id))];
      await expectRevert(grants.grant(PSB, 2, RESIDENT_ID, STORE, 0), grants, "SharingGrantRegistryGrantActive", [id]);
      await f.setNextTimestamp(at + 5);
      await expectRevert(grants.grant(PSB, 2, RESIDENT_ID, STORE, 0), grants, "SharingGrantRegistryGrantActive", [id]);
      expect([...(await grants.grantOf(id))]).toEqual(granted);
      await (await grants.grant(PSB, 2, RESIDENT_ID, ANY, 0)).wait();
      await expectRevert(grants.grant(PSB, 2, RESIDENT_ID, ANY, at + 1000), grants, "SharingGrantRegistryGrantActive", [
        expectedGrantId(PSB, 2, RESIDENT_ID, ANY),
      ]);
      expect(await grants.activeGrantCount()).toBe(2n);
    });

    it("renews an expired grant under the same id, counted once: it stays active until revoked", async () => {
      const f = await withPurposes();
      const { grants } = f.registries;
      const id = expectedGrantId(PSB, 2, RESIDENT_ID, STORE);
      const at = await nextBlockIn(f);
      await (await grants.grant(PSB, 2, RESIDENT_ID, STORE, at + 5)).wait();
      await mineBlockAt(f.connection, at + 100);
      expect(await grants.mayRead(PSB, 2, RESIDENT_ID, STORE)).toBe(false);
      expect(await grants.activeGrantCount()).toBe(1n);
      const renewedAt = await nextBlockIn(f);
      await expectEvent(grants.grant(PSB, 2, RESIDENT_ID, STORE, renewedAt + 50), grants, "SharingGranted", [
        id,
        PSB,
        2,
        RESIDENT_ID,
        STORE,
        renewedAt + 50,
      ]);
      expect([...(await grants.grantOf(id))]).toEqual([
        1n,
        2n,
        BigInt(renewedAt),
        BigInt(renewedAt + 50),
        0n,
        RESIDENT_ID,
        STORE,
      ]);
      expect(await grants.mayRead(PSB, 2, RESIDENT_ID, STORE)).toBe(true);
      expect(await grants.grantCount()).toBe(1n);
      expect(await grants.activeGrantCount()).toBe(1n);
      await mineBlockAt(f.connection, renewedAt + 51);
      await (await grants.grant(PSB, 2, RESIDENT_ID, STORE, 0)).wait();
      expect(await grants.activeGrantCount()).toBe(1n);
      await (await grants.revokeGrant(id)).wait();
      expect(await grants.activeGrantCount()).toBe(0n);
      expect(await grants.mayRead(PSB, 2, RESIDENT_ID, STORE)).toBe(false);
    });

    it("revokes an expired grant, which then counts as inactive and may be made again", async () => {
      const f = await withPurposes();
      const { grants } = f.registries;
      const id = expectedGrantId(PSB, 2, RESIDENT_ID, STORE);
      const at = await nextBlockIn(f);
      await (await grants.grant(PSB, 2, RESIDENT_ID, STORE, at + 5)).wait();
      await mineBlockAt(f.connection, at + 100);
      await (await grants.revokeGrant(id)).wait();
      expect(await grants.activeGrantCount()).toBe(0n);
      await (await grants.grant(PSB, 2, RESIDENT_ID, STORE, 0)).wait();
      expect(await grants.activeGrantCount()).toBe(1n);
      expect(await grants.grantCount()).toBe(1n);
      expect(await grants.mayRead(PSB, 2, RESIDENT_ID, STORE)).toBe(true);
    });
  });

  describe("revokeGrant", () => {
    it("lets the operator revoke a grant, emitting SharingGrantRevoked", async () => {
      const f = await withStoreGrant();
      const { grants } = f.registries;
      const at = await nextBlockIn(f);
      await expectEvent(grants.revokeGrant(f.grantId), grants, "SharingGrantRevoked", [
        f.grantId,
        f.operator.address,
        at,
      ]);
      expect((await grants.grantOf(f.grantId)).revokedAt).toBe(BigInt(at));
      expect(await grants.activeGrantCount()).toBe(0n);
      expect(await grants.grantCount()).toBe(1n);
      expect(await grants.mayRead(PSB, 2, RESIDENT_ID, STORE)).toBe(false);
    });

    it("lets a signer of the grant's provider (the data owner) revoke it", async () => {
      const f = await withStoreGrant();
      const grants = f.registries.grants.connect(f.issuer);
      const at = await nextBlockIn(f);
      await expectEvent(grants.revokeGrant(f.grantId), grants, "SharingGrantRevoked", [
        f.grantId,
        f.issuer.address,
        at,
      ]);
      expect(await grants.activeGrantCount()).toBe(0n);
    });

    it("reverts with SharingGrantRegistryUnauthorizedRevocation for the consumer, another department and an outsider", async () => {
      const f = await withStoreGrant();
      for (const caller of [f.otherDepartment, f.outsider]) {
        await expectRevert(
          f.registries.grants.connect(caller).revokeGrant(f.grantId),
          f.registries.grants,
          "SharingGrantRegistryUnauthorizedRevocation",
          [caller.address, f.grantId],
        );
      }
      expect(await f.registries.grants.activeGrantCount()).toBe(1n);
    });

    it("reverts with SharingGrantRegistryUnauthorizedRevocation for a suspended department, authoritative or not", async () => {
      const f = await withStoreGrant();
      const grants = f.registries.grants.connect(f.suspendedDepartment);
      await expectRevert(grants.revokeGrant(f.grantId), grants, "SharingGrantRegistryUnauthorizedRevocation", [
        f.suspendedDepartment.address,
        f.grantId,
      ]);
      await (await f.registries.types.authoriseIssuer(f.ids.residentId, f.ids.tobacco)).wait();
      await expectRevert(grants.revokeGrant(f.grantId), grants, "SharingGrantRegistryUnauthorizedRevocation", [
        f.suspendedDepartment.address,
        f.grantId,
      ]);
      await (await f.registries.departments.suspendDepartment(f.ids.psb)).wait();
      await expectRevert(
        f.registries.grants.connect(f.issuer).revokeGrant(f.grantId),
        grants,
        "SharingGrantRegistryUnauthorizedRevocation",
        [f.issuer.address, f.grantId],
      );
    });

    it("leaves a co-issuer's grant alone: each data owner revokes only the grants of its own records", async () => {
      const f = await withPurposes();
      const { types, grants } = f.registries;
      await (await types.authoriseIssuer(f.ids.residentId, MARKET)).wait();
      await (await grants.grant(PSB, TAX, RESIDENT_ID, STORE, 0)).wait();
      await (await grants.grant(MARKET, TAX, RESIDENT_ID, STORE, 0)).wait();
      const psbGrant = expectedGrantId(PSB, TAX, RESIDENT_ID, STORE);
      const marketGrant = expectedGrantId(MARKET, TAX, RESIDENT_ID, STORE);
      await expectRevert(
        grants.connect(f.otherDepartment).revokeGrant(psbGrant),
        grants,
        "SharingGrantRegistryUnauthorizedRevocation",
        [f.otherDepartment.address, psbGrant],
      );
      await (await grants.connect(f.otherDepartment).revokeGrant(marketGrant)).wait();
      expect(await grants.mayRead(PSB, TAX, RESIDENT_ID, STORE)).toBe(true);
      expect(await grants.mayRead(MARKET, TAX, RESIDENT_ID, STORE)).toBe(false);
    });

    it("lets a provider revoke its grant after it stopped issuing the type: it still holds the records it issued", async () => {
      const f = await withStoreGrant();
      const { types, grants } = f.registries;
      await (await types.registerVersion(RESIDENT_ID, SCHEMA_HASH, 0, [f.ids.market])).wait();
      await expectRevert(
        grants.connect(f.otherDepartment).revokeGrant(f.grantId),
        grants,
        "SharingGrantRegistryUnauthorizedRevocation",
        [f.otherDepartment.address, f.grantId],
      );
      await (await grants.connect(f.issuer).revokeGrant(f.grantId)).wait();
      expect((await grants.grantOf(f.grantId)).revokedAt).not.toBe(0n);
    });

    it("reverts with SharingGrantRegistryNoActiveGrant on a second revocation and for an unknown id", async () => {
      const f = await withStoreGrant();
      const { grants } = f.registries;
      await (await grants.revokeGrant(f.grantId)).wait();
      await expectRevert(grants.revokeGrant(f.grantId), grants, "SharingGrantRegistryNoActiveGrant", [f.grantId]);
      await expectRevert(grants.connect(f.issuer).revokeGrant(f.grantId), grants, "SharingGrantRegistryNoActiveGrant", [
        f.grantId,
      ]);
      const unknown = expectedGrantId(MARKET, 1, BUSINESS_LICENCE, ANY);
      await expectRevert(grants.revokeGrant(unknown), grants, "SharingGrantRegistryNoActiveGrant", [unknown]);
      expect(await grants.activeGrantCount()).toBe(0n);
    });
  });

  describe("mayRead", () => {
    it("lets an any-purpose grant cover every purpose, registered or not", async () => {
      const f = await withPurposes();
      const { grants } = f.registries;
      await (await grants.grant(PSB, 2, RESIDENT_ID, ANY, 0)).wait();
      for (const purpose of [ANY, STORE, HOMESTAY, codeKey("open-bakery")]) {
        expect(await grants.mayRead(PSB, 2, RESIDENT_ID, purpose)).toBe(true);
      }
    });

    it("lets a purpose grant cover that purpose only", async () => {
      const { registries } = await withStoreGrant();
      const { grants } = registries;
      expect(await grants.mayRead(PSB, 2, RESIDENT_ID, STORE)).toBe(true);
      expect(await grants.mayRead(PSB, 2, RESIDENT_ID, HOMESTAY)).toBe(false);
      expect(await grants.mayRead(PSB, 2, RESIDENT_ID, ANY)).toBe(false);
    });

    it("answers false for another consumer, another type, another provider and an unregistered consumer", async () => {
      const { registries } = await withStoreGrant();
      const { grants } = registries;
      expect(await grants.mayRead(MARKET, 2, RESIDENT_ID, STORE)).toBe(false);
      expect(await grants.mayRead(PSB, TAX, RESIDENT_ID, STORE)).toBe(false);
      expect(await grants.mayRead(MARKET, 2, BUSINESS_LICENCE, STORE)).toBe(false);
      expect(await grants.mayRead(PSB, 9, RESIDENT_ID, STORE)).toBe(false);
      expect(await grants.mayRead(PSB, 0, RESIDENT_ID, STORE)).toBe(false);
    });

    it("reads a grant as live through its validUntil second, inclusive, and expired after it", async () => {
      const f = await withPurposes();
      const { grants } = f.registries;
      const until = (await f.latestTimestamp()) + 100;
      await (await grants.grant(PSB, 2, RESIDENT_ID, STORE, until)).wait();
      await mineBlockAt(f.connection, until - 1);
      expect(await grants.mayRead(PSB, 2, RESIDENT_ID, STORE)).toBe(true);
      await mineBlockAt(f.connection, until);
      expect(await grants.mayRead(PSB, 2, RESIDENT_ID, STORE)).toBe(true);
      await mineBlockAt(f.connection, until + 1);
      expect(await grants.mayRead(PSB, 2, RESIDENT_ID, STORE)).toBe(false);
      expect(await grants.activeGrantCount()).toBe(1n);
    });

    it("answers false once the grant is revoked, and true again once it is made again", async () => {
      const f = await withStoreGrant();
      const { grants } = f.registries;
      await (await grants.revokeGrant(f.grantId)).wait();
      expect(await grants.mayRead(PSB, 2, RESIDENT_ID, STORE)).toBe(false);
      await (await grants.grant(PSB, 2, RESIDENT_ID, STORE, 0)).wait();
      expect(await grants.mayRead(PSB, 2, RESIDENT_ID, STORE)).toBe(true);
    });

    it("falls back to the purpose grant when the any-purpose grant is revoked", async () => {
      const f = await withStoreGrant();
      const { grants } = f.registries;
      await (await grants.grant(PSB, 2, RESIDENT_ID, ANY, 0)).wait();
      await (await grants.revokeGrant(expectedGrantId(PSB, 2, RESIDENT_ID, ANY))).wait();
      expect(await grants.mayRead(PSB, 2, RESIDENT_ID, STORE)).toBe(true);
      expect(await grants.mayRead(PSB, 2, RESIDENT_ID, HOMESTAY)).toBe(false);
    });

    it("answers false while the consumer is suspended, whatever its grants", async () => {
      const f = await withPurposes();
      const { grants, departments } = f.registries;
      await (await grants.grant(PSB, 3, RESIDENT_ID, ANY, 0)).wait();
      expect(await grants.mayRead(PSB, 3, RESIDENT_ID, STORE)).toBe(false);
      await (await departments.reinstateDepartment(3)).wait();
      expect(await grants.mayRead(PSB, 3, RESIDENT_ID, STORE)).toBe(true);
      await (await departments.suspendDepartment(3)).wait();
      expect(await grants.mayRead(PSB, 3, RESIDENT_ID, ANY)).toBe(false);
    });

    it("answers false for a purpose grant once its scenario is retired, keeping the grant on record", async () => {
      const f = await withStoreGrant();
      const { grants, scenarios } = f.registries;
      const granted = [...(await grants.grantOf(f.grantId))];
      await (await scenarios.retireScenario(STORE)).wait();
      expect(await grants.mayRead(PSB, 2, RESIDENT_ID, STORE)).toBe(false);
      expect([...(await grants.grantOf(f.grantId))]).toEqual(granted);
      expect(await grants.activeGrantCount()).toBe(1n);
      await expectRevert(grants.grant(PSB, 2, RESIDENT_ID, STORE, 0), grants, "SharingGrantRegistryUnknownPurpose", [
        STORE,
      ]);
      await (await grants.revokeGrant(f.grantId)).wait();
      expect(await grants.activeGrantCount()).toBe(0n);
    });

    it("ends only the retired scenario's purpose grants: other purposes and any-purpose grants are unaffected", async () => {
      const f = await withStoreGrant();
      const { grants, scenarios } = f.registries;
      await (await grants.grant(PSB, 2, RESIDENT_ID, HOMESTAY, 0)).wait();
      await (await grants.grant(PSB, TAX, RESIDENT_ID, ANY, 0)).wait();
      await (await scenarios.retireScenario(STORE)).wait();
      expect(await grants.mayRead(PSB, 2, RESIDENT_ID, STORE)).toBe(false);
      expect(await grants.mayRead(PSB, 2, RESIDENT_ID, HOMESTAY)).toBe(true);
      for (const purpose of [ANY, STORE, HOMESTAY]) {
        expect(await grants.mayRead(PSB, TAX, RESIDENT_ID, purpose), `any-purpose grant for ${purpose}`).toBe(true);
      }
      await (await grants.grant(PSB, 2, RESIDENT_ID, ANY, 0)).wait();
      expect(await grants.mayRead(PSB, 2, RESIDENT_ID, STORE)).toBe(true);
    });

    it("keeps a grant by type code in force across a new type version", async () => {
      const f = await withStoreGrant();
      await (await f.registries.types.registerVersion(RESIDENT_ID, codeKey("schema v2"), 0, [1])).wait();
      expect(await f.registries.grants.mayRead(PSB, 2, RESIDENT_ID, STORE)).toBe(true);
    });
  });

  describe("views", () => {
    it("derives grant ids as keccak256(abi.encode(provider, consumer, type, purpose))", async () => {
      const { registries } = await registryFixture();
      const { grants } = registries;
      expect(await grants.grantIdOf(PSB, 2, RESIDENT_ID, STORE)).toBe(expectedGrantId(PSB, 2, RESIDENT_ID, STORE));
      expect(await grants.grantIdOf(MARKET, 7, BUSINESS_LICENCE, ANY)).toBe(
        expectedGrantId(MARKET, 7, BUSINESS_LICENCE, ANY),
      );
    });

    it("reads an unknown grant as all zeros", async () => {
      const { registries } = await registryFixture();
      expect([...(await registries.grants.grantOf(STORE))]).toEqual([0n, 0n, 0n, 0n, 0n, ZeroHash, ZeroHash]);
    });

    it("panics with an out-of-bounds index when grantAt reads past the end", async () => {
      const { registries } = await withStoreGrant();
      await expectRevert(registries.grants.grantAt(1), registries.grants, "Panic", [0x32]);
    });
  });
});

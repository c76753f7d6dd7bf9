// CredentialTypeRegistry: the credential-type catalogue, its versions and who is authoritative for each version.
import { ZeroHash } from "ethers";
import { describe, expect, it } from "vitest";
import { MAX_ISSUERS_PER_TYPE } from "../../lib/catalogue/schemas.ts";
import { codeKey } from "../../lib/encoding/codeKey.ts";
import { mineBlockAt, nextBlockIn, type RegistryFixture, registryFixture, SCHEMA_HASH } from "../support/chain.ts";
import { expectEvent, expectEvents } from "../support/events.ts";
import { expectRevert } from "../support/reverts.ts";

const RESIDENT_ID = codeKey("resident-id-card");
const SCHEMA_V2 = codeKey("schema of version 2");
const YEAR = 365n * 86_400n;
/** The bound the contract states: the catalogue checks the same one before a seed reaches the chain. */
const MAX_ISSUERS = MAX_ISSUERS_PER_TYPE;

/** Registers departments 4..(3 + count) without keys. */
async function addDepartments(f: RegistryFixture, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    await (await f.registries.departments.registerDepartment(`extra-${i}`, "", "", "", [])).wait();
  }
}

async function counts(f: RegistryFixture): Promise<[bigint, bigint, bigint]> {
  const { types } = f.registries;
  return [await types.typeCount(), await types.codeCount(), await types.activeTypeCount()];
}

describe("CredentialTypeRegistry", () => {
  it("reports version 2.1.0, at most 32 issuers per type version, and the fixture's two types", async () => {
    const f = await registryFixture();
    expect(await f.registries.types.version()).toBe("2.1.0");
    expect(await f.registries.types.MAX_ISSUERS()).toBe(BigInt(MAX_ISSUERS));
    expect(await counts(f)).toEqual([2n, 2n, 2n]);
  });

  describe("registerType", () => {
    it("registers version 1 under the next id with its code, names, schema hash, validity, time and issuers", async () => {
      const f = await registryFixture();
      const { types } = f.registries;
      const issuers = [2, 1];
      const args = ["tax-certificate", "完税证明", "Tax certificate", SCHEMA_HASH, YEAR, issuers] as const;
      expect(await types.registerType.staticCall(...args)).toBe(3n);
      const at = await nextBlockIn(f);
      await (await types.registerType(...args)).wait();
      const t = await types.credentialType(3);
      expect([t.codeKey, t.version, t.deprecated, t.defaultValidity, t.registeredAt, t.schemaHash]).toEqual([
        codeKey("tax-certificate"),
        1n,
        false,
        YEAR,
        BigInt(at),
        SCHEMA_HASH,
      ]);
      expect([t.code, t.nameZh, t.nameEn, [...t.issuers]]).toEqual([
        "tax-certificate",
        "完税证明",
        "Tax certificate",
        [2n, 1n],
      ]);
      expect(await types.latestTypeId(codeKey("tax-certificate"))).toBe(3n);
      expect(await types.typeIdOf(codeKey("tax-certificate"), 1)).toBe(3n);
      expect(await types.codeKeyOf(3)).toBe(codeKey("tax-certificate"));
      expect(await types.deprecatedAt(3)).toBe(0n);
      expect(await counts(f)).toEqual([3n, 3n, 3n]);
    });

    it("emits CredentialTypeRegistered and, per issuer, CredentialIssuerAuthorised and DepartmentIssuerRoleGranted", async () => {
      const f = await registryFixture();
      const { types, departments } = f.registries;
      const at = await nextBlockIn(f);
      const sent = await types.registerType("tax-certificate", "完税证明", "Tax certificate", SCHEMA_HASH, 0, [2, 1]);
      await expectEvent(sent, types, "CredentialTypeRegistered", [3, codeKey("tax-certificate"), 1, SCHEMA_HASH]);
      await expectEvents(sent, types, "CredentialIssuerAuthorised", [
        [3, 2, at],
        [3, 1, at],
      ]);
      await expectEvents(sent, departments, "DepartmentIssuerRoleGranted", [
        [2, f.typeRegistry, 3, at],
        [1, f.typeRegistry, 3, at],
      ]);
    });

    it("makes every listed issuer authoritative from the second after registration on", async () => {
      const f = await registryFixture();
      const { types, departments } = f.registries;
      const at = await nextBlockIn(f);
      await (await types.registerType("tax-certificate", "完税证明", "Tax certificate", SCHEMA_HASH, 0, [2])).wait();
      expect(await types.isAuthorisedIssuer(3, 2, at - 1)).toBe(false);
      expect(await types.isAuthorisedIssuer(3, 2, at)).toBe(false);
      expect(await types.isAuthorisedIssuer(3, 2, at + 1)).toBe(true);
      expect(await types.isAuthorisedIssuer(3, 1, at + 1)).toBe(false);
      expect(await departments.issuerStanding(f.otherDepartment.address, f.typeRegistry, 3)).toEqual([2n, false, true]);
    });

    it("registers a type without issuers", async () => {
      const { registries } = await registryFixture();
      await (await registries.types.registerType("draft", "草案", "Draft", SCHEMA_HASH, 0, [])).wait();
      expect((await registries.types.credentialType(3)).issuers).toEqual([]);
    });

    it("reverts with CredentialTypeRegistryEmptyCode when the code is empty", async () => {
      const { registries } = await registryFixture();
      const { types } = registries;
      await expectRevert(
        types.registerType("", "无", "None", SCHEMA_HASH, 0, [1]),
        types,
        "CredentialTypeRegistryEmptyCode",
        [],
      );
    });

    it("reverts with CredentialTypeRegistryCodeTaken when the code is registered", async () => {
      const { registries } = await registryFixture();
      const { types } = registries;
      await expectRevert(
        types.registerType("resident-id-card", "居民身份证", "Resident ID card", SCHEMA_V2, 0, [1]),
        types,
        "CredentialTypeRegistryCodeTaken",
        [RESIDENT_ID],
      );
    });

    it("reverts with CredentialTypeRegistryEmptySchemaHash when the schema hash is zero", async () => {
      const { registries } = await registryFixture();
      const { types } = registries;
      await expectRevert(
        types.registerType("tax-certificate", "完税证明", "Tax certificate", ZeroHash, 0, [1]),
        types,
        "CredentialTypeRegistryEmptySchemaHash",
        [],
      );
    });

    it("reverts with DepartmentRegistryUnknownDepartment when an issuer is department 0 or unregistered", async () => {
      const f = await registryFixture();
      const { types } = f.registries;
      for (const id of [0, 4]) {
        await expectRevert(
          types.registerType("tax-certificate", "完税证明", "Tax certificate", SCHEMA_HASH, 0, [1, id]),
          types,
          "DepartmentRegistryUnknownDepartment",
          [id],
        );
      }
      expect(await counts(f)).toEqual([2n, 2n, 2n]);
    });

    it("reverts with CredentialTypeRegistryAlreadyIssuer when an issuer is listed twice", async () => {
      const { registries } = await registryFixture();
      const { types } = registries;
      await expectRevert(
        types.registerType("tax-certificate", "完税证明", "Tax certificate", SCHEMA_HASH, 0, [1, 2, 1]),
        types,
        "CredentialTypeRegistryAlreadyIssuer",
        [3, 1],
      );
    });

    it(`accepts ${MAX_ISSUERS} issuers and reverts with CredentialTypeRegistryTooManyIssuers at ${MAX_ISSUERS + 1}`, async () => {
      const f = await registryFixture();
      const { types } = f.registries;
      await addDepartments(f, MAX_ISSUERS - 2);
      const oneTooMany = Array.from({ length: MAX_ISSUERS + 1 }, (_, i) => i + 1);
      await expectRevert(
        types.registerType("tax-certificate", "完税证明", "Tax certificate", SCHEMA_HASH, 0, oneTooMany),
        types,
        "CredentialTypeRegistryTooManyIssuers",
        [3, MAX_ISSUERS],
      );
      await (
        await types.registerType(
          "tax-certificate",
          "完税证明",
          "Tax certificate",
          SCHEMA_HASH,
          0,
          oneTooMany.slice(0, MAX_ISSUERS),
        )
      ).wait();
      expect((await types.credentialType(3)).issuers).toHaveLength(MAX_ISSUERS);
    });
  });

  describe("registerVersion", () => {
    it("registers the next version under a new id, deprecates the previous one and ends its issuers' periods", async () => {
      const f = await registryFixture();
      const { types } = f.registries;
      expect(await types.registerVersion.staticCall(RESIDENT_ID, SCHEMA_V2, YEAR, [2])).toBe(3n);
      const at = await nextBlockIn(f);
      await (await types.registerVersion(RESIDENT_ID, SCHEMA_V2, YEAR, [2])).wait();

      const v2 = await types.credentialType(3);
      expect([v2.codeKey, v2.version, v2.deprecated, v2.defaultValidity, v2.registeredAt, v2.schemaHash]).toEqual([
        RESIDENT_ID,
        2n,
        false,
        YEAR,
        BigInt(at),
        SCHEMA_V2,
      ]);
      expect([v2.code, v2.nameZh, v2.nameEn, [...v2.issuers]]).toEqual([
        "resident-id-card",
        "居民身份证",
        "Resident ID card",
        [2n],
      ]);
      expect((await types.credentialType(1)).deprecated).toBe(true);
      expect(await types.deprecatedAt(1)).toBe(BigInt(at));
      expect(await types.isAuthorisedIssuer(1, 1, at - 1)).toBe(true);
      expect(await types.isAuthorisedIssuer(1, 1, at)).toBe(false);
      expect(await types.isAuthorisedIssuer(3, 2, at)).toBe(false);
      expect(await types.isAuthorisedIssuer(3, 2, at + 1)).toBe(true);
      expect(await types.isAuthorisedIssuer(3, 1, at + 1)).toBe(false);
    });

    it("emits the old version's CredentialIssuerRevoked and CredentialTypeDeprecated, then the new version's events", async () => {
      const f = await registryFixture();
      const { types, departments } = f.registries;
      const at = await nextBlockIn(f);
      const sent = await types.registerVersion(RESIDENT_ID, SCHEMA_V2, 0, [2]);
      await expectEvent(sent, types, "CredentialIssuerRevoked", [1, 1, at]);
      await expectEvent(sent, types, "CredentialTypeDeprecated", [1, at]);
      await expectEvent(sent, types, "CredentialTypeRegistered", [3, RESIDENT_ID, 2, SCHEMA_V2]);
      await expectEvent(sent, types, "CredentialIssuerAuthorised", [3, 2, at]);
      await expectEvent(sent, departments, "DepartmentIssuerRoleEnded", [1, f.typeRegistry, 1, at]);
      await expectEvent(sent, departments, "DepartmentIssuerRoleGranted", [2, f.typeRegistry, 3, at]);
    });

    it("points latestTypeId at the new version and typeIdOf at each version, keeping the old one readable", async () => {
      const f = await registryFixture();
      const { types } = f.registries;
      await (await types.registerVersion(RESIDENT_ID, SCHEMA_V2, 0, [1])).wait();
      await (await types.registerVersion(RESIDENT_ID, codeKey("schema of version 3"), 0, [1])).wait();
      expect(await types.latestTypeId(RESIDENT_ID)).toBe(4n);
      expect(await types.typeIdOf(RESIDENT_ID, 1)).toBe(1n);
      expect(await types.typeIdOf(RESIDENT_ID, 2)).toBe(3n);
      expect(await types.typeIdOf(RESIDENT_ID, 3)).toBe(4n);
      expect(await types.typeIdOf(RESIDENT_ID, 0)).toBe(0n);
      expect(await types.typeIdOf(RESIDENT_ID, 4)).toBe(0n);
      const v1 = await types.credentialType(1);
      expect([v1.version, v1.schemaHash, v1.deprecated, [...v1.issuers]]).toEqual([1n, SCHEMA_HASH, true, [1n]]);
      expect((await types.credentialType(3)).deprecated).toBe(true);
      expect(await types.codeKeyOf(3)).toBe(RESIDENT_ID);
    });

    it("adds a type version without adding a code or an active code", async () => {
      const f = await registryFixture();
      await (await f.registries.types.registerVersion(RESIDENT_ID, SCHEMA_V2, 0, [1])).wait();
      expect(await counts(f)).toEqual([3n, 2n, 2n]);
    });

    it("counts the code as active again when a new version follows a deprecated one, without deprecating it twice", async () => {
      const f = await registryFixture();
      const { types } = f.registries;
      const deprecated = await nextBlockIn(f);
      await (await types.deprecateType(1)).wait();
      expect(await counts(f)).toEqual([2n, 2n, 1n]);
      const sent = await types.registerVersion(RESIDENT_ID, SCHEMA_V2, 0, [1]);
      await expectEvents(sent, types, "CredentialTypeDeprecated", []);
      await expectEvents(sent, types, "CredentialIssuerRevoked", []);
      expect(await counts(f)).toEqual([3n, 2n, 2n]);
      expect(await types.deprecatedAt(1)).toBe(BigInt(deprecated));
    });

    it("reverts with CredentialTypeRegistryUnknownCode for an unregistered code", async () => {
      const { registries } = await registryFixture();
      const { types } = registries;
      await expectRevert(
        types.registerVersion(codeKey("tax-certificate"), SCHEMA_V2, 0, [1]),
        types,
        "CredentialTypeRegistryUnknownCode",
        [codeKey("tax-certificate")],
      );
    });

    it("reverts with CredentialTypeRegistryEmptySchemaHash and leaves the previous version in force", async () => {
      const f = await registryFixture();
      const { types } = f.registries;
      await expectRevert(
        types.registerVersion(RESIDENT_ID, ZeroHash, 0, [1]),
        types,
        "CredentialTypeRegistryEmptySchemaHash",
        [],
      );
      expect((await types.credentialType(1)).deprecated).toBe(false);
      expect(await types.isAuthorisedIssuer(1, 1, await f.latestTimestamp())).toBe(true);
    });

    it("reverts with DepartmentRegistryUnknownDepartment or CredentialTypeRegistryAlreadyIssuer for bad issuers", async () => {
      const { registries } = await registryFixture();
      const { types } = registries;
      await expectRevert(
        types.registerVersion(RESIDENT_ID, SCHEMA_V2, 0, [4]),
        types,
        "DepartmentRegistryUnknownDepartment",
        [4],
      );
      await expectRevert(
        types.registerVersion(RESIDENT_ID, SCHEMA_V2, 0, [2, 2]),
        types,
        "CredentialTypeRegistryAlreadyIssuer",
        [3, 2],
      );
    });
  });

  describe("deprecateType", () => {
    it("deprecates the version, ends every issuer's period and emits the revocations and CredentialTypeDeprecated", async () => {
      const f = await registryFixture();
      const { types, departments } = f.registries;
      await (await types.authoriseIssuer(1, 2)).wait();
      const at = await nextBlockIn(f);
      const sent = await types.deprecateType(1);
      await expectEvents(sent, types, "CredentialIssuerRevoked", [
        [1, 1, at],
        [1, 2, at],
      ]);
      await expectEvent(sent, types, "CredentialTypeDeprecated", [1, at]);
      await expectEvents(sent, departments, "DepartmentIssuerRoleEnded", [
        [1, f.typeRegistry, 1, at],
        [2, f.typeRegistry, 1, at],
      ]);
      expect((await types.credentialType(1)).deprecated).toBe(true);
      expect(await types.deprecatedAt(1)).toBe(BigInt(at));
      expect(await departments.issuerStanding(f.issuer.address, f.typeRegistry, 1)).toEqual([1n, false, false]);
      expect(await types.isAuthorisedIssuer(1, 1, at - 1)).toBe(true);
    });

    it("lowers only the active count and keeps the version as the code's latest", async () => {
      const f = await registryFixture();
      await (await f.registries.types.deprecateType(1)).wait();
      expect(await counts(f)).toEqual([2n, 2n, 1n]);
      expect(await f.registries.types.latestTypeId(RESIDENT_ID)).toBe(1n);
    });

    it("reverts with CredentialTypeRegistryDeprecated on a second deprecation", async () => {
      const f = await registryFixture();
      const { types } = f.registries;
      await (await types.deprecateType(1)).wait();
      await expectRevert(types.deprecateType(1), types, "CredentialTypeRegistryDeprecated", [1]);
      expect(await counts(f)).toEqual([2n, 2n, 1n]);
    });

    it("reverts with CredentialTypeRegistryDeprecated for a version a newer one replaced", async () => {
      const f = await registryFixture();
      const { types } = f.registries;
      await (await types.registerVersion(RESIDENT_ID, SCHEMA_V2, 0, [1])).wait();
      await expectRevert(types.deprecateType(1), types, "CredentialTypeRegistryDeprecated", [1]);
      expect(await counts(f)).toEqual([3n, 2n, 2n]);
    });

    it("reverts with CredentialTypeRegistryUnknownType for type 0 and an unregistered id", async () => {
      const { registries } = await registryFixture();
      const { types } = registries;
      for (const id of [0, 3]) {
        await expectRevert(types.deprecateType(id), types, "CredentialTypeRegistryUnknownType", [id]);
      }
    });
  });

  describe("authoriseIssuer", () => {
    it("makes the department authoritative from now on and emits CredentialIssuerAuthorised", async () => {
      const f = await registryFixture();
      const { types, departments } = f.registries;
      const at = await nextBlockIn(f);
      const sent = await types.authoriseIssuer(1, 2);
      await expectEvent(sent, types, "CredentialIssuerAuthorised", [1, 2, at]);
      await expectEvent(sent, departments, "DepartmentIssuerRoleGranted", [2, f.typeRegistry, 1, at]);
      expect((await types.credentialType(1)).issuers).toEqual([1n, 2n]);
      expect(await types.isAuthorisedIssuer(1, 2, at - 1)).toBe(false);
      expect(await types.isAuthorisedIssuer(1, 2, at)).toBe(false);
      expect(await types.isAuthorisedIssuer(1, 2, at + 1)).toBe(true);
    });

    it("authorises a suspended department, whose standing still reports the suspension", async () => {
      const f = await registryFixture();
      await (await f.registries.types.authoriseIssuer(1, 3)).wait();
      expect(await f.registries.departments.issuerStanding(f.suspendedDepartment.address, f.typeRegistry, 1)).toEqual([
        3n,
        true,
        true,
      ]);
    });

    it("opens a new period after a revocation, keeping the earlier one readable", async () => {
      const f = await registryFixture();
      const { types } = f.registries;
      const revoked = await nextBlockIn(f, 10);
      await (await types.revokeIssuer(1, 1)).wait();
      const again = await nextBlockIn(f, 10);
      await (await types.authoriseIssuer(1, 1)).wait();
      await mineBlockAt(f.connection, again + 10);
      expect(await types.isAuthorisedIssuer(1, 1, revoked - 1)).toBe(true);
      expect(await types.isAuthorisedIssuer(1, 1, revoked)).toBe(false);
      expect(await types.isAuthorisedIssuer(1, 1, again)).toBe(false);
      expect(await types.isAuthorisedIssuer(1, 1, again + 1)).toBe(true);
      expect((await types.credentialType(1)).issuers).toEqual([1n]);
    });

    it("reverts with CredentialTypeRegistryDeprecated for a deprecated version", async () => {
      const { registries } = await registryFixture();
      const { types } = registries;
      await (await types.deprecateType(1)).wait();
      await expectRevert(types.authoriseIssuer(1, 2), types, "CredentialTypeRegistryDeprecated", [1]);
    });

    it("reverts with CredentialTypeRegistryAlreadyIssuer when the department is an issuer", async () => {
      const { registries } = await registryFixture();
      const { types } = registries;
      await expectRevert(types.authoriseIssuer(1, 1), types, "CredentialTypeRegistryAlreadyIssuer", [1, 1]);
    });

    it("reverts with DepartmentRegistryUnknownDepartment for department 0 and an unregistered id", async () => {
      const { registries } = await registryFixture();
      const { types } = registries;
      for (const id of [0, 4]) {
        await expectRevert(types.authoriseIssuer(1, id), types, "DepartmentRegistryUnknownDepartment", [id]);
      }
    });

    it("reverts with CredentialTypeRegistryUnknownType for an unregistered type", async () => {
      const { registries } = await registryFixture();
      const { types } = registries;
      await expectRevert(types.authoriseIssuer(3, 1), types, "CredentialTypeRegistryUnknownType", [3]);
    });

    it(`reverts with CredentialTypeRegistryTooManyIssuers when the version has ${MAX_ISSUERS} issuers`, async () => {
      const f = await registryFixture();
      const { types } = f.registries;
      await addDepartments(f, MAX_ISSUERS - 2);
      for (let id = 2; id <= MAX_ISSUERS; id++) await (await types.authoriseIssuer(1, id)).wait();
      await expectRevert(types.authoriseIssuer(1, MAX_ISSUERS + 1), types, "CredentialTypeRegistryTooManyIssuers", [
        1,
        MAX_ISSUERS,
      ]);
    });
  });

  describe("revokeIssuer", () => {
    it("ends the department's authority from now on and emits CredentialIssuerRevoked", async () => {
      const f = await registryFixture();
      const { types, departments } = f.registries;
      const at = await nextBlockIn(f);
      const sent = await types.revokeIssuer(1, 1);
      await expectEvent(sent, types, "CredentialIssuerRevoked", [1, 1, at]);
      await expectEvent(sent, departments, "DepartmentIssuerRoleEnded", [1, f.typeRegistry, 1, at]);
      expect((await types.credentialType(1)).issuers).toEqual([]);
      expect(await types.isAuthorisedIssuer(1, 1, at - 1)).toBe(true);
      expect(await types.isAuthorisedIssuer(1, 1, at)).toBe(false);
      expect(await departments.issuerStanding(f.issuer.address, f.typeRegistry, 1)).toEqual([1n, false, false]);
    });

    it("moves the last issuer into the revoked issuer's place", async () => {
      const f = await registryFixture();
      const { types } = f.registries;
      await (await types.authoriseIssuer(1, 2)).wait();
      await (await types.authoriseIssuer(1, 3)).wait();
      await (await types.revokeIssuer(1, 1)).wait();
      expect((await types.credentialType(1)).issuers).toEqual([3n, 2n]);
    });

    it("reverts with CredentialTypeRegistryNotIssuer when the department is not an issuer", async () => {
      const { registries } = await registryFixture();
      const { types } = registries;
      await expectRevert(types.revokeIssuer(1, 2), types, "CredentialTypeRegistryNotIssuer", [1, 2]);
      await expectRevert(types.revokeIssuer(1, 4), types, "CredentialTypeRegistryNotIssuer", [1, 4]);
    });

    it("reverts with CredentialTypeRegistryUnknownType for an unregistered type", async () => {
      const { registries } = await registryFixture();
      const { types } = registries;
      await expectRevert(types.revokeIssuer(0, 1), types, "CredentialTypeRegistryUnknownType", [0]);
    });

    it("reverts with CredentialTypeRegistryDeprecated for a deprecated version", async () => {
      const { registries } = await registryFixture();
      const { types } = registries;
      await (await types.deprecateType(1)).wait();
      const before = await types.credentialType(1);
      await expectRevert(types.revokeIssuer(1, 1), types, "CredentialTypeRegistryDeprecated", [1]);
      expect(await types.credentialType(1)).toEqual(before);
    });

    it("reverts with CredentialTypeRegistryDeprecated for a version a newer one replaced, whose issuers stay listed", async () => {
      const { registries } = await registryFixture();
      const { types } = registries;
      await (await types.registerVersion(RESIDENT_ID, SCHEMA_V2, 0, [1])).wait();
      await expectRevert(types.revokeIssuer(1, 1), types, "CredentialTypeRegistryDeprecated", [1]);
      expect((await types.credentialType(1)).issuers).toEqual([1n]);
      expect((await types.credentialType(3)).issuers).toEqual([1n]);
    });
  });

  describe("views", () => {
    it("reverts with CredentialTypeRegistryUnknownType when reading type 0 or an unregistered id", async () => {
      const { registries } = await registryFixture();
      const { types } = registries;
      for (const id of [0, 3]) {
        await expectRevert(types.credentialType(id), types, "CredentialTypeRegistryUnknownType", [id]);
      }
    });

    it("answers the zero code key, id 0 and deprecation time 0 for unknown types and codes", async () => {
      const { registries } = await registryFixture();
      const { types } = registries;
      expect(await types.codeKeyOf(0)).toBe(ZeroHash);
      expect(await types.codeKeyOf(3)).toBe(ZeroHash);
      expect(await types.codeKeyOf(2)).toBe(codeKey("business-licence"));
      expect(await types.latestTypeId(codeKey("tax-certificate"))).toBe(0n);
      expect(await types.typeIdOf(codeKey("tax-certificate"), 1)).toBe(0n);
      expect(await types.deprecatedAt(3)).toBe(0n);
    });

    it("forwards isAuthorisedIssuer to the department registry with type and department in their places", async () => {
      const f = await registryFixture();
      const { types, departments } = f.registries;
      await (await types.registerType("tax-certificate", "完税证明", "Tax certificate", SCHEMA_HASH, 0, [1])).wait();
      const now = (await f.latestTimestamp()) + 1;
      expect(await types.isAuthorisedIssuer(3, 1, now)).toBe(true);
      expect(await departments.isAuthorisedIssuer(1, f.typeRegistry, 3, now)).toBe(true);
      expect(await types.isAuthorisedIssuer(1, 3, now)).toBe(false);
      expect(await types.isAuthorisedIssuer(2, 2, now)).toBe(true);
      expect(await types.isAuthorisedIssuer(2, 1, now)).toBe(false);
    });
  });
});

// DepartmentRegistry: departments, signer keys, endpoints, suspension and issuer periods.
import { ZeroAddress } from "ethers";
import { describe, expect, it } from "vitest";
import { CATALOGUE_ROLE } from "../../lib/chain/registries.ts";
import { codeKey } from "../../lib/encoding/codeKey.ts";
import { keyAddress, mineBlockAt, nextBlockIn, type RegistryFixture, registryFixture } from "../support/chain.ts";
import { expectEvent, expectEvents } from "../support/events.ts";
import { expectRevert } from "../support/reverts.ts";

const eightKeys = Array.from({ length: 8 }, (_, i) => keyAddress(0x100 + i));
const nineOtherKeys = Array.from({ length: 9 }, (_, i) => keyAddress(0x200 + i));

async function signersOf(f: RegistryFixture, departmentId: number): Promise<string[]> {
  return [...(await f.registries.departments.department(departmentId)).signers];
}

/** Department 1 (psb) holding `count` keys in all: the issuer plus fixed extra keys. */
async function fillSigners(f: RegistryFixture, count: number): Promise<void> {
  for (const key of eightKeys.slice(0, count - 1)) {
    await (await f.registries.departments.addSigner(1, key)).wait();
  }
}

describe("DepartmentRegistry", () => {
  it("reports version 2.0.0 and at most 8 signer keys per department", async () => {
    const { registries } = await registryFixture();
    expect(await registries.departments.version()).toBe("2.0.0");
    expect(await registries.departments.MAX_SIGNERS()).toBe(8n);
  });

  describe("registerDepartment", () => {
    it("registers a department under the next id with its names, endpoint, signers and registration time", async () => {
      const f = await registryFixture();
      const { departments } = f.registries;
      const keys = [keyAddress(1), keyAddress(2)];
      const args = ["tax", "区税务局", "Tax Bureau", "https://tax.example", keys] as const;
      expect(await departments.registerDepartment.staticCall(...args)).toBe(4n);
      const at = await nextBlockIn(f);
      await (await departments.registerDepartment(...args)).wait();
      const d = await departments.department(4);
      expect([d.code, d.nameZh, d.nameEn, d.endpoint, d.suspended, d.registeredAt]).toEqual([
        "tax",
        "区税务局",
        "Tax Bureau",
        "https://tax.example",
        false,
        BigInt(at),
      ]);
      expect([...d.signers]).toEqual(keys);
      expect(await departments.departmentIdOf(codeKey("tax"))).toBe(4n);
      expect(await departments.departmentCount()).toBe(4n);
      expect(await departments.signerDepartment(keyAddress(2))).toEqual([4n, false]);
    });

    it("emits DepartmentRegistered, DepartmentEndpointChanged and DepartmentSignerAdded for each key", async () => {
      const { registries } = await registryFixture();
      const { departments } = registries;
      const tx = departments.registerDepartment("tax", "区税务局", "Tax Bureau", "https://tax.example", [
        keyAddress(1),
        keyAddress(2),
      ]);
      const sent = await tx;
      await expectEvent(sent, departments, "DepartmentRegistered", [4, codeKey("tax"), "tax"]);
      await expectEvent(sent, departments, "DepartmentEndpointChanged", [4, "https://tax.example"]);
      await expectEvents(sent, departments, "DepartmentSignerAdded", [
        [4, keyAddress(1)],
        [4, keyAddress(2)],
      ]);
    });

    it("emits no DepartmentEndpointChanged and holds no key when registered without endpoint or signers", async () => {
      const { registries } = await registryFixture();
      const { departments } = registries;
      const sent = await departments.registerDepartment("tax", "区税务局", "Tax Bureau", "", []);
      await expectEvents(sent, departments, "DepartmentEndpointChanged", []);
      await expectEvents(sent, departments, "DepartmentSignerAdded", []);
      expect((await departments.department(4)).signers).toEqual([]);
    });

    it("reverts with DepartmentRegistryEmptyCode when the code is empty", async () => {
      const { registries } = await registryFixture();
      const { departments } = registries;
      await expectRevert(
        departments.registerDepartment("", "无", "None", "", []),
        departments,
        "DepartmentRegistryEmptyCode",
        [],
      );
    });

    it("reverts with DepartmentRegistryCodeTaken when the code is already registered", async () => {
      const { registries } = await registryFixture();
      const { departments } = registries;
      await expectRevert(
        departments.registerDepartment("psb", "重复", "Duplicate", "", []),
        departments,
        "DepartmentRegistryCodeTaken",
        [codeKey("psb"), 1],
      );
    });

    it("reverts with DepartmentRegistryZeroSigner when a signer is the zero address", async () => {
      const { registries } = await registryFixture();
      const { departments } = registries;
      await expectRevert(
        departments.registerDepartment("tax", "区税务局", "Tax Bureau", "", [keyAddress(1), ZeroAddress]),
        departments,
        "DepartmentRegistryZeroSigner",
        [],
      );
    });

    it("reverts with DepartmentRegistrySignerTaken when a key already signs for another department", async () => {
      const { registries, issuer } = await registryFixture();
      const { departments } = registries;
      await expectRevert(
        departments.registerDepartment("tax", "区税务局", "Tax Bureau", "", [issuer.address]),
        departments,
        "DepartmentRegistrySignerTaken",
        [issuer.address, 1],
      );
    });

    it("reverts with DepartmentRegistrySignerTaken when the same key is listed twice", async () => {
      const { registries } = await registryFixture();
      const { departments } = registries;
      await expectRevert(
        departments.registerDepartment("tax", "区税务局", "Tax Bureau", "", [keyAddress(1), keyAddress(1)]),
        departments,
        "DepartmentRegistrySignerTaken",
        [keyAddress(1), 4],
      );
    });

    it("accepts 8 signer keys and reverts with DepartmentRegistryTooManySigners at 9", async () => {
      const { registries } = await registryFixture();
      const { departments } = registries;
      await (await departments.registerDepartment("tax", "区税务局", "Tax Bureau", "", eightKeys)).wait();
      expect((await departments.department(4)).signers).toHaveLength(8);
      await expectRevert(
        departments.registerDepartment("housing", "区住建委", "Housing", "", nineOtherKeys),
        departments,
        "DepartmentRegistryTooManySigners",
        [5, 8],
      );
      expect(await departments.departmentCount()).toBe(4n);
    });
  });

  describe("addSigner", () => {
    it("adds a key that then signs for the department, and emits DepartmentSignerAdded", async () => {
      const f = await registryFixture();
      const { departments } = f.registries;
      await expectEvent(departments.addSigner(1, keyAddress(1)), departments, "DepartmentSignerAdded", [
        1,
        keyAddress(1),
      ]);
      expect(await signersOf(f, 1)).toEqual([f.issuer.address, keyAddress(1)]);
      expect(await departments.signerDepartment(keyAddress(1))).toEqual([1n, false]);
      expect(await departments.issuerStanding(keyAddress(1), f.typeRegistry, f.ids.residentId)).toEqual([
        1n,
        false,
        true,
      ]);
    });

    it("marks a key added to a suspended department as suspended", async () => {
      const { registries } = await registryFixture();
      await (await registries.departments.addSigner(3, keyAddress(1))).wait();
      expect(await registries.departments.signerDepartment(keyAddress(1))).toEqual([3n, true]);
    });

    it("reverts with DepartmentRegistryUnknownDepartment for department 0 and an unregistered id", async () => {
      const { registries } = await registryFixture();
      const { departments } = registries;
      for (const id of [0, 4]) {
        await expectRevert(
          departments.addSigner(id, keyAddress(1)),
          departments,
          "DepartmentRegistryUnknownDepartment",
          [id],
        );
      }
    });

    it("reverts with DepartmentRegistryZeroSigner when the key is the zero address", async () => {
      const { registries } = await registryFixture();
      const { departments } = registries;
      await expectRevert(departments.addSigner(1, ZeroAddress), departments, "DepartmentRegistryZeroSigner", []);
    });

    it("reverts with DepartmentRegistrySignerTaken when the key signs for this or another department", async () => {
      const { registries, issuer, otherDepartment } = await registryFixture();
      const { departments } = registries;
      await expectRevert(departments.addSigner(1, issuer.address), departments, "DepartmentRegistrySignerTaken", [
        issuer.address,
        1,
      ]);
      await expectRevert(
        departments.addSigner(1, otherDepartment.address),
        departments,
        "DepartmentRegistrySignerTaken",
        [otherDepartment.address, 2],
      );
    });

    it("reverts with DepartmentRegistryTooManySigners when the department holds 8 keys", async () => {
      const f = await registryFixture();
      await fillSigners(f, 8);
      await expectRevert(
        f.registries.departments.addSigner(1, keyAddress(1)),
        f.registries.departments,
        "DepartmentRegistryTooManySigners",
        [1, 8],
      );
    });
  });

  describe("removeSigner", () => {
    it("removes a key, which then signs for no department, and emits DepartmentSignerRemoved", async () => {
      const f = await registryFixture();
      const { departments } = f.registries;
      await expectEvent(departments.removeSigner(1, f.issuer.address), departments, "DepartmentSignerRemoved", [
        1,
        f.issuer.address,
      ]);
      expect(await signersOf(f, 1)).toEqual([]);
      expect(await departments.signerDepartment(f.issuer.address)).toEqual([0n, false]);
      expect(await departments.issuerStanding(f.issuer.address, f.typeRegistry, f.ids.residentId)).toEqual([
        0n,
        false,
        false,
      ]);
    });

    it("moves the last key into the removed key's place", async () => {
      const f = await registryFixture();
      await fillSigners(f, 3);
      await (await f.registries.departments.removeSigner(1, f.issuer.address)).wait();
      expect(await signersOf(f, 1)).toEqual([eightKeys[1], eightKeys[0]]);
    });

    it("keeps the key's epoch when it is removed and counts it up when the key is added again", async () => {
      const { registries, issuer } = await registryFixture();
      const { departments } = registries;
      expect(await departments.signerEpoch(issuer.address)).toBe(1n);
      await (await departments.removeSigner(1, issuer.address)).wait();
      expect(await departments.signerEpoch(issuer.address)).toBe(1n);
      await (await departments.addSigner(2, issuer.address)).wait();
      expect(await departments.signerEpoch(issuer.address)).toBe(2n);
      expect(await departments.signerEpoch(keyAddress(1))).toBe(0n);
    });

    it("frees the key to sign for another department", async () => {
      const { registries, issuer } = await registryFixture();
      const { departments } = registries;
      await (await departments.removeSigner(1, issuer.address)).wait();
      await (await departments.addSigner(2, issuer.address)).wait();
      expect(await departments.signerDepartment(issuer.address)).toEqual([2n, false]);
    });

    it("reverts with DepartmentRegistryNotSigner when the key signs for another department or none", async () => {
      const { registries, otherDepartment, outsider } = await registryFixture();
      const { departments } = registries;
      await expectRevert(
        departments.removeSigner(1, otherDepartment.address),
        departments,
        "DepartmentRegistryNotSigner",
        [otherDepartment.address, 1],
      );
      await expectRevert(departments.removeSigner(1, outsider.address), departments, "DepartmentRegistryNotSigner", [
        outsider.address,
        1,
      ]);
    });

    it("reverts with DepartmentRegistryUnknownDepartment for an unregistered department", async () => {
      const { registries, issuer } = await registryFixture();
      const { departments } = registries;
      await expectRevert(
        departments.removeSigner(4, issuer.address),
        departments,
        "DepartmentRegistryUnknownDepartment",
        [4],
      );
    });
  });

  describe("rotateSigner", () => {
    it("replaces a key in one step, emitting DepartmentSignerRemoved and DepartmentSignerAdded", async () => {
      const f = await registryFixture();
      const { departments } = f.registries;
      const sent = await departments.rotateSigner(1, f.issuer.address, keyAddress(1));
      await expectEvent(sent, departments, "DepartmentSignerRemoved", [1, f.issuer.address]);
      await expectEvent(sent, departments, "DepartmentSignerAdded", [1, keyAddress(1)]);
      expect(await signersOf(f, 1)).toEqual([keyAddress(1)]);
      expect(await departments.signerDepartment(f.issuer.address)).toEqual([0n, false]);
      expect(await departments.issuerStanding(keyAddress(1), f.typeRegistry, f.ids.residentId)).toEqual([
        1n,
        false,
        true,
      ]);
    });

    it("rotates a key of a department that holds 8 keys", async () => {
      const f = await registryFixture();
      await fillSigners(f, 8);
      await (await f.registries.departments.rotateSigner(1, f.issuer.address, keyAddress(1))).wait();
      expect(await signersOf(f, 1)).toHaveLength(8);
      expect(await f.registries.departments.signerDepartment(keyAddress(1))).toEqual([1n, false]);
    });

    it("keeps the suspension on the new key of a suspended department", async () => {
      const { registries, suspendedDepartment } = await registryFixture();
      await (await registries.departments.rotateSigner(3, suspendedDepartment.address, keyAddress(1))).wait();
      expect(await registries.departments.signerDepartment(keyAddress(1))).toEqual([3n, true]);
    });

    it("reverts with DepartmentRegistryNotSigner when the old key does not sign for the department", async () => {
      const { registries, otherDepartment } = await registryFixture();
      const { departments } = registries;
      await expectRevert(
        departments.rotateSigner(1, otherDepartment.address, keyAddress(1)),
        departments,
        "DepartmentRegistryNotSigner",
        [otherDepartment.address, 1],
      );
    });

    it("reverts with DepartmentRegistrySignerTaken and keeps the old key when the new key is taken", async () => {
      const { registries, issuer, otherDepartment } = await registryFixture();
      const { departments } = registries;
      await expectRevert(
        departments.rotateSigner(1, issuer.address, otherDepartment.address),
        departments,
        "DepartmentRegistrySignerTaken",
        [otherDepartment.address, 2],
      );
      expect(await departments.signerDepartment(issuer.address)).toEqual([1n, false]);
    });

    it("reverts with DepartmentRegistryZeroSigner when the new key is the zero address", async () => {
      const { registries, issuer } = await registryFixture();
      const { departments } = registries;
      await expectRevert(
        departments.rotateSigner(1, issuer.address, ZeroAddress),
        departments,
        "DepartmentRegistryZeroSigner",
        [],
      );
    });

    it("reverts with DepartmentRegistryUnknownDepartment for an unregistered department", async () => {
      const { registries, issuer } = await registryFixture();
      const { departments } = registries;
      await expectRevert(
        departments.rotateSigner(0, issuer.address, keyAddress(1)),
        departments,
        "DepartmentRegistryUnknownDepartment",
        [0],
      );
    });
  });

  describe("setEndpoint", () => {
    it("lets the operator set any department's endpoint, emitting DepartmentEndpointChanged", async () => {
      const { registries } = await registryFixture();
      const { departments } = registries;
      await expectEvent(departments.setEndpoint(2, "https://amr.example"), departments, "DepartmentEndpointChanged", [
        2,
        "https://amr.example",
      ]);
      expect((await departments.department(2)).endpoint).toBe("https://amr.example");
    });

    it("lets a department's own signer set and clear its endpoint", async () => {
      const { registries, issuer } = await registryFixture();
      const departments = registries.departments.connect(issuer);
      await (await departments.setEndpoint(1, "https://psb.example")).wait();
      expect((await departments.department(1)).endpoint).toBe("https://psb.example");
      await expectEvent(departments.setEndpoint(1, ""), departments, "DepartmentEndpointChanged", [1, ""]);
      expect((await departments.department(1)).endpoint).toBe("");
    });

    it("lets a suspended department's own signer set its endpoint", async () => {
      const { registries, suspendedDepartment } = await registryFixture();
      const departments = registries.departments.connect(suspendedDepartment);
      await (await departments.setEndpoint(3, "https://tobacco.example")).wait();
      expect((await departments.department(3)).endpoint).toBe("https://tobacco.example");
    });

    it("reverts with DepartmentRegistryUnauthorizedEndpointChange for other departments' signers, suspended or not, and an outsider", async () => {
      const f = await registryFixture();
      for (const caller of [f.otherDepartment, f.suspendedDepartment, f.outsider]) {
        await expectRevert(
          f.registries.departments.connect(caller).setEndpoint(1, "https://evil.example"),
          f.registries.departments,
          "DepartmentRegistryUnauthorizedEndpointChange",
          [caller.address, 1],
        );
      }
      expect((await f.registries.departments.department(1)).endpoint).toBe("");
    });

    it("reverts with DepartmentRegistryUnknownDepartment for an unregistered department, even for the operator", async () => {
      const { registries } = await registryFixture();
      const { departments } = registries;
      await expectRevert(
        departments.setEndpoint(4, "https://nowhere.example"),
        departments,
        "DepartmentRegistryUnknownDepartment",
        [4],
      );
    });
  });

  describe("suspendDepartment", () => {
    it("suspends the department and every key's mirrored standing, emitting DepartmentSuspended", async () => {
      const f = await registryFixture();
      const { departments } = f.registries;
      await (await departments.addSigner(1, keyAddress(1))).wait();
      const at = await nextBlockIn(f);
      await expectEvent(departments.suspendDepartment(1), departments, "DepartmentSuspended", [1, at]);
      expect(await departments.isSuspended(1)).toBe(true);
      expect((await departments.department(1)).suspended).toBe(true);
      expect(await departments.signerDepartment(f.issuer.address)).toEqual([1n, true]);
      expect(await departments.signerDepartment(keyAddress(1))).toEqual([1n, true]);
      expect(await departments.issuerStanding(f.issuer.address, f.typeRegistry, f.ids.residentId)).toEqual([
        1n,
        true,
        true,
      ]);
    });

    it("leaves other departments' standing alone", async () => {
      const { registries, otherDepartment } = await registryFixture();
      const { departments } = registries;
      await (await departments.suspendDepartment(1)).wait();
      expect(await departments.signerDepartment(otherDepartment.address)).toEqual([2n, false]);
      expect(await departments.isSuspended(2)).toBe(false);
    });

    it("reverts with DepartmentRegistryAlreadySuspended when the department is suspended", async () => {
      const { registries } = await registryFixture();
      const { departments } = registries;
      await expectRevert(departments.suspendDepartment(3), departments, "DepartmentRegistryAlreadySuspended", [3]);
    });

    it("reverts with DepartmentRegistryUnknownDepartment for an unregistered department", async () => {
      const { registries } = await registryFixture();
      const { departments } = registries;
      await expectRevert(departments.suspendDepartment(4), departments, "DepartmentRegistryUnknownDepartment", [4]);
    });
  });

  describe("reinstateDepartment", () => {
    it("lifts the suspension from the department and every key, emitting DepartmentReinstated", async () => {
      const f = await registryFixture();
      const { departments } = f.registries;
      await (await departments.addSigner(3, keyAddress(1))).wait();
      const at = await nextBlockIn(f);
      await expectEvent(departments.reinstateDepartment(3), departments, "DepartmentReinstated", [3, at]);
      expect(await departments.isSuspended(3)).toBe(false);
      expect((await departments.department(3)).suspended).toBe(false);
      expect(await departments.signerDepartment(f.suspendedDepartment.address)).toEqual([3n, false]);
      expect(await departments.signerDepartment(keyAddress(1))).toEqual([3n, false]);
    });

    it("reverts with DepartmentRegistryNotSuspended for a department in good standing and on a second reinstatement", async () => {
      const { registries } = await registryFixture();
      const { departments } = registries;
      await expectRevert(departments.reinstateDepartment(1), departments, "DepartmentRegistryNotSuspended", [1]);
      await (await departments.reinstateDepartment(3)).wait();
      await expectRevert(departments.reinstateDepartment(3), departments, "DepartmentRegistryNotSuspended", [3]);
    });

    it("lets a reinstated department be suspended again", async () => {
      const { registries, suspendedDepartment } = await registryFixture();
      const { departments } = registries;
      await (await departments.reinstateDepartment(3)).wait();
      await (await departments.suspendDepartment(3)).wait();
      expect(await departments.signerDepartment(suspendedDepartment.address)).toEqual([3n, true]);
    });

    it("reverts with DepartmentRegistryUnknownDepartment for an unregistered department", async () => {
      const { registries } = await registryFixture();
      const { departments } = registries;
      await expectRevert(departments.reinstateDepartment(0), departments, "DepartmentRegistryUnknownDepartment", [0]);
    });
  });

  describe("setIssuerRole (called with CATALOGUE_ROLE granted to a test key)", () => {
    async function catalogueFixture() {
      const f = await registryFixture();
      await (await f.registries.accessManager.grantRole(CATALOGUE_ROLE, f.outsider.address, 0)).wait();
      return { ...f, catalogue: f.registries.departments.connect(f.outsider) };
    }

    it("opens a period, emitting DepartmentIssuerRoleGranted, and closes it, emitting DepartmentIssuerRoleEnded", async () => {
      const f = await catalogueFixture();
      const granted = await nextBlockIn(f);
      const caller = f.outsider.address;
      await expectEvent(f.catalogue.setIssuerRole(2, 7, true), f.catalogue, "DepartmentIssuerRoleGranted", [
        2,
        caller,
        7,
        granted,
      ]);
      expect(await f.catalogue.issuerStanding(f.otherDepartment.address, caller, 7)).toEqual([2n, false, true]);
      const ended = await nextBlockIn(f, 5);
      await expectEvent(f.catalogue.setIssuerRole(2, 7, false), f.catalogue, "DepartmentIssuerRoleEnded", [
        2,
        caller,
        7,
        ended,
      ]);
      expect(await f.catalogue.issuerStanding(f.otherDepartment.address, caller, 7)).toEqual([2n, false, false]);
      expect(await f.catalogue.isAuthorisedIssuer(2, caller, 7, granted)).toBe(false);
      expect(await f.catalogue.isAuthorisedIssuer(2, caller, 7, granted + 1)).toBe(true);
      expect(await f.catalogue.isAuthorisedIssuer(2, caller, 7, ended)).toBe(false);
    });

    it("keeps periods apart per calling type registry: one registry's type 1 lends no authority over another's", async () => {
      const f = await catalogueFixture();
      const live = f.typeRegistry;
      const replacement = f.outsider.address;
      // The replacement registry's first type makes market regulation its issuer; the live type 1 is psb's alone.
      await (await f.catalogue.setIssuerRole(2, 1, true)).wait();
      await mineBlockAt(f.connection, (await f.latestTimestamp()) + 10);
      const now = await f.latestTimestamp();
      expect(await f.catalogue.issuerStanding(f.otherDepartment.address, replacement, 1)).toEqual([2n, false, true]);
      expect(await f.catalogue.issuerStanding(f.otherDepartment.address, live, 1)).toEqual([2n, false, false]);
      expect(await f.catalogue.isAuthorisedIssuer(2, live, 1, now)).toBe(false);
      // And psb's role in the live registry does not stop the replacement from granting psb type 1 of its own.
      await (await f.catalogue.setIssuerRole(1, 1, true)).wait();
      expect(await f.catalogue.issuerStanding(f.issuer.address, live, 1)).toEqual([1n, false, true]);
    });

    it("reverts with DepartmentRegistryIssuerRoleUnchanged when granting an open role or ending a closed one", async () => {
      const f = await catalogueFixture();
      const caller = f.outsider.address;
      await (await f.catalogue.setIssuerRole(1, 1, true)).wait();
      await expectRevert(f.catalogue.setIssuerRole(1, 1, true), f.catalogue, "DepartmentRegistryIssuerRoleUnchanged", [
        1,
        caller,
        1,
        true,
      ]);
      await expectRevert(f.catalogue.setIssuerRole(1, 2, false), f.catalogue, "DepartmentRegistryIssuerRoleUnchanged", [
        1,
        caller,
        2,
        false,
      ]);
      await (await f.catalogue.setIssuerRole(1, 1, false)).wait();
      await expectRevert(f.catalogue.setIssuerRole(1, 1, false), f.catalogue, "DepartmentRegistryIssuerRoleUnchanged", [
        1,
        caller,
        1,
        false,
      ]);
    });

    it("reverts with DepartmentRegistryUnknownDepartment for an unregistered department", async () => {
      const f = await catalogueFixture();
      await expectRevert(
        f.catalogue.setIssuerRole(4, 1, true),
        f.catalogue,
        "DepartmentRegistryUnknownDepartment",
        [4],
      );
    });
  });

  describe("views", () => {
    it("reverts with DepartmentRegistryUnknownDepartment when reading department 0 or an unregistered id", async () => {
      const { registries } = await registryFixture();
      const { departments } = registries;
      for (const id of [0, 4]) {
        await expectRevert(departments.department(id), departments, "DepartmentRegistryUnknownDepartment", [id]);
      }
    });

    it("reads the fixture's departments by id and by code key, and 0 for an unknown code", async () => {
      const f = await registryFixture();
      const { departments } = f.registries;
      expect(await departments.departmentCount()).toBe(3n);
      expect(await departments.departmentIdOf(codeKey("psb"))).toBe(1n);
      expect(await departments.departmentIdOf(codeKey("market-regulation"))).toBe(2n);
      expect(await departments.departmentIdOf(codeKey("tobacco"))).toBe(3n);
      expect(await departments.departmentIdOf(codeKey("nobody"))).toBe(0n);
      const tobacco = await departments.department(3);
      expect([tobacco.code, tobacco.nameZh, tobacco.nameEn, tobacco.suspended]).toEqual([
        "tobacco",
        "区烟草专卖局",
        "Tobacco Monopoly",
        true,
      ]);
      expect([...tobacco.signers]).toEqual([f.suspendedDepartment.address]);
    });

    it("reports each key's department and suspension, and (0, false) for a key that signs for none", async () => {
      const f = await registryFixture();
      const { departments } = f.registries;
      expect(await departments.signerDepartment(f.issuer.address)).toEqual([1n, false]);
      expect(await departments.signerDepartment(f.otherDepartment.address)).toEqual([2n, false]);
      expect(await departments.signerDepartment(f.suspendedDepartment.address)).toEqual([3n, true]);
      expect(await departments.signerDepartment(f.outsider.address)).toEqual([0n, false]);
      expect(await departments.signerDepartment(f.operator.address)).toEqual([0n, false]);
    });

    it("reports each key's issuer standing for a type: department, suspension and authority now", async () => {
      const f = await registryFixture();
      const { departments } = f.registries;
      const { residentId, businessLicence } = f.ids;
      const standing = (signer: string, type: number) => departments.issuerStanding(signer, f.typeRegistry, type);
      expect(await standing(f.issuer.address, residentId)).toEqual([1n, false, true]);
      expect(await standing(f.issuer.address, businessLicence)).toEqual([1n, false, false]);
      expect(await standing(f.otherDepartment.address, businessLicence)).toEqual([2n, false, true]);
      expect(await standing(f.suspendedDepartment.address, residentId)).toEqual([3n, true, false]);
      expect(await standing(f.outsider.address, residentId)).toEqual([0n, false, false]);
      expect(await standing(f.issuer.address, 99)).toEqual([1n, false, false]);
    });

    it("reports isSuspended for suspended, standing and unregistered departments", async () => {
      const { registries } = await registryFixture();
      const { departments } = registries;
      expect(await departments.isSuspended(3)).toBe(true);
      expect(await departments.isSuspended(1)).toBe(false);
      expect(await departments.isSuspended(0)).toBe(false);
      expect(await departments.isSuspended(99)).toBe(false);
    });

    it("keeps every issuer period readable, open at both ends, across revocation and re-authorisation", async () => {
      const f = await registryFixture();
      const { types, departments } = f.registries;
      const { psb, businessLicence: type } = f.ids;
      const first = await nextBlockIn(f, 10);
      await (await types.authoriseIssuer(type, psb)).wait();
      const firstEnd = await nextBlockIn(f, 10);
      await (await types.revokeIssuer(type, psb)).wait();
      const second = await nextBlockIn(f, 10);
      await (await types.authoriseIssuer(type, psb)).wait();
      const secondEnd = await nextBlockIn(f, 10);
      await (await types.revokeIssuer(type, psb)).wait();
      const third = await nextBlockIn(f, 10);
      await (await types.authoriseIssuer(type, psb)).wait();
      await mineBlockAt(f.connection, third + 100);

      const authorisedAt = (timestamp: number) => departments.isAuthorisedIssuer(psb, f.typeRegistry, type, timestamp);
      const expected: [number, boolean][] = [
        [first - 1, false],
        [first, false],
        [first + 1, true],
        [firstEnd - 1, true],
        [firstEnd, false],
        [second - 1, false],
        [second, false],
        [second + 1, true],
        [secondEnd - 1, true],
        [secondEnd, false],
        [third - 1, false],
        [third, false],
        [third + 1, true],
        [third + 100, true],
      ];
      for (const [timestamp, authorised] of expected) {
        expect(await authorisedAt(timestamp), `at ${timestamp}`).toBe(authorised);
      }
      expect(await departments.issuerStanding(f.issuer.address, f.typeRegistry, type)).toEqual([1n, false, true]);
    });

    it("reports no authority for a department and type that never had a period, nor before time 1", async () => {
      const f = await registryFixture();
      const { departments } = f.registries;
      const now = await f.latestTimestamp();
      const types = f.typeRegistry;
      expect(await departments.isAuthorisedIssuer(2, types, 1, now)).toBe(false);
      expect(await departments.isAuthorisedIssuer(4, types, 1, now)).toBe(false);
      expect(await departments.isAuthorisedIssuer(1, types, 1, 0)).toBe(false);
      expect(await departments.isAuthorisedIssuer(1, types, 1, now)).toBe(true);
      expect(await departments.isAuthorisedIssuer(1, f.outsider.address, 1, now)).toBe(false);
    });
  });
});

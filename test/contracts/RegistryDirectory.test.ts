// RegistryDirectory: where the current version of each registry lives, and every address a name has had.
import { id, ZeroAddress } from "ethers";
import { describe, expect, it } from "vitest";
import { REGISTRY_NAMES } from "../../lib/chain/registries.ts";
import { DepartmentRegistry__factory } from "../../types/ethers-contracts/index.ts";
import { registryFixture } from "../support/chain.ts";
import { expectEvent } from "../support/events.ts";
import { expectRevert, revertData } from "../support/reverts.ts";

const DEPARTMENTS = id("DepartmentRegistry");

describe("RegistryDirectory", () => {
  it("reports version 1.0.0", async () => {
    const { registries } = await registryFixture();
    expect(await registries.directory.version()).toBe("1.0.0");
  });

  it("lists all six registries of the deployment under keccak256 of their names, each with one address", async () => {
    const { registries, deployment } = await registryFixture();
    const { directory } = registries;
    expect(REGISTRY_NAMES).toHaveLength(6);
    for (const name of REGISTRY_NAMES) {
      expect(await directory.registry(id(name)), name).toBe(deployment.registries[name]);
      expect(await directory.history(id(name)), name).toEqual([deployment.registries[name]]);
    }
    expect(new Set(Object.values(deployment.registries)).size).toBe(6);
  });

  describe("setRegistry", () => {
    it("points a name at a new registry version, emitting RegistrySet with the previous address and version", async () => {
      const f = await registryFixture();
      const { directory } = f.registries;
      const previous = f.deployment.registries.DepartmentRegistry;
      const next = await new DepartmentRegistry__factory(f.operator).deploy(f.deployment.accessManager);
      const nextAddress = await next.getAddress();
      await expectEvent(directory.setRegistry(DEPARTMENTS, nextAddress), directory, "RegistrySet", [
        DEPARTMENTS,
        nextAddress,
        previous,
        "2.0.0",
      ]);
      expect(await directory.registry(DEPARTMENTS)).toBe(nextAddress);
      expect(await directory.history(DEPARTMENTS)).toEqual([previous, nextAddress]);
    });

    it("starts a new name's history with the zero address as previous", async () => {
      const f = await registryFixture();
      const { directory } = f.registries;
      const name = id("AuditRegistry");
      const target = f.deployment.registries.AccessLogRegistry;
      await expectEvent(directory.setRegistry(name, target), directory, "RegistrySet", [
        name,
        target,
        ZeroAddress,
        "2.0.0",
      ]);
      expect(await directory.history(name)).toEqual([target]);
    });

    it("reverts with RegistryDirectoryNotContract for an account without code and the zero address", async () => {
      const f = await registryFixture();
      const { directory } = f.registries;
      for (const address of [f.outsider.address, ZeroAddress]) {
        await expectRevert(directory.setRegistry(DEPARTMENTS, address), directory, "RegistryDirectoryNotContract", [
          address,
        ]);
      }
      expect(await directory.history(DEPARTMENTS)).toHaveLength(1);
    });

    it("reverts without data for a contract that does not report a version", async () => {
      const f = await registryFixture();
      const failure = await f.registries.directory.setRegistry(DEPARTMENTS, f.deployment.accessManager).then(
        () => expect.fail("setRegistry accepted a contract without version()"),
        (error: unknown) => error,
      );
      expect(revertData(failure)).toBe("0x");
      expect(await f.registries.directory.history(DEPARTMENTS)).toHaveLength(1);
    });
  });

  describe("views", () => {
    it("reverts with RegistryDirectoryUnknownRegistry for a name never set, whose history is empty", async () => {
      const { registries } = await registryFixture();
      const { directory } = registries;
      const name = id("AuditRegistry");
      await expectRevert(directory.registry(name), directory, "RegistryDirectoryUnknownRegistry", [name]);
      expect(await directory.history(name)).toEqual([]);
    });
  });
});

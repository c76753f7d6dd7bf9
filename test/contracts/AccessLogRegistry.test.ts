// AccessLogRegistry: append-only, contiguous Merkle-root commitments of each department's access log.
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { describe, expect, it } from "vitest";
import { codeKey } from "../../lib/encoding/codeKey.ts";
import { nextBlockIn, type RegistryFixture, registryFixture } from "../support/chain.ts";
import { expectEvent } from "../support/events.ts";
import { expectRevert } from "../support/reverts.ts";

const root = (n: number) => codeKey(`access-log root ${n}`);
const UINT64_MAX = 2n ** 64n - 1n;

async function commit(f: RegistryFixture, signer: HardhatEthersSigner, fromSeq: number, toSeq: number, n = fromSeq) {
  await (await f.registries.accessLog.connect(signer).commit(fromSeq, toSeq, root(n))).wait();
}

/** The commitment at `index` as [fromSeq, toSeq, committedAt, root]. */
async function commitmentAt(f: RegistryFixture, departmentId: number, index: number) {
  return [...(await f.registries.accessLog.commitmentAt(departmentId, index))];
}

describe("AccessLogRegistry", () => {
  it("reports version 1.0.0 and expects every department's log to start at sequence number 1", async () => {
    const { registries } = await registryFixture();
    const { accessLog } = registries;
    expect(await accessLog.version()).toBe("1.0.0");
    for (const id of [1, 2, 3, 9]) {
      expect(await accessLog.nextSequence(id)).toBe(1n);
      expect(await accessLog.commitmentCount(id)).toBe(0n);
    }
  });

  describe("commit", () => {
    it("stores the first range with its root and time, emitting AccessLogCommitted with index 0", async () => {
      const f = await registryFixture();
      const accessLog = f.registries.accessLog.connect(f.issuer);
      const at = await nextBlockIn(f);
      await expectEvent(accessLog.commit(1, 10, root(1)), accessLog, "AccessLogCommitted", [1, 0, 1, 10, root(1)]);
      expect(await commitmentAt(f, 1, 0)).toEqual([1n, 10n, BigInt(at), root(1)]);
      expect(await accessLog.commitmentCount(1)).toBe(1n);
      expect(await accessLog.nextSequence(1)).toBe(11n);
    });

    it("appends ranges that start right after the previous one, single entries included", async () => {
      const f = await registryFixture();
      const accessLog = f.registries.accessLog.connect(f.issuer);
      await commit(f, f.issuer, 1, 10);
      await commit(f, f.issuer, 11, 11);
      await expectEvent(accessLog.commit(12, 40, root(12)), accessLog, "AccessLogCommitted", [1, 2, 12, 40, root(12)]);
      expect(await accessLog.commitmentCount(1)).toBe(3n);
      expect(await accessLog.nextSequence(1)).toBe(41n);
      expect((await commitmentAt(f, 1, 1)).slice(0, 2)).toEqual([11n, 11n]);
    });

    it("keeps each department's log apart", async () => {
      const f = await registryFixture();
      await commit(f, f.issuer, 1, 10);
      await commit(f, f.otherDepartment, 1, 5, 100);
      expect(await f.registries.accessLog.nextSequence(1)).toBe(11n);
      expect(await f.registries.accessLog.nextSequence(2)).toBe(6n);
      expect((await commitmentAt(f, 2, 0))[3]).toBe(root(100));
    });

    it("continues one department log across its keys, a rotated-in key included", async () => {
      const f = await registryFixture();
      const [, , , , , second, rotatedIn] = await f.connection.ethers.getSigners();
      if (!second || !rotatedIn) throw new Error("the test network needs seven accounts");
      const { departments } = f.registries;
      await (await departments.addSigner(1, second.address)).wait();
      await commit(f, f.issuer, 1, 10);
      await commit(f, second, 11, 20);
      await (await departments.rotateSigner(1, f.issuer.address, rotatedIn.address)).wait();
      await commit(f, rotatedIn, 21, 30);
      expect(await f.registries.accessLog.commitmentCount(1)).toBe(3n);
      await expectRevert(
        f.registries.accessLog.connect(f.issuer).commit(31, 40, root(31)),
        f.registries.accessLog,
        "AccessLogRegistryNotDepartmentSigner",
        [f.issuer.address],
      );
    });

    it("reverts with AccessLogRegistryNotContiguous when the first range does not start at 1", async () => {
      const f = await registryFixture();
      const accessLog = f.registries.accessLog.connect(f.issuer);
      for (const fromSeq of [0, 2]) {
        await expectRevert(accessLog.commit(fromSeq, 10, root(1)), accessLog, "AccessLogRegistryNotContiguous", [
          1,
          1,
          fromSeq,
        ]);
      }
    });

    it("reverts with AccessLogRegistryNotContiguous when a range overlaps or leaves a gap after the last one", async () => {
      const f = await registryFixture();
      const accessLog = f.registries.accessLog.connect(f.issuer);
      await commit(f, f.issuer, 1, 10);
      for (const fromSeq of [1, 10, 12]) {
        await expectRevert(accessLog.commit(fromSeq, 20, root(11)), accessLog, "AccessLogRegistryNotContiguous", [
          1,
          11,
          fromSeq,
        ]);
      }
    });

    it("reverts with AccessLogRegistryEmptyRange when the range ends before it starts", async () => {
      const f = await registryFixture();
      const accessLog = f.registries.accessLog.connect(f.issuer);
      await expectRevert(accessLog.commit(1, 0, root(1)), accessLog, "AccessLogRegistryEmptyRange", [1, 0]);
      await commit(f, f.issuer, 1, 10);
      await expectRevert(accessLog.commit(11, 10, root(11)), accessLog, "AccessLogRegistryEmptyRange", [11, 10]);
    });

    it("reverts with AccessLogRegistrySequenceExhausted when a range ends at uint64 max, which no range could follow", async () => {
      const f = await registryFixture();
      const accessLog = f.registries.accessLog.connect(f.issuer);
      await expectRevert(accessLog.commit(1, UINT64_MAX, root(1)), accessLog, "AccessLogRegistrySequenceExhausted", [
        UINT64_MAX,
      ]);
      await commit(f, f.issuer, 1, 10);
      await expectRevert(accessLog.commit(11, UINT64_MAX, root(11)), accessLog, "AccessLogRegistrySequenceExhausted", [
        UINT64_MAX,
      ]);
      expect(await accessLog.commitmentCount(1)).toBe(1n);
      expect(await accessLog.nextSequence(1)).toBe(11n);
    });

    it("accepts a range ending one before uint64 max, after which only the last sequence number remains, unusable", async () => {
      const f = await registryFixture();
      const accessLog = f.registries.accessLog.connect(f.issuer);
      await expectEvent(accessLog.commit(1, UINT64_MAX - 1n, root(1)), accessLog, "AccessLogCommitted", [
        1,
        0,
        1,
        UINT64_MAX - 1n,
        root(1),
      ]);
      expect(await accessLog.nextSequence(1)).toBe(UINT64_MAX);
      expect((await accessLog.commitmentFor(1, UINT64_MAX - 1n))[0]).toBe(0n);
      await expectRevert(
        accessLog.commit(UINT64_MAX, UINT64_MAX, root(2)),
        accessLog,
        "AccessLogRegistrySequenceExhausted",
        [UINT64_MAX],
      );
      expect(await accessLog.commitmentCount(1)).toBe(1n);
    });

    it("reverts with AccessLogRegistryEmptyRoot when the root is zero", async () => {
      const f = await registryFixture();
      const accessLog = f.registries.accessLog.connect(f.issuer);
      await expectRevert(accessLog.commit(1, 10, `0x${"00".repeat(32)}`), accessLog, "AccessLogRegistryEmptyRoot", []);
    });

    it("reverts with AccessLogRegistryNotDepartmentSigner for the operator and an outsider", async () => {
      const f = await registryFixture();
      for (const caller of [f.operator, f.outsider]) {
        await expectRevert(
          f.registries.accessLog.connect(caller).commit(1, 10, root(1)),
          f.registries.accessLog,
          "AccessLogRegistryNotDepartmentSigner",
          [caller.address],
        );
      }
    });

    it("reverts with AccessLogRegistryDepartmentSuspended for a suspended department's signer", async () => {
      const f = await registryFixture();
      const accessLog = f.registries.accessLog.connect(f.suspendedDepartment);
      await expectRevert(accessLog.commit(1, 10, root(1)), accessLog, "AccessLogRegistryDepartmentSuspended", [3]);
    });

    it("stops a department's log while it is suspended and lets it continue where it was once reinstated", async () => {
      const f = await registryFixture();
      const { departments, accessLog } = f.registries;
      await commit(f, f.issuer, 1, 10);
      await (await departments.suspendDepartment(1)).wait();
      await expectRevert(
        accessLog.connect(f.issuer).commit(11, 20, root(11)),
        accessLog,
        "AccessLogRegistryDepartmentSuspended",
        [1],
      );
      await (await departments.reinstateDepartment(1)).wait();
      await commit(f, f.issuer, 11, 20);
      expect(await accessLog.nextSequence(1)).toBe(21n);
    });
  });

  describe("commitmentAt", () => {
    it("reverts with AccessLogRegistryUnknownCommitment for an index past the end", async () => {
      const f = await registryFixture();
      const { accessLog } = f.registries;
      await expectRevert(accessLog.commitmentAt(1, 0), accessLog, "AccessLogRegistryUnknownCommitment", [1, 0]);
      await commit(f, f.issuer, 1, 10);
      await expectRevert(accessLog.commitmentAt(1, 1), accessLog, "AccessLogRegistryUnknownCommitment", [1, 1]);
      await expectRevert(accessLog.commitmentAt(2, 0), accessLog, "AccessLogRegistryUnknownCommitment", [2, 0]);
    });
  });

  describe("commitmentFor", () => {
    const ranges: [number, number][] = [
      [1, 3],
      [4, 4],
      [5, 10],
      [11, 20],
      [21, 21],
      [22, 30],
      [31, 1000],
    ];

    async function withRanges(): Promise<RegistryFixture> {
      const f = await registryFixture();
      for (const [fromSeq, toSeq] of ranges) await commit(f, f.issuer, fromSeq, toSeq);
      return f;
    }

    it("finds the range that holds each sequence number, at both ends and inside", async () => {
      const f = await withRanges();
      const { accessLog } = f.registries;
      for (const [index, [fromSeq, toSeq]] of ranges.entries()) {
        const stored = await commitmentAt(f, 1, index);
        for (const seq of new Set([fromSeq, Math.floor((fromSeq + toSeq) / 2), toSeq])) {
          const [foundIndex, commitment] = await accessLog.commitmentFor(1, seq);
          expect([foundIndex, [...commitment]], `seq ${seq}`).toEqual([BigInt(index), stored]);
        }
      }
    });

    it("reverts with AccessLogRegistryUnknownCommitment for sequence number 0 and past the last range", async () => {
      const f = await withRanges();
      const { accessLog } = f.registries;
      for (const seq of [0n, 1001n, UINT64_MAX]) {
        await expectRevert(accessLog.commitmentFor(1, seq), accessLog, "AccessLogRegistryUnknownCommitment", [1, seq]);
      }
    });

    it("reverts with AccessLogRegistryUnknownCommitment for a department that has committed nothing", async () => {
      const f = await withRanges();
      const { accessLog } = f.registries;
      await expectRevert(accessLog.commitmentFor(2, 1), accessLog, "AccessLogRegistryUnknownCommitment", [2, 1]);
    });
  });

  describe("immutability", () => {
    it("has commit as its only state-changing function", async () => {
      const { registries } = await registryFixture();
      const writers: string[] = [];
      registries.accessLog.interface.forEachFunction((fn) => {
        if (fn.stateMutability !== "view" && fn.stateMutability !== "pure") writers.push(fn.name);
      });
      expect(writers).toEqual(["commit"]);
    });

    it("keeps committed roots as they were through later commits, rotation and suspension", async () => {
      const f = await registryFixture();
      const { departments, accessLog } = f.registries;
      await commit(f, f.issuer, 1, 10);
      const first = await commitmentAt(f, 1, 0);
      await commit(f, f.issuer, 11, 20);
      await (await departments.rotateSigner(1, f.issuer.address, f.outsider.address)).wait();
      await commit(f, f.outsider, 21, 30);
      await (await departments.suspendDepartment(1)).wait();
      expect(await commitmentAt(f, 1, 0)).toEqual(first);
      expect(await accessLog.commitmentCount(1)).toBe(3n);
    });
  });
});

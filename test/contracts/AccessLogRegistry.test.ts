// AccessLogRegistry: append-only, contiguous Merkle-root commitments of each department's access log.
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { describe, expect, it } from "vitest";
import { deployRegistry } from "../../lib/chain/registries.ts";
import { codeKey } from "../../lib/encoding/codeKey.ts";
import { AccessLogRegistry__factory } from "../../types/ethers-contracts/index.ts";
import { nextBlockIn, type RegistryFixture, registryFixture } from "../support/chain.ts";
import { eventsOf, expectEvent } from "../support/events.ts";
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
  it("reports version 2.0.0 and expects every department's log to start at sequence number 1", async () => {
    const { registries } = await registryFixture();
    const { accessLog } = registries;
    expect(await accessLog.version()).toBe("2.0.0");
    expect(await accessLog.MAX_RANGE()).toBe(65_536n);
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

    it("reverts with AccessLogRegistryRangeTooLarge for a range of more than 65,536 entries, so that no key can close a log for ever", async () => {
      const f = await registryFixture();
      const accessLog = f.registries.accessLog.connect(f.issuer);
      for (const toSeq of [UINT64_MAX - 1n, UINT64_MAX, 65_537n]) {
        await expectRevert(accessLog.commit(1, toSeq, root(1)), accessLog, "AccessLogRegistryRangeTooLarge", [
          1,
          toSeq,
          65_536,
        ]);
      }
      expect(await accessLog.nextSequence(1)).toBe(1n);
      await commit(f, f.issuer, 1, 65_536);
      expect(await accessLog.nextSequence(1)).toBe(65_537n);
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
    it("lets departments only commit, and the operator only set commitments aside", async () => {
      const { registries } = await registryFixture();
      const writers: string[] = [];
      registries.accessLog.interface.forEachFunction((fn) => {
        if (fn.stateMutability !== "view" && fn.stateMutability !== "pure") writers.push(fn.name);
      });
      // setAuthority answers to the AccessManager alone; syncClosed only reads it.
      expect(writers.sort()).toEqual(["commit", "rejectCommitments", "setAuthority", "syncClosed"]);
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

  describe("rejectCommitments", () => {
    it("sets a commitment made with a misused key aside, readable, and lets the gateway commit its true range in its place", async () => {
      const f = await registryFixture();
      const { accessLog } = f.registries;
      await commit(f, f.issuer, 1, 10);
      // A second key of psb commits the gateway's next range with a root of its own.
      await (await f.registries.departments.addSigner(1, f.outsider.address)).wait();
      await commit(f, f.outsider, 11, 20, 666);
      await expectRevert(
        accessLog.connect(f.issuer).commit(11, 15, root(11)),
        accessLog,
        "AccessLogRegistryNotContiguous",
        [1, 21, 11],
      );
      const at = await nextBlockIn(f);
      await expectEvent(accessLog.rejectCommitments(1, 1, 2), accessLog, "AccessLogCommitmentRejected", [
        1,
        1,
        11,
        20,
        root(666),
        2,
      ]);
      expect(await accessLog.commitmentCount(1)).toBe(1n);
      expect(await accessLog.nextSequence(1)).toBe(11n);
      expect(await accessLog.rejectedCount(1)).toBe(1n);
      const rejected = await accessLog.rejectedAt(1, 0);
      expect([[...rejected.commitment].slice(0, 2), rejected.commitment.root, rejected.formerIndex]).toEqual([
        [11n, 20n],
        root(666),
        1n,
      ]);
      expect([rejected.rejectedAt, rejected.reason]).toEqual([BigInt(at), 2n]);
      await commit(f, f.issuer, 11, 15);
      expect((await commitmentAt(f, 1, 1))[3]).toBe(root(11));
      expect(await accessLog.nextSequence(1)).toBe(16n);
    });

    it("sets aside every commitment from the index given to the newest", async () => {
      const f = await registryFixture();
      const { accessLog } = f.registries;
      await commit(f, f.issuer, 1, 10);
      await commit(f, f.issuer, 11, 20);
      await commit(f, f.issuer, 21, 30);
      const sent = await accessLog.rejectCommitments(1, 1, 1);
      expect((await eventsOf(sent, accessLog, "AccessLogCommitmentRejected")).map((e) => e[1])).toEqual([1n, 2n]);
      expect(await accessLog.commitmentCount(1)).toBe(1n);
      expect(await accessLog.rejectedCount(1)).toBe(2n);
      expect(await accessLog.nextSequence(1)).toBe(11n);
    });

    it("reverts with AccessManagedUnauthorized when a department signer tries to set its commitments aside", async () => {
      const f = await registryFixture();
      await commit(f, f.issuer, 1, 10);
      const accessLog = f.registries.accessLog.connect(f.issuer);
      await expectRevert(accessLog.rejectCommitments(1, 0, 1), accessLog, "AccessManagedUnauthorized", [
        f.issuer.address,
      ]);
    });

    it("reverts with AccessLogRegistryUnknownCommitment for an index past the newest", async () => {
      const f = await registryFixture();
      await commit(f, f.issuer, 1, 10);
      const { accessLog } = f.registries;
      await expectRevert(accessLog.rejectCommitments(1, 1, 1), accessLog, "AccessLogRegistryUnknownCommitment", [1, 1]);
      await expectRevert(accessLog.rejectedAt(1, 0), accessLog, "AccessLogRegistryUnknownCommitment", [1, 0]);
    });
  });

  describe("a replacement registry", () => {
    it("continues each department's sequence numbers from the registry it replaces", async () => {
      const f = await registryFixture();
      await commit(f, f.issuer, 1, 10);
      const address = await deployRegistry(f.operator, f.registries.accessManager, "AccessLogRegistry", {
        ...f.deployment.registries,
      });
      const next = AccessLogRegistry__factory.connect(address, f.issuer);
      expect(await next.previousRegistry()).toBe(f.deployment.registries.AccessLogRegistry);
      expect(await next.nextSequence(1)).toBe(11n);
      expect(await next.nextSequence(2)).toBe(1n);
      await (await next.commit(11, 12, root(11))).wait();
      expect(await next.nextSequence(1)).toBe(13n);
      expect(await f.registries.accessLog.nextSequence(1)).toBe(11n);
    });
  });
});

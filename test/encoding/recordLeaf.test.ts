import { randomBytes } from "node:crypto";
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { describe, expect, it } from "vitest";
import type { Hex32 } from "../../lib/encoding/canonical.ts";
import {
  buildRecordTree,
  RECORD_LEAF_TYPES,
  type RecordAnchor,
  recordLeafValues,
  recordTree,
  verifyRecordProof,
} from "../../lib/encoding/recordLeaf.ts";

const hex32 = () => `0x${randomBytes(32).toString("hex")}` as `0x${string}`;
const anchor = (i: number): RecordAnchor => ({
  recordHash: hex32(),
  subjectRef: hex32(),
  credentialType: 1 + (i % 45),
  validFrom: i % 3 === 0 ? 0 : 1_800_000_000 + i,
  validUntil: i % 2 === 0 ? 0 : 2 ** 40 + i,
});

describe("the fast record tree agrees with OpenZeppelin's StandardMerkleTree", () => {
  it.each([1, 2, 3, 7, 16, 33, 256])("gives the same root and proofs for %i records", (n) => {
    const anchors = Array.from({ length: n }, (_, i) => anchor(i));
    const fast = recordTree(anchors);
    const reference = buildRecordTree(anchors);
    expect(fast.root).toBe(reference.root);
    for (const [i, a] of anchors.entries()) {
      expect(fast.proof(i)).toEqual(reference.getProof(i));
      expect(verifyRecordProof(reference.root, a, reference.getProof(i))).toBe(true);
    }
  });

  it("verifies exactly what StandardMerkleTree.verify verifies, including tampered leaves and proofs", () => {
    const anchors = Array.from({ length: 64 }, (_, i) => anchor(i));
    const tree = buildRecordTree(anchors);
    for (const [i, a] of anchors.entries()) {
      const proof = tree.getProof(i);
      const cases: [RecordAnchor, string[]][] = [
        [a, proof],
        [{ ...a, validUntil: a.validUntil + 1 }, proof],
        [{ ...a, credentialType: a.credentialType + 1 }, proof],
        [a, proof.slice(1)],
        [a, [...proof.slice(0, -1), hex32()]],
      ];
      for (const [leaf, p] of cases) {
        const expected = StandardMerkleTree.verify(tree.root, [...RECORD_LEAF_TYPES], recordLeafValues(leaf), p);
        expect(verifyRecordProof(tree.root, leaf, p)).toBe(expected);
      }
    }
  });

  it("refuses malformed proof nodes and leaf values instead of padding them", () => {
    const anchors = Array.from({ length: 8 }, (_, i) => anchor(i));
    const tree = recordTree(anchors);
    const a = anchors[3] as RecordAnchor;
    const proof = tree.proof(3);
    const last = proof.at(-1) as string;
    const malformed = [last.slice(0, 64), `${last.slice(0, 65)}z`, `1x${last.slice(2)}`, `${last}00`, `${last}0`];
    for (const bad of [...malformed, `${last}z`, `${last} `, `${last.slice(0, 40)}zz${last.slice(42)}`]) {
      expect(verifyRecordProof(tree.root, a, [...proof.slice(0, -1), bad])).toBe(false);
    }
    expect(() =>
      verifyRecordProof(tree.root, { ...a, recordHash: `${a.recordHash.slice(0, 65)}g` as Hex32 }, proof),
    ).toThrow(/recordHash is not 0x followed by 64 hex digits/);
    expect(() => verifyRecordProof(tree.root, { ...a, subjectRef: "0x12" }, proof)).toThrow(/subjectRef/);
  });
});

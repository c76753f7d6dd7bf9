import { randomBytes } from "node:crypto";
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { describe, expect, it } from "vitest";
import {
  buildRecordTree,
  RECORD_LEAF_TYPES,
  type RecordAnchor,
  recordLeafValues,
  recordTree,
} from "../../lib/encoding/recordLeaf.ts";
import { verifyBatchProof } from "../../services/gateway/src/records/batchProofs.ts";

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
      expect(verifyBatchProof(reference.root, a, reference.getProof(i))).toBe(true);
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
        expect(verifyBatchProof(tree.root, leaf, p)).toBe(expected);
      }
    }
  });

  it("remembers proven upper levels without ever accepting what the full check refuses", () => {
    const anchors = Array.from({ length: 1024 }, (_, i) => anchor(i));
    const tree = recordTree(anchors);
    for (let round = 0; round < 2; round++) {
      for (const i of [0, 1, 511, 512, 1023]) {
        const a = anchors[i] as RecordAnchor;
        expect(verifyBatchProof(tree.root, a, tree.proof(i))).toBe(true);
        expect(verifyBatchProof(tree.root, { ...a, subjectRef: hex32() }, tree.proof(i))).toBe(false);
        expect(verifyBatchProof(hex32(), a, tree.proof(i))).toBe(false);
      }
    }
  });
});

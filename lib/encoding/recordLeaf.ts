// Merkle leaves of batched records: OpenZeppelin's StandardMerkleTree over the values RecordLeaf.sol hashes.
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import type { Hex32 } from "./canonical.ts";

/** The leaf encoding; must match `abi.encode(recordHash, subjectRef, credentialType, validFrom, validUntil)`. */
export const RECORD_LEAF_TYPES = ["bytes32", "bytes32", "uint32", "uint64", "uint64"] as const;

/** The public facts a record is anchored with (ICredentialRecordRegistry.RecordAnchor). */
export interface RecordAnchor {
  recordHash: Hex32;
  subjectRef: Hex32;
  credentialType: number;
  /** Unix seconds; 0 = from anchoring. */
  validFrom: number;
  /** Unix seconds, inclusive; 0 = no expiry. */
  validUntil: number;
}

export type RecordLeafValues = [string, string, number, number, number];

export function recordLeafValues(anchor: RecordAnchor): RecordLeafValues {
  return [anchor.recordHash, anchor.subjectRef, anchor.credentialType, anchor.validFrom, anchor.validUntil];
}

/** The tree whose root a batch anchors; `tree.getProof(i)` is the proof of `anchors[i]`. */
export function buildRecordTree(anchors: readonly RecordAnchor[]): StandardMerkleTree<RecordLeafValues> {
  return StandardMerkleTree.of(anchors.map(recordLeafValues), [...RECORD_LEAF_TYPES]);
}

// Merkle leaves of batched records: OpenZeppelin's StandardMerkleTree over the values RecordLeaf.sol hashes.
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { keccak256 } from "ethers";
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

const HEX32 = /^0x[0-9a-fA-F]{64}$/;

const keccakBytes = (data: Uint8Array): Buffer => Buffer.from(keccak256(data).slice(2), "hex");

function bytes32(value: string, what: string): Buffer {
  if (!HEX32.test(value)) throw new TypeError(`${what} is not 0x followed by 64 hex digits`);
  return Buffer.from(value.slice(2), "hex");
}

/** Writes `value` as the last `bytes` bytes of a big-endian ABI word ending at `end`; the word is already zero. */
function writeUint(word: Buffer, end: number, value: number, bytes: 4 | 8, what: string): void {
  if (!Number.isInteger(value) || value < 0 || value >= 2 ** (bytes * 8)) {
    throw new TypeError(`${what} is not a uint${bytes * 8}`);
  }
  word.writeUInt32BE(value % 2 ** 32, end - 4);
  if (bytes === 8) word.writeUInt32BE(Math.floor(value / 2 ** 32), end - 8);
}

/**
 * The leaf hash `buildRecordTree` gives `anchor`, computed directly: keccak256(keccak256(abi.encode(RECORD_LEAF_TYPES
 * values))), StandardMerkleTree's leaf rule (and RecordLeaf.sol's), without its general-purpose ABI coder. The five
 * types are static, so the encoding is five 32-byte words.
 */
export function recordLeafHash(anchor: RecordAnchor): Buffer {
  const encoded = Buffer.alloc(160);
  bytes32(anchor.recordHash, "recordHash").copy(encoded, 0);
  bytes32(anchor.subjectRef, "subjectRef").copy(encoded, 32);
  writeUint(encoded, 96, anchor.credentialType, 4, "credentialType");
  writeUint(encoded, 128, anchor.validFrom, 8, "validFrom");
  writeUint(encoded, 160, anchor.validUntil, 8, "validUntil");
  return keccakBytes(keccakBytes(encoded));
}

/**
 * Whether `proof` proves `anchor` a leaf of the `buildRecordTree` tree with this root: StandardMerkleTree.verify's answer
 * (sorted pairs, keccak256; hex in either case), several times faster, for verifying presented records per request.
 */
export function verifyRecordProof(root: string, anchor: RecordAnchor, proof: readonly string[]): boolean {
  let node = recordLeafHash(anchor);
  const pair = new Uint8Array(64);
  for (const hex of proof) {
    const sibling = bytes32(hex, "a proof node");
    const nodeFirst = Buffer.compare(node, sibling) <= 0;
    pair.set(nodeFirst ? node : sibling, 0);
    pair.set(nodeFirst ? sibling : node, 32);
    node = keccakBytes(pair);
  }
  return Buffer.compare(node, bytes32(root, "root")) === 0;
}

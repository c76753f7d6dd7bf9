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

/** A 0x-prefixed 32-byte hex value (StandardMerkleTree's coder would right-pad a shorter one; hashes never are). */
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

/** StandardMerkleTree's inner node: keccak256 of the two children, the smaller first. */
export function recordNodeHash(a: Uint8Array, b: Uint8Array): Buffer {
  const pair = new Uint8Array(64);
  const aFirst = Buffer.compare(a, b) <= 0;
  pair.set(aFirst ? a : b, 0);
  pair.set(aFirst ? b : a, 32);
  return keccakBytes(pair);
}

/** A batch's tree: its root, and the proof of the record at each index of the anchors it was built from. */
export interface RecordTree {
  root: Hex32;
  proof(index: number): Hex32[];
}

/**
 * The tree `buildRecordTree` builds (same leaves, same sorted order, same layout, so the same root and proofs),
 * computed with recordLeafHash and recordNodeHash instead of StandardMerkleTree's ABI coder and checks: what the
 * anchoring worker builds for every batch.
 */
export function recordTree(anchors: readonly RecordAnchor[]): RecordTree {
  if (anchors.length === 0) throw new RangeError("a tree needs at least one record");
  const leaves = anchors.map((anchor, index) => ({ index, hash: recordLeafHash(anchor) }));
  leaves.sort((a, b) => Buffer.compare(a.hash, b.hash));
  const size = 2 * leaves.length - 1;
  const nodes = new Array<Buffer>(size);
  const positions = new Array<number>(anchors.length);
  for (const [i, leaf] of leaves.entries()) {
    nodes[size - 1 - i] = leaf.hash;
    positions[leaf.index] = size - 1 - i;
  }
  for (let i = size - 1 - leaves.length; i >= 0; i--) {
    nodes[i] = recordNodeHash(nodes[2 * i + 1] as Buffer, nodes[2 * i + 2] as Buffer);
  }
  const hex = (node: Buffer | undefined) => `0x${node?.toString("hex")}` as Hex32;
  return {
    root: hex(nodes[0]),
    proof(index) {
      let i = positions[index];
      if (i === undefined) throw new RangeError(`no record at index ${index}`);
      const proof: Hex32[] = [];
      for (; i > 0; i = Math.floor((i - 1) / 2)) proof.push(hex(nodes[i % 2 === 1 ? i + 1 : i - 1]));
      return proof;
    },
  };
}

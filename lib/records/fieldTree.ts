// Record format 2's fields: each field salted and hashed on its own, the record hash committing to the root of an
// OpenZeppelin StandardMerkleTree over them, so that a holder can disclose some fields with their proofs and withhold
// the others, and anyone can check the disclosed ones against the anchored record hash.
import { ZeroHash } from "ethers";
import { CanonicalFormError, canonicalAtDepth, type Hex32 } from "../encoding/canonical.ts";
import { keccak256Bytes } from "../encoding/keccak.ts";
import { sha256After, sha256Bytes } from "../encoding/sha256.ts";

/** A field's leaf: `abi.encode(string name, bytes32 salt, bytes32 valueHash)`, hashed as StandardMerkleTree does. */
export const FIELD_LEAF_TYPES = ["string", "bytes32", "bytes32"] as const;
export type FieldLeafValues = [string, Hex32, Hex32];

const hex = (bytes: Uint8Array) => `0x${Buffer.from(bytes).toString("hex")}` as Hex32;
const HASH = /^0x[0-9a-fA-F]{64}$/;

/** The 32 bytes of a hash given as 0x and 64 hex digits in either case; anything else is refused, never cut short. */
function bytes32(value: string, what: string): Buffer {
  if (typeof value !== "string" || !HASH.test(value))
    throw new TypeError(`${what} is not 0x followed by 64 hex digits`);
  return Buffer.from(value.slice(2), "hex");
}

/**
 * A field's name as UTF-8, refused (as canonical JSON refuses it, SPEC §2.1) when it holds a lone surrogate: UTF-8
 * cannot carry one, and an encoder that replaced it would give two names one leaf.
 */
function nameBytes(name: string): Buffer {
  if (typeof name !== "string") throw new TypeError("a field's name is a string");
  if (!(name as string & { isWellFormed(): boolean }).isWellFormed()) {
    throw new CanonicalFormError("a field's name has a lone surrogate");
  }
  return Buffer.from(name, "utf8");
}

/**
 * HMAC-SHA256 (RFC 2104) keyed with a record's 32-byte salt, for each of its fields: the key's inner and outer padded
 * blocks are compressed once per record, and each field's HMAC continues those two states. Node's createHmac sets up
 * a key on every call, which cost ~30 µs a field here against ~3 µs this way; a test holds the two equal.
 */
function saltDigestsUnder(recordSalt: Hex32): (name: Buffer) => Buffer {
  const block = Buffer.alloc(64);
  bytes32(recordSalt, "the record's salt").copy(block);
  const pad = (byte: number) => Buffer.from(block.map((b) => b ^ byte));
  const inner = sha256After(pad(0x36));
  const outer = sha256After(pad(0x5c));
  return (name) => outer(inner(name));
}

/** Each field's salt under one record's salt, as 0x hex (what a disclosure carries). */
export function saltsUnder(recordSalt: Hex32): (name: string) => Hex32 {
  const digest = saltDigestsUnder(recordSalt);
  return (name) => hex(digest(nameBytes(name)));
}

/**
 * A field's own salt: HMAC-SHA256 keyed with the record's 32-byte salt over the field's name (UTF-8). Disclosing it
 * reveals neither the record's salt nor any other field's.
 */
export function fieldSalt(recordSalt: Hex32, name: string): Hex32 {
  return saltsUnder(recordSalt)(name);
}

/** Where a field's value sits in its record: the record at depth 0, its `fields` at 1, the value at 2 (SPEC §3.2). */
const FIELD_VALUE_DEPTH = 2;

/**
 * sha256 of the value's canonical JSON (SPEC §2.1), written as it is inside the record (so nesting is bounded as the
 * record's is): what the leaf commits to of the value.
 */
const fieldValueDigest = (value: unknown): Buffer => sha256Bytes(canonicalAtDepth(value, FIELD_VALUE_DEPTH));

export const fieldValueHash = (value: unknown): Hex32 => hex(fieldValueDigest(value));

export const fieldLeafValues = (name: string, salt: Hex32, value: unknown): FieldLeafValues => [
  name,
  salt.toLowerCase() as Hex32,
  fieldValueHash(value),
];

/**
 * `abi.encode(string name, bytes32 salt, bytes32 valueHash)`, written directly (ethers' general coder costs more than
 * the hashes): the string's offset (3 words), the two words, then the string's byte length and its UTF-8 bytes,
 * zero-padded to a whole word.
 */
export function encodeFieldLeaf([name, salt, valueHash]: FieldLeafValues): Buffer {
  return encodeLeaf(nameBytes(name), bytes32(salt, "the field's salt"), bytes32(valueHash, "the field's value hash"));
}

/** The encoding from the name's UTF-8 bytes and the two 32-byte values. */
function encodeLeaf(name: Buffer, salt: Buffer, valueHash: Buffer): Buffer {
  const out = Buffer.alloc(128 + Math.ceil(name.length / 32) * 32);
  out.writeUInt32BE(96, 28);
  salt.copy(out, 32);
  valueHash.copy(out, 64);
  out.writeUInt32BE(name.length, 124);
  name.copy(out, 128);
  return out;
}

/** keccak256(keccak256(abi.encode(leaf values))): StandardMerkleTree's leaf hash. */
export function fieldLeafHash(values: FieldLeafValues): Buffer {
  return keccak256Bytes(keccak256Bytes(encodeFieldLeaf(values)));
}

/** StandardMerkleTree's inner node: keccak256 of the two children, the smaller first. */
function nodeHash(a: Buffer, b: Buffer): Buffer {
  return keccak256Bytes(Buffer.compare(a, b) <= 0 ? Buffer.concat([a, b]) : Buffer.concat([b, a]));
}

export interface FieldTree {
  /** The root the record hash commits to; 32 zero bytes for a record without fields. */
  root: Hex32;
  /** The proof of the named field (sibling hashes from its leaf up), as StandardMerkleTree.getProof gives it. */
  proof(name: string): Hex32[];
}

/**
 * The tree over a record's fields, built as `StandardMerkleTree.of(leaves, FIELD_LEAF_TYPES)` builds it (leaves
 * sorted by hash, a complete binary tree in an array, the last leaf at index 1 of the array's leaf part …), with the
 * project's fast keccak. A test holds the two to the same root and proofs.
 */
export function buildFieldTree(fields: Record<string, unknown>, recordSalt: Hex32): FieldTree {
  const names = Object.keys(fields);
  if (names.length === 0) return { root: ZeroHash as Hex32, proof: () => [] };
  // The leaves from bytes throughout: the same values fieldLeafValues gives, without their hex round trips.
  const saltOf = saltDigestsUnder(recordSalt);
  const leafOf = (name: string) => {
    const bytes = nameBytes(name);
    const encoded = encodeLeaf(bytes, saltOf(bytes), fieldValueDigest(fields[name]));
    return keccak256Bytes(keccak256Bytes(encoded));
  };
  const leaves = names.map((name) => ({ name, hash: leafOf(name) })).sort((a, b) => Buffer.compare(a.hash, b.hash));
  const n = leaves.length;
  const tree: Buffer[] = new Array(2 * n - 1);
  // OpenZeppelin's makeMerkleTree: leaf i (in sorted order) at tree index length - 1 - i.
  leaves.forEach((leaf, i) => {
    tree[tree.length - 1 - i] = leaf.hash;
  });
  for (let i = tree.length - 1 - n; i >= 0; i--) {
    tree[i] = nodeHash(tree[2 * i + 1] as Buffer, tree[2 * i + 2] as Buffer);
  }
  const indexOf = new Map(leaves.map((leaf, i) => [leaf.name, tree.length - 1 - i]));
  return {
    root: hex(tree[0] as Buffer),
    proof(name) {
      let i = indexOf.get(name);
      if (i === undefined) throw new RangeError("no such field in the record");
      const proof: Hex32[] = [];
      while (i > 0) {
        const sibling = i % 2 === 1 ? i + 1 : i - 1;
        proof.push(hex(tree[sibling] as Buffer));
        i = Math.floor((i - 1) / 2);
      }
      return proof;
    },
  };
}

/**
 * Whether a disclosed field (its name, salt and value) and its proof lead to `root` (SPEC §3.3). A salt, proof node
 * or root that is not a hash, or a value without canonical JSON, is refused (thrown), not judged.
 */
export function fieldLeadsTo(root: Hex32, name: string, salt: Hex32, value: unknown, proof: readonly Hex32[]): boolean {
  const expected = bytes32(root, "the fields root");
  const siblings = proof.map((sibling, i) => bytes32(sibling, `proof node ${i}`));
  let node = fieldLeafHash(fieldLeafValues(name, salt, value));
  for (const sibling of siblings) node = nodeHash(node, sibling);
  return node.equals(expected);
}

/**
 * How many fields a record has, as a disclosure of `shown` of them bounds it: a record of n fields has proofs of
 * floor(log2 n) or ceil(log2 n) nodes, so the longest proof shown, k nodes, puts n between 2^(k-1) + 1 and 2^(k+1) - 1
 * (one field when k is 0). Nothing is known when no field is shown.
 */
export function fieldCountBounds(
  proofs: readonly (readonly unknown[])[],
): { fewest: number; most: number } | undefined {
  if (proofs.length === 0) return undefined;
  const k = Math.max(...proofs.map((proof) => proof.length));
  if (k === 0) return { fewest: 1, most: 1 };
  return { fewest: Math.max(proofs.length, 2 ** (k - 1) + 1), most: 2 ** (k + 1) - 1 };
}

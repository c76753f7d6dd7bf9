// SPEC.md §2.2 and §3 written again from the document: the record's shape, its hash in either format, the field tree
// of format 2 (§3.2), whether a disclosed field belongs to an envelope (§3.3), and the record's anchor (§3.4).
import { hmac } from "@noble/hashes/hmac";
import { sha256 } from "@noble/hashes/sha2";
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { AbiCoder } from "ethers";
import { bytesOf, canonicalJson, contentHash, hex, keccak256 } from "./hashes.ts";
import { proofHolds, treeOf } from "./merkle.ts";

type Check = (value: unknown) => boolean;

const HASH = /^0x[0-9a-fA-F]{64}$/;
const isHash: Check = (v) => typeof v === "string" && HASH.test(v);
const nonEmpty: Check = (v) => typeof v === "string" && v.length > 0;
const integer =
  (min: number, max: number): Check =>
  (v) =>
    typeof v === "number" && Number.isInteger(v) && v >= min && v <= max;
const isObject: Check = (v) => typeof v === "object" && v !== null && !Array.isArray(v);

export const FORMAT_1 = "oncechain-record/1";
export const FORMAT_2 = "oncechain-record/2";

/** §2.2's table: every member, what it must be, and whether it may be absent. Both formats have these members. */
const MEMBERS: Record<string, { check: Check; optional?: true }> = {
  format: { check: (v) => v === FORMAT_1 || v === FORMAT_2 },
  credentialType: { check: nonEmpty },
  typeVersion: { check: integer(1, 65_535) },
  typeId: { check: integer(1, 2 ** 32 - 1) },
  issuer: { check: nonEmpty },
  issuerId: { check: integer(1, 2 ** 32 - 1) },
  subjectRef: { check: isHash },
  fields: { check: isObject },
  issuedAt: { check: (v) => typeof v === "string" },
  validFrom: { check: integer(0, 2 ** 40 - 1) },
  validUntil: { check: integer(0, 2 ** 40 - 1) },
  salt: { check: isHash },
  supersedes: { check: isHash, optional: true },
};

/** The record as it is hashed: shape checked, hash members lower-cased. */
export function checkedRecord(value: unknown): Record<string, unknown> {
  if (!isObject(value)) throw new Error("a record is an object");
  const record = value as Record<string, unknown>;
  for (const name of Object.keys(record)) if (!Object.hasOwn(MEMBERS, name)) throw new Error(`${name} is not a member`);
  const checked: Record<string, unknown> = {};
  for (const [name, { check, optional }] of Object.entries(MEMBERS)) {
    if (!Object.hasOwn(record, name) && optional) continue;
    if (!check(record[name])) throw new Error(`${name} is missing or not what §2.2 says`);
    checked[name] = check === isHash ? (record[name] as string).toLowerCase() : record[name];
  }
  return checked;
}

/** §2.2: the canonical JSON of the record itself (in either format: the record, not the envelope). */
export const canonicalRecord = (value: unknown) => canonicalJson(checkedRecord(value));

// ---------------------------------------------------------------------------------------------------------------
// §3.2: the field leaves and the field tree.

export const FIELD_LEAF_TYPES = ["string", "bytes32", "bytes32"];
const abi = AbiCoder.defaultAbiCoder();
const ZERO = `0x${"00".repeat(32)}`;

/** §1: text becomes bytes as UTF-8; a lone surrogate has no UTF-8 form, so a name holding one is refused. */
function utf8(text: string): Uint8Array {
  if (/\p{Cs}/u.test(text)) throw new Error("a field's name has a lone surrogate");
  return new TextEncoder().encode(text);
}

/** §3.2: fieldSalt = HMAC-SHA256(key = the record's salt as its 32 bytes, message = n in UTF-8). */
export const fieldSaltOf = (salt: string, name: string) => hex(hmac(sha256, bytesOf(salt), utf8(name)));

const word = (n: number) => Buffer.from(n.toString(16).padStart(64, "0"), "hex");

/** §3.2's description of `encoded`, byte by byte: 96, fieldSalt, valueHash, the name's length, its padded bytes. */
function encodedByHand(name: string, fieldSalt: string, valueHash: string): string {
  const bytes = utf8(name);
  const padded = Buffer.alloc(Math.ceil(bytes.length / 32) * 32);
  padded.set(bytes);
  return hex(Buffer.concat([word(96), bytesOf(fieldSalt), bytesOf(valueHash), word(bytes.length), padded]));
}

/** §3.2: one field's leaf. */
export function fieldLeaf(name: string, value: unknown, fieldSalt: string) {
  if (!isHash(fieldSalt)) throw new Error("the field's salt is not 0x followed by 64 hex digits");
  const salt = fieldSalt.toLowerCase();
  utf8(name);
  // §3.2: the value is written as inside its record, at depth 2, so the nesting bound counts from the record.
  canonicalJson({ fields: { [name]: value } });
  const valueHash = contentHash(value);
  const encoded = abi.encode(FIELD_LEAF_TYPES, [name, salt, valueHash]);
  if (encoded !== encodedByHand(name, salt, valueHash)) throw new Error("ethers and §3.2's layout disagree");
  const leafHash = hex(keccak256(keccak256(bytesOf(encoded))));
  return { fieldSalt: salt, valueHash, encoded, leafHash };
}

export interface FieldEntry {
  fieldSalt: string;
  valueHash: string;
  encoded: string;
  leafHash: string;
  proof: string[];
}

/**
 * §3.2 and the fieldTree vectors' output: each field's salt, value hash, encoding, leaf and proof, by name, and the
 * root. The tree is built by hand (§5.2, merkle.ts) and by StandardMerkleTree, which must agree.
 */
export function fieldTree(salt: unknown, fields: unknown): { fieldsRoot: string; fields: Record<string, FieldEntry> } {
  if (!isHash(salt)) throw new Error("the record's salt is not 0x followed by 64 hex digits");
  if (!isObject(fields)) throw new Error("fields is not an object");
  // Object.entries, not for-in: own members only, and a member named __proto__ is a field like any other.
  const leaves = Object.entries(fields as Record<string, unknown>).map(([name, value]) => {
    const leaf = fieldLeaf(name, value, fieldSaltOf(salt as string, name));
    return { name, leaf, values: [name, leaf.fieldSalt, leaf.valueHash] };
  });
  if (leaves.length === 0) return { fieldsRoot: ZERO, fields: {} };

  const byHand = treeOf(leaves.map(({ leaf }) => leaf.leafHash));
  const standard = StandardMerkleTree.of(
    leaves.map(({ values }) => values),
    FIELD_LEAF_TYPES,
  );
  if (standard.root !== byHand.root) throw new Error("§5.2 by hand and StandardMerkleTree disagree on the root");
  const out = leaves.map(({ name, leaf, values }, i): [string, FieldEntry] => {
    // StandardMerkleTree sorts its leaves, but getProof(i) and leafHash(values) are of the value listed at i.
    if (standard.leafHash(values) !== leaf.leafHash) throw new Error(`the leaf of ${name} differs`);
    const proof = standard.getProof(i);
    if (JSON.stringify(proof) !== JSON.stringify(byHand.proofs[i])) throw new Error(`the proof of ${name} differs`);
    return [name, { ...leaf, proof }];
  });
  // Object.fromEntries defines members, so a field named __proto__ stays a member.
  return { fieldsRoot: byHand.root, fields: Object.fromEntries(out) };
}

/** §3.3: whether a disclosed field belongs to the envelope whose fieldsRoot is given. */
export function fieldBelongs(fieldsRoot: unknown, name: unknown, value: unknown, fieldSalt: unknown, proof: unknown) {
  if (!isHash(fieldsRoot)) throw new Error("the fields root is not 0x followed by 64 hex digits");
  if (typeof name !== "string") throw new Error("a field's name is a string");
  if (typeof fieldSalt !== "string" || !isHash(fieldSalt)) {
    throw new Error("the field's salt is not 0x followed by 64 hex digits");
  }
  if (!Array.isArray(proof)) throw new Error("a proof is a list");
  proof.forEach((p, i) => {
    if (!isHash(p)) throw new Error(`proof node ${i} is not 0x followed by 64 hex digits`);
  });
  const nodes = (proof as string[]).map((p) => p.toLowerCase());
  const root = (fieldsRoot as string).toLowerCase();
  const leaf = fieldLeaf(name, value, fieldSalt);
  const folded = proofHolds(root, leaf.leafHash, nodes);
  const standard = StandardMerkleTree.verify(root, FIELD_LEAF_TYPES, [name, leaf.fieldSalt, leaf.valueHash], nodes);
  if (folded !== standard) throw new Error("the fold of §3.3 and StandardMerkleTree.verify disagree");
  return folded;
}

// ---------------------------------------------------------------------------------------------------------------
// §3.1, §3.2 and §3.4.

/** §3.2: the envelope, the record without fields and salt and with fieldsRoot. */
export function envelopeOf(record: Record<string, unknown>): Record<string, unknown> {
  const { fields, salt, ...rest } = record;
  return { ...rest, fieldsRoot: fieldTree(salt, fields).fieldsRoot };
}

/** §3: the hash by the record's format, and the five values the chain holds. */
export function recordHash(value: unknown) {
  const record = checkedRecord(value);
  // §3: a record whose canonical JSON cannot be written has no hash, whatever its format.
  canonicalJson(record);
  const hash = record.format === FORMAT_1 ? contentHash(record) : contentHash(envelopeOf(record));
  const anchor = {
    recordHash: hash,
    subjectRef: record.subjectRef,
    credentialType: record.typeId,
    validFrom: record.validFrom,
    validUntil: record.validUntil,
  };
  return { recordHash: hash, anchor };
}

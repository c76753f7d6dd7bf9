// SPEC.md §1 and §2.1 written again from the document: the hash functions, canonical JSON and the content hash.
import { createHash } from "node:crypto";
import canonicalize from "canonicalize";
import { createKeccak } from "hash-wasm";

const keccak = await createKeccak(256);

/** 0x and lower-case hex of `bytes`. */
export const hex = (bytes: Uint8Array) => `0x${Buffer.from(bytes).toString("hex")}`;
export const bytesOf = (hex32: string) => Buffer.from(hex32.slice(2), "hex");

/** Keccak-256 (Ethereum's, not SHA3-256). */
export function keccak256(data: Uint8Array | string): Uint8Array {
  keccak.init();
  keccak.update(typeof data === "string" ? Buffer.from(data, "utf8") : data);
  return keccak.digest("binary");
}

export const sha256 = (data: Uint8Array | string) => new Uint8Array(createHash("sha256").update(data).digest());

/** §2.1, 2: a lone surrogate is a code point of category Cs once a string is read by code points. */
const LONE_SURROGATE = /\p{Cs}/u;
const MAX_CONTAINER_DEPTH = 256;

function refuseUnwritable(value: unknown, depth: number): void {
  if (typeof value === "string") {
    if (LONE_SURROGATE.test(value)) throw new Error("a lone surrogate");
  } else if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new Error("a number beyond the doubles");
  } else if (value !== null && typeof value === "object") {
    if (depth > MAX_CONTAINER_DEPTH) throw new Error("nested too deep");
    for (const [name, member] of Object.entries(value)) {
      refuseUnwritable(name, depth + 1);
      refuseUnwritable(member, depth + 1);
    }
  }
}

/** Canonical JSON (§2.1): RFC 8785 through the `canonicalize` package, after the refusals of §2.1, 2. */
export function canonicalJson(value: unknown): string {
  refuseUnwritable(value, 0);
  const text = canonicalize(value);
  if (text === undefined) throw new Error("no JSON value");
  return text;
}

/** The content hash (§1): sha256 of the canonical JSON's UTF-8 bytes. */
export const contentHash = (value: unknown) => hex(sha256(canonicalJson(value)));

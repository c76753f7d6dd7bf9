// Canonical JSON (RFC 8785) and the content hashes built on it: one rule for scripts, gateway and tests.
import { createHash } from "node:crypto";
import canonicalizeJson from "canonicalize";

export type Hex32 = `0x${string}`;

/** RFC 8785 canonical form; rejects values JSON cannot carry (undefined, functions, non-finite numbers). */
export function canonicalize(value: unknown): string {
  const text = canonicalizeJson(value);
  if (text === undefined) {
    throw new TypeError("value has no canonical JSON form");
  }
  return text;
}

/** sha256 over the canonical JSON, as a 0x-prefixed bytes32: schema hashes, definition hashes, record hashes. */
export function contentHash(value: unknown): Hex32 {
  return `0x${createHash("sha256").update(canonicalize(value), "utf8").digest("hex")}`;
}

// Canonical JSON (RFC 8785) and the content hashes built on it: one rule for scripts, gateway and tests.
import { createHash } from "node:crypto";

export type Hex32 = `0x${string}`;

/** Nesting deeper than this is refused: no record or definition comes near it, and a cycle would never end. */
const MAX_DEPTH = 256;

const noForm = (why: string) => new TypeError(`value has no canonical JSON form: ${why}`);

/** A string as RFC 8785 writes it: JSON.stringify's escaping (ECMAScript's), refusing lone surrogates. */
function text(value: string): string {
  if (!(value as string & { isWellFormed(): boolean }).isWellFormed()) throw noForm("a string has a lone surrogate");
  return JSON.stringify(value);
}

function write(value: unknown, depth: number): string | undefined {
  switch (typeof value) {
    case "string":
      return text(value);
    case "number":
      // ECMAScript's Number-to-String, which is RFC 8785's number form; -0 is written 0.
      if (!Number.isFinite(value)) throw noForm(`${value} is not a JSON number`);
      return JSON.stringify(value);
    case "boolean":
      return value ? "true" : "false";
    case "undefined":
    case "function":
    case "symbol":
      return undefined;
    case "bigint":
      throw noForm("a bigint is not a JSON number");
  }
  if (value === null) return "null";
  if (depth > MAX_DEPTH) throw noForm(`nested deeper than ${MAX_DEPTH} levels (or circular)`);
  const object = value as Record<string, unknown> & { toJSON?: () => unknown };
  if (typeof object.toJSON === "function") return write(object.toJSON(), depth + 1);
  if (Array.isArray(object)) {
    let out = "[";
    for (let i = 0; i < object.length; i++) out += `${i === 0 ? "" : ","}${write(object[i], depth + 1) ?? "null"}`;
    return `${out}]`;
  }
  // Members in the order of their names' UTF-16 code units (the default sort's order); absent values are left out.
  const keys = Object.keys(object).sort();
  let out = "{";
  for (const key of keys) {
    const member = write(object[key], depth + 1);
    if (member === undefined) continue;
    out += `${out.length === 1 ? "" : ","}${text(key)}:${member}`;
  }
  return `${out}}`;
}

/**
 * RFC 8785 canonical form. Refuses what JSON cannot carry: non-finite numbers, bigints, lone surrogates, a value that
 * is undefined (or a function) at the top; object members that are undefined are left out and array elements written
 * null, as JSON.stringify does.
 */
export function canonicalize(value: unknown): string {
  const result = write(value, 0);
  if (result === undefined) throw noForm(`${typeof value} is not a JSON value`);
  return result;
}

/** sha256 over the canonical JSON, as a 0x-prefixed bytes32: schema hashes, definition hashes, record hashes. */
export function contentHash(value: unknown): Hex32 {
  return `0x${createHash("sha256").update(canonicalize(value), "utf8").digest("hex")}`;
}

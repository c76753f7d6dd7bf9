// Canonical JSON (RFC 8785) and the content hashes built on it: one rule for scripts, gateway and tests.
import { hash } from "node:crypto";

export type Hex32 = `0x${string}`;

/** Nesting deeper than this is refused: no record or definition comes near it, and a cycle would never end. */
const MAX_DEPTH = 256;

/** A value RFC 8785 cannot write; when the value came from a request, the request is at fault. */
export class CanonicalFormError extends TypeError {
  override name = "CanonicalFormError";
}

const noForm = (why: string) => new CanonicalFormError(`value has no canonical JSON form: ${why}`);

const wellFormed = (value: string) => (value as string & { isWellFormed(): boolean }).isWellFormed();

/** Names objects list first, in numeric order, whatever order they were added in (array-index-like names). */
const INDEX_LIKE = /^(?:0|[1-9][0-9]*)$/;
const NAMES_OUT_OF_ORDER = Symbol("names JSON.stringify would not keep in order");

/**
 * A copy of `value` whose objects have their members in RFC 8785 order (their names' UTF-16 code units, the default
 * sort's), every value checked, for JSON.stringify to write; NAMES_OUT_OF_ORDER if an object somewhere has a name a
 * copy cannot keep in place (index-like, or __proto__).
 */
function sortedCopy(value: unknown, depth: number): unknown {
  switch (typeof value) {
    case "string":
      if (!wellFormed(value)) throw noForm("a string has a lone surrogate");
      return value;
    case "number":
      // ECMAScript's Number-to-String, which JSON.stringify writes, is RFC 8785's number form; -0 is written 0.
      if (!Number.isFinite(value)) throw noForm(`${value} is not a JSON number`);
      return value;
    case "bigint":
      throw noForm("a bigint is not a JSON number");
    case "object":
      break;
    default:
      return value;
  }
  if (value === null) return null;
  if (depth > MAX_DEPTH) throw noForm(`nested deeper than ${MAX_DEPTH} levels (or circular)`);
  const object = value as Record<string, unknown> & { toJSON?: () => unknown };
  if (typeof object.toJSON === "function") return sortedCopy(object.toJSON(), depth + 1);
  if (Array.isArray(object)) {
    const copy = new Array(object.length);
    for (let i = 0; i < object.length; i++) {
      const element = sortedCopy(object[i], depth + 1);
      if (element === NAMES_OUT_OF_ORDER) return NAMES_OUT_OF_ORDER;
      copy[i] = element;
    }
    return copy;
  }
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(object).sort()) {
    // "__proto__" would set the copy's prototype instead of adding a member.
    if (INDEX_LIKE.test(key) || key === "__proto__") return NAMES_OUT_OF_ORDER;
    if (!wellFormed(key)) throw noForm("a string has a lone surrogate");
    const member = sortedCopy(object[key], depth + 1);
    if (member === NAMES_OUT_OF_ORDER) return NAMES_OUT_OF_ORDER;
    copy[key] = member;
  }
  return copy;
}

/**
 * The canonical text of `value`, undefined where JSON has none (undefined, a function): JSON.stringify of the sorted
 * copy; where the copy cannot be made, this level is written here and each member the same way.
 */
function write(value: unknown, depth: number): string | undefined {
  const copy = sortedCopy(value, depth);
  if (copy !== NAMES_OUT_OF_ORDER) return JSON.stringify(copy);
  // Only an object or array (one checked by sortedCopy, within the depth bound) leads here.
  const object = value as Record<string, unknown> & { toJSON?: () => unknown };
  if (typeof object.toJSON === "function") return write(object.toJSON(), depth + 1);
  // Array.from, not map: a hole is written null, as JSON.stringify writes it.
  if (Array.isArray(object)) return `[${Array.from(object, (e) => write(e, depth + 1) ?? "null").join(",")}]`;
  const members: string[] = [];
  for (const key of Object.keys(object).sort()) {
    if (!wellFormed(key)) throw noForm("a string has a lone surrogate");
    const member = write(object[key], depth + 1);
    if (member !== undefined) members.push(`${JSON.stringify(key)}:${member}`);
  }
  return `{${members.join(",")}}`;
}

/**
 * RFC 8785 canonical form. Refuses what JSON cannot carry: non-finite numbers, bigints, lone surrogates, a value that
 * is undefined (or a function) at the top; object members that are undefined are left out and array elements written
 * null, as JSON.stringify does. Objects with index-like names (which JavaScript objects keep in numeric order) or a
 * __proto__ member are written member by member; everything else by JSON.stringify from a sorted copy.
 */
export function canonicalize(value: unknown): string {
  const result = write(value, 0);
  if (result === undefined) throw noForm(`${typeof value} is not a JSON value`);
  return result;
}

/** sha256 over the canonical JSON, as a 0x-prefixed bytes32: schema hashes, definition hashes, record hashes. */
export function contentHash(value: unknown): Hex32 {
  return `0x${hash("sha256", canonicalize(value))}`;
}

/**
 * The canonical JSON of a value that sits `depth` levels inside a document (a record's field value at depth 2), so
 * that the nesting bound counts from the document's outermost value: a value has a form here only where the document
 * could. For a caller that hashes it itself.
 */
export function canonicalAtDepth(value: unknown, depth: number): string {
  const text = write(value, depth);
  if (text === undefined) throw noForm(`${typeof value} is not a JSON value`);
  return text;
}

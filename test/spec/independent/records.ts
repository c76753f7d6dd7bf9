// SPEC.md §2.2 and §3 written again from the document: the record's shape, its hash, and its anchor.
import { canonicalJson, contentHash } from "./hashes.ts";

type Check = (value: unknown) => boolean;

const HASH = /^0x[0-9a-fA-F]{64}$/;
const isHash: Check = (v) => typeof v === "string" && HASH.test(v);
const nonEmpty: Check = (v) => typeof v === "string" && v.length > 0;
const integer =
  (min: number, max: number): Check =>
  (v) =>
    typeof v === "number" && Number.isInteger(v) && v >= min && v <= max;

/** §2.2's table: every member, what it must be, and whether it may be absent. */
const MEMBERS: Record<string, { check: Check; optional?: true }> = {
  format: { check: (v) => v === "oncechain-record/1" },
  credentialType: { check: nonEmpty },
  typeVersion: { check: integer(1, 65_535) },
  typeId: { check: integer(1, 2 ** 32 - 1) },
  issuer: { check: nonEmpty },
  issuerId: { check: integer(1, 2 ** 32 - 1) },
  subjectRef: { check: isHash },
  fields: { check: (v) => typeof v === "object" && v !== null && !Array.isArray(v) },
  issuedAt: { check: (v) => typeof v === "string" },
  validFrom: { check: integer(0, 2 ** 40 - 1) },
  validUntil: { check: integer(0, 2 ** 40 - 1) },
  salt: { check: isHash },
  supersedes: { check: isHash, optional: true },
};

/** The record as it is hashed: shape checked, hash members lower-cased. */
export function checkedRecord(value: unknown): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new Error("a record is an object");
  const record = value as Record<string, unknown>;
  for (const name of Object.keys(record)) if (!(name in MEMBERS)) throw new Error(`${name} is not a member`);
  const checked: Record<string, unknown> = {};
  for (const [name, { check, optional }] of Object.entries(MEMBERS)) {
    if (!(name in record) && optional) continue;
    if (!check(record[name])) throw new Error(`${name} is missing or not what §2.2 says`);
    checked[name] = check === isHash ? (record[name] as string).toLowerCase() : record[name];
  }
  return checked;
}

export const canonicalRecord = (value: unknown) => canonicalJson(checkedRecord(value));

/** §3: the hash, and the five values the chain holds. */
export function recordHash(value: unknown) {
  const record = checkedRecord(value);
  const hash = contentHash(record);
  const anchor = {
    recordHash: hash,
    subjectRef: record.subjectRef,
    credentialType: record.typeId,
    validFrom: record.validFrom,
    validUntil: record.validUntil,
  };
  return { recordHash: hash, anchor };
}

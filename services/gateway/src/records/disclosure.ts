// A disclosure: some fields of a format-2 record, each with its salt and proof, beside the record's envelope (SPEC
// §3.5). Whoever holds it can prove that the disclosed fields are the record's and that the record is anchored,
// without seeing the fields withheld.
import { contentHash, type Hex32 } from "../../../../lib/encoding/canonical.ts";
import { buildFieldTree, fieldLeadsTo, saltsUnder } from "../../../../lib/records/fieldTree.ts";
import type { CanonicalRecord, RecordEnvelope } from "./canonicalRecord.ts";

export const DISCLOSURE_FORMAT = "oncechain-disclosure/1";

export interface DisclosedField {
  value: unknown;
  /** The field's own salt (SPEC §3.2), not the record's. */
  salt: Hex32;
  /** From the field's leaf up to the envelope's fieldsRoot. */
  proof: Hex32[];
}

/** Format 2's envelope: only a record of that format has one. */
export type DisclosedEnvelope = RecordEnvelope & { format: "oncechain-record/2" };

export interface Disclosure {
  format: typeof DISCLOSURE_FORMAT;
  /** The hash of the envelope: the record's hash, which the chain holds. */
  recordHash: Hex32;
  envelope: DisclosedEnvelope;
  fields: Record<string, DisclosedField>;
  /** For a record anchored in a batch: the batch's root and the record's proof in it. */
  anchor?: { batchRoot: Hex32; proof: Hex32[] };
}

/** Why a disclosure does not hold, and where: a member path such as `fields.name.value`. */
export class DisclosureError extends Error {
  override name = "DisclosureError";
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The disclosure of `names` (each a field of the record, each once) from a format-2 record; a format-1 record is
 * hashed whole, so none of its fields can be shown without all the others.
 */
export function discloseFields(
  record: CanonicalRecord,
  names: readonly string[],
  anchor?: { batchRoot: Hex32; proof: Hex32[] },
): Disclosure {
  if (record.format !== "oncechain-record/2") {
    throw new DisclosureError("record.format", "a record of format 1 is hashed whole: it cannot disclose some fields");
  }
  // One tree serves the root and the proofs; one keyed salt derivation the salts disclosed.
  const saltOf = saltsUnder(record.salt);
  const tree = buildFieldTree(record.fields, record.salt);
  const fields: Record<string, DisclosedField> = {};
  for (const name of names) {
    if (!Object.hasOwn(record.fields, name))
      throw new DisclosureError("fields", "the record has no field of that name");
    if (Object.hasOwn(fields, name)) throw new DisclosureError("fields", "a field is named twice");
    Object.defineProperty(fields, name, {
      value: { value: record.fields[name], salt: saltOf(name), proof: tree.proof(name) },
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  const { fields: _all, salt: _salt, format, ...rest } = record;
  const envelope: DisclosedEnvelope = { format, ...rest, fieldsRoot: tree.root };
  return {
    format: DISCLOSURE_FORMAT,
    // The record's hash (SPEC §3.2) is the envelope's, whose root is the tree's just built.
    recordHash: contentHash(envelope),
    envelope,
    fields,
    ...(anchor ? { anchor: { batchRoot: anchor.batchRoot, proof: [...anchor.proof] } } : {}),
  };
}

/**
 * The record hash a disclosure proves its fields against, once each disclosed field belongs to its envelope (SPEC
 * §3.3) and the hash it states, if any, is the envelope's. The first that does not is thrown as a DisclosureError
 * naming it. Whether the record is anchored and valid is the chain's to say (verifyRecord, with the envelope's leaf
 * facts and the anchor).
 */
export function provenRecordHash(disclosure: Omit<Disclosure, "recordHash"> & { recordHash?: Hex32 }): Hex32 {
  const recordHash = contentHash(disclosure.envelope);
  if (disclosure.recordHash !== undefined && disclosure.recordHash.toLowerCase() !== recordHash) {
    throw new DisclosureError(
      "envelope",
      `the envelope hashes to ${recordHash}, not to the recordHash the disclosure states`,
    );
  }
  for (const [name, field] of Object.entries(disclosure.fields)) {
    if (!fieldLeadsTo(disclosure.envelope.fieldsRoot, name, field.salt, field.value, field.proof)) {
      throw new DisclosureError(
        `fields.${name}`,
        "does not belong to the record: its value, salt or proof is not what the record's fields root commits to",
      );
    }
  }
  return recordHash;
}

// The canonical record a department issues: what its hash commits to, and what a holder presents for verification.
import { randomBytes } from "node:crypto";
import { contentHash, type Hex32 } from "../../../../lib/encoding/canonical.ts";
import type { RecordAnchor } from "../../../../lib/encoding/recordLeaf.ts";
import { buildFieldTree } from "../../../../lib/records/fieldTree.ts";

/**
 * Format 1 hashes the whole record; format 2 (what a gateway issues) hashes its envelope, in which the fields are only
 * the root of a tree of salted field leaves, so that some fields can be disclosed and the others withheld (SPEC §3).
 */
export const RECORD_FORMATS = ["oncechain-record/1", "oncechain-record/2"] as const;
export type RecordFormat = (typeof RECORD_FORMATS)[number];
export const ISSUED_RECORD_FORMAT: RecordFormat = "oncechain-record/2";

/**
 * Everything the record hash covers. The subject appears only as its keyed hash: the ID number never enters a
 * record, so a record can travel between departments and be hashed anywhere without carrying it. The 256-bit salt
 * keeps the hash of a low-entropy record (a yes/no certificate) from being guessed; in format 2 each field has its own
 * salt derived from it.
 */
export interface CanonicalRecord {
  format: RecordFormat;
  credentialType: string;
  typeVersion: number;
  typeId: number;
  issuer: string;
  issuerId: number;
  subjectRef: Hex32;
  fields: Record<string, unknown>;
  issuedAt: string;
  /** Unix seconds; the first second of validity. */
  validFrom: number;
  /** Unix seconds, inclusive; 0 = no expiry. */
  validUntil: number;
  salt: Hex32;
  /** The record this one replaces, if any. */
  supersedes?: Hex32;
}

/** Where a record stands on its way to the chain, as the issuing gateway keeps it. */
export interface AnchorState {
  /**
   * queued, then anchored; stranded if it can be anchored nowhere: issued against types no open record registry reads
   * any more (the department issues it again).
   */
  state: "queued" | "anchored" | "stranded";
  acceptedAt: number;
  /**
   * The CredentialRecordRegistry the record is anchored in (a registry rolled out later does not hold it); while it
   * is queued, the one it was issued for.
   */
  registry: string;
  /** Unix seconds of the anchoring block. */
  anchoredAt?: number;
  txHash?: string;
  blockNumber?: number;
  batchRoot?: Hex32;
  proof?: Hex32[];
  revokedAt?: number;
  revocationReason?: number;
  supersededBy?: Hex32;
}

/** Where a batched record is in its batch (its root and proof), as a disclosure or a verification carries it. */
export function batchAnchorOf(state: AnchorState): { batchRoot: Hex32; proof: Hex32[] } | undefined {
  return state.batchRoot ? { batchRoot: state.batchRoot, proof: state.proof ?? [] } : undefined;
}

export function newSalt(): Hex32 {
  return `0x${randomBytes(32).toString("hex")}`;
}

/** Format 2's envelope: the record without its fields and salt, with the root of its field tree in their place. */
export type RecordEnvelope = Omit<CanonicalRecord, "fields" | "salt"> & { fieldsRoot: Hex32 };

export function envelopeOf(record: CanonicalRecord): RecordEnvelope {
  const { fields, salt, ...rest } = record;
  return { ...rest, fieldsRoot: buildFieldTree(fields, salt).root };
}

/** SPEC §3: sha256 of the canonical JSON of the record (format 1) or of its envelope (format 2). */
export function recordHashOf(record: CanonicalRecord): Hex32 {
  return record.format === "oncechain-record/1" ? contentHash(record) : contentHash(envelopeOf(record));
}

/** The public facts the chain holds of a record (its leaf in a batch). */
export function anchorOf(
  record: Pick<CanonicalRecord, "subjectRef" | "typeId" | "validFrom" | "validUntil">,
  recordHash: Hex32,
): RecordAnchor {
  return {
    recordHash,
    subjectRef: record.subjectRef,
    credentialType: record.typeId,
    validFrom: record.validFrom,
    validUntil: record.validUntil,
  };
}

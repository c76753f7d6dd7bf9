// The canonical record a department issues: what its hash commits to, and what a holder presents for verification.
import { randomBytes } from "node:crypto";
import { contentHash, type Hex32 } from "../../../../lib/encoding/canonical.ts";
import type { RecordAnchor } from "../../../../lib/encoding/recordLeaf.ts";

/**
 * Everything the record hash covers. The subject appears only as its keyed hash: the ID number never enters a
 * record, so a record can travel between departments and be hashed anywhere without carrying it. The 256-bit salt
 * keeps the hash of a low-entropy record (a yes/no certificate) from being guessed.
 */
export interface CanonicalRecord {
  format: "oncechain-record/1";
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

export function newSalt(): Hex32 {
  return `0x${randomBytes(32).toString("hex")}`;
}

export function recordHashOf(record: CanonicalRecord): Hex32 {
  return contentHash(record);
}

/** The public facts the chain holds of a record (its leaf in a batch). */
export function anchorOf(record: CanonicalRecord, recordHash: Hex32): RecordAnchor {
  return {
    recordHash,
    subjectRef: record.subjectRef,
    credentialType: record.typeId,
    validFrom: record.validFrom,
    validUntil: record.validUntil,
  };
}

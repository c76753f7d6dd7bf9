// The shape of an access-log entry and the two hash rules that make the log tamper-evident.
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { ZeroHash } from "ethers";
import { contentHash, type Hex32 } from "../../../../lib/encoding/canonical.ts";

export const ACCESS_OUTCOMES = ["shared", "evidence-only", "not-found", "denied"] as const;
export type AccessOutcome = (typeof ACCESS_OUTCOMES)[number];

/** What a department records of one request for one of its records. Never an ID number or a name. */
export interface AccessLogInput {
  /** Code of the department that asked. */
  consumer: string;
  subjectRef: Hex32;
  credentialType: string;
  /** The scenario code the consumer asked under. */
  purpose: string;
  applicationId: string;
  outcome: AccessOutcome;
  recordHash?: Hex32;
}

export interface AccessLogEntry extends AccessLogInput {
  seq: number;
  /** ISO 8601, when the issuer answered. */
  at: string;
  /** The previous entry's entryHash; the zero hash before the first entry. */
  prevHash: Hex32;
  entryHash: Hex32;
}

export const GENESIS_HASH = ZeroHash as Hex32;

/** sha256 of the canonical entry without its own hash: editing any field, or the order, changes every later hash. */
export function entryHashOf(entry: Omit<AccessLogEntry, "entryHash"> & { entryHash?: unknown }): Hex32 {
  const { entryHash: _ignored, ...content } = entry;
  return contentHash(content);
}

/** The root committed on chain for a range: OpenZeppelin's standard tree over the entries' hashes as bytes32 leaves. */
export function accessLogRoot(entryHashes: readonly Hex32[]): Hex32 {
  return StandardMerkleTree.of(
    entryHashes.map((h) => [h]),
    ["bytes32"],
  ).root as Hex32;
}

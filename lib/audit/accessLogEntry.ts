// The shape of an access-log entry and the two hash rules that make the log tamper-evident: one rule for the gateway
// that writes the log and the auditor who checks it.
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { ZeroHash } from "ethers";
import { contentHash, type Hex32 } from "../encoding/canonical.ts";

/**
 * What came of a peer's query (the first four), of a peer request refused before it was read, of an own-API read, of
 * a read of the subject's access history (for a citizen's view of it, which names who asked for it), and what became
 * of an applicant's commitment (告知承诺) the department holds: recorded, fulfilled by evidence, overdue, breached.
 */
export const ACCESS_OUTCOMES = [
  "shared",
  "evidence-only",
  "not-found",
  "denied",
  "refused",
  "read",
  "disclosed",
  "history",
  "committed",
  "fulfilled",
  "overdue",
  "breached",
] as const;
export type CommitmentOutcome = "committed" | "fulfilled" | "overdue" | "breached";
export type AccessOutcome = (typeof ACCESS_OUTCOMES)[number];

/** `peer`: another department's gateway (signed request); `api`: one of the department's own systems (API key). */
export const ACCESS_CHANNELS = ["peer", "api"] as const;
export type AccessChannel = (typeof ACCESS_CHANNELS)[number];

/** A peer's query that passed authentication: what it asked, and what it got. */
export interface PeerQueryAccess {
  channel: "peer";
  /** Code of the department that asked. */
  consumer: string;
  subjectRef: Hex32;
  credentialType: string;
  /** The scenario code the consumer asked under. */
  purpose: string;
  applicationId: string;
  outcome: "shared" | "evidence-only" | "not-found" | "denied";
  recordHash?: Hex32;
  /** `shared`: the names of the fields disclosed (the rest of the record was withheld). */
  fields?: string[];
}

/**
 * A peer request refused before its query was weighed (bad signature, stale, replayed, unknown sender): nothing is
 * proved of it, so it holds what it claimed only where the claim had a valid form, and the problem code that refused it.
 */
export interface RefusedPeerAccess {
  channel: "peer";
  outcome: "refused";
  /** The problem code of the refusal, e.g. FEDERATION_SIGNATURE_INVALID. */
  reason: string;
  /** The department the request claimed to come from, when that was a department code in form. */
  consumer?: string;
  subjectRef?: Hex32;
  credentialType?: string;
  purpose?: string;
  applicationId?: string;
}

/** A record read through the department's own API, by the key (never the token) of one of its systems. */
export interface ApiReadAccess {
  channel: "api";
  outcome: "read";
  /** The department itself: its own systems read through its own gateway. */
  consumer: string;
  /** The API key's id and its role. */
  keyId: string;
  role: string;
  subjectRef: Hex32;
  credentialType: string;
  recordHash: Hex32;
}

/**
 * A disclosure of some fields of one of the department's records (SPEC §3.4) made through its own API: for one of its
 * systems (the key's id and role) or for the record's own subject (`self-service:<token id>`, `citizen`).
 */
export type DisclosureAccess = Omit<ApiReadAccess, "outcome"> & {
  outcome: "disclosed";
  /**
   * For a citizen's token: the id of the counter's API key that gave it out, which could have asked for the token
   * itself, so that the person's history names the key behind every disclosure of their record.
   */
  tokenIssuedBy?: string;
  /** The names of the fields disclosed, in the order disclosed; the rest of the record was withheld. */
  fields: string[];
};

/**
 * A read of the subject's entries in this log, for a citizen's view of who accessed their data: by another department
 * (`peer`, which asked for it) or by one of this department's own systems (`api`: the counter's key, or a citizen's
 * self-service token by its id), so that whoever looks at a person's history is in it too.
 */
export interface HistoryReadAccess {
  channel: "peer" | "api";
  outcome: "history";
  consumer: string;
  subjectRef: Hex32;
  /** `api` only: the key's id (or `self-service:<token id>`) and its role (`consumer`, or `citizen`). */
  keyId?: string;
  role?: string;
}

/**
 * A step of an applicant's commitment the department holds, by one of its own systems (`committed`, `breached`: the
 * key's id and role) or by its gateway following the commitment (`fulfilled`, `overdue`: no key). `recordHash` is the
 * commitment's record; `purpose` the scenario; `reason` a breach's reason code.
 */
export interface CommitmentAccess {
  channel: "api";
  outcome: CommitmentOutcome;
  /** The department itself. */
  consumer: string;
  subjectRef: Hex32;
  credentialType: string;
  purpose: string;
  applicationId: string;
  recordHash: Hex32;
  reason?: string;
  keyId?: string;
  role?: string;
}

/** What a department records of one access to its records. Never an ID number, a name or a record's content. */
export type AccessLogInput =
  | PeerQueryAccess
  | RefusedPeerAccess
  | ApiReadAccess
  | DisclosureAccess
  | HistoryReadAccess
  | CommitmentAccess;

/**
 * An entry as it is stored and exported. Entries written before channels, refusals and own-API reads were logged have
 * no `channel` (they are peer queries) and always every field of a peer query; a field that does not apply is absent,
 * never null, so that those entries hash as they did.
 */
export interface AccessLogEntry {
  seq: number;
  /** ISO 8601, when the gateway answered. */
  at: string;
  channel?: AccessChannel;
  consumer?: string;
  subjectRef?: Hex32;
  credentialType?: string;
  purpose?: string;
  applicationId?: string;
  outcome: AccessOutcome;
  recordHash?: Hex32;
  reason?: string;
  keyId?: string;
  role?: string;
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

/** The tree committed on chain for a range: OpenZeppelin's standard tree over the entries' hashes as bytes32 leaves. */
export function accessLogTree(entryHashes: readonly Hex32[]): StandardMerkleTree<[Hex32]> {
  return StandardMerkleTree.of(
    entryHashes.map((h) => [h] as [Hex32]),
    ["bytes32"],
  );
}

/** The root committed on chain for a range. */
export function accessLogRoot(entryHashes: readonly Hex32[]): Hex32 {
  return accessLogTree(entryHashes).root as Hex32;
}

// Record fixtures for CredentialRecordRegistry tests: sample anchors, the EIP-712 anchor request, status and evidence.
import { type BigNumberish, type Signer, type TypedDataDomain, verifyTypedData, ZeroHash } from "ethers";
import { contentHash } from "../../lib/encoding/canonical.ts";
import { buildRecordTree, type RecordAnchor } from "../../lib/encoding/recordLeaf.ts";
import { subjectRef } from "../../lib/encoding/subjectRef.ts";
import type { CredentialRecordRegistry } from "../../types/ethers-contracts/index.ts";

/** ICredentialRecordRegistry.RecordStatus, as the contract returns it. */
export const RecordStatus = {
  Unknown: 0n,
  Revoked: 1n,
  Superseded: 2n,
  IssuerNotAuthorised: 3n,
  IssuerSuspended: 4n,
  Expired: 5n,
  NotYetValid: 6n,
  Valid: 7n,
} as const;

/** ICredentialRecordRegistry.RecordEvidence as plain values. */
export interface Evidence {
  issuer: bigint;
  credentialType: bigint;
  anchoredAt: bigint;
  validFrom: bigint;
  validUntil: bigint;
  revokedAt: bigint;
  revocationReason: bigint;
  batchRoot: string;
  supersededBy: string;
  supersedes: string;
}

/** The largest timestamp a record can carry: validity is stored in 40 bits. */
export const UINT40_MAX = 2 ** 40 - 1;

const DISTRICT_SECRET = new Uint8Array(32).fill(7);

/** A record of type 1 (resident-id-card) for a subject, its hash and subject reference derived from `label`. */
export function recordAnchor(label: string, fields: Partial<RecordAnchor> = {}): RecordAnchor {
  return {
    recordHash: contentHash({ record: label }),
    subjectRef: subjectRef(DISTRICT_SECRET, "resident-id", label),
    credentialType: 1,
    validFrom: 0,
    validUntil: 0,
    ...fields,
  };
}

/** `count` records of type 1 labelled `label 0`, `label 1`, ..., with the same other fields. */
export function recordAnchors(label: string, count: number, fields: Partial<RecordAnchor> = {}): RecordAnchor[] {
  return Array.from({ length: count }, (_, i) => recordAnchor(`${label} ${i}`, fields));
}

/** A batch of records with its Merkle tree, built with the shared leaf encoder. */
export interface RecordBatch {
  root: string;
  tree: ReturnType<typeof buildRecordTree>;
  /** The i-th record with its Merkle proof. */
  leaf(i: number): [RecordAnchor, string[]];
}

export function recordBatch(anchors: readonly RecordAnchor[]): RecordBatch {
  const tree = buildRecordTree(anchors);
  return {
    root: tree.root,
    tree,
    leaf(i) {
      const anchor = anchors[i];
      if (!anchor) throw new RangeError(`the batch has no record ${i}`);
      return [anchor, tree.getProof(i)];
    },
  };
}

/** Anchors `anchors` as a batch of the department that `records` is connected as. */
export async function anchorRecordBatch(
  records: CredentialRecordRegistry,
  anchors: readonly RecordAnchor[],
): Promise<RecordBatch> {
  const batch = recordBatch(anchors);
  await (await records.anchorBatch(batch.root, anchors.length)).wait();
  return batch;
}

/** `anchor(...)`'s arguments for a record. */
export function anchorArgs(record: RecordAnchor) {
  return [record.recordHash, record.subjectRef, record.credentialType, record.validFrom, record.validUntil] as const;
}

/** Evidence with every field zero except those given. */
export function evidence(fields: Partial<Evidence> = {}): Evidence {
  return {
    issuer: 0n,
    credentialType: 0n,
    anchoredAt: 0n,
    validFrom: 0n,
    validUntil: 0n,
    revokedAt: 0n,
    revocationReason: 0n,
    batchRoot: ZeroHash,
    supersededBy: ZeroHash,
    supersedes: ZeroHash,
    ...fields,
  };
}

type StatusResult = Awaited<ReturnType<CredentialRecordRegistry["recordStatus"]>>;

function plain([status, e]: StatusResult): { status: bigint; evidence: Evidence } {
  return {
    status,
    evidence: {
      issuer: e.issuer,
      credentialType: e.credentialType,
      anchoredAt: e.anchoredAt,
      validFrom: e.validFrom,
      validUntil: e.validUntil,
      revokedAt: e.revokedAt,
      revocationReason: e.revocationReason,
      batchRoot: e.batchRoot,
      supersededBy: e.supersededBy,
      supersedes: e.supersedes,
    },
  };
}

/** `recordStatus(issuer, recordHash)`, the record in `issuer`'s namespace, with its evidence as plain values. */
export async function statusOf(records: CredentialRecordRegistry, issuer: BigNumberish, recordHash: string) {
  return plain(await records.recordStatus(issuer, recordHash));
}

/**
 * `batchRecordStatus(issuer, root, leaf, proof)`, the record in `issuer`'s batch `root`, with its evidence as plain
 * values.
 */
export async function batchStatusOf(
  records: CredentialRecordRegistry,
  issuer: BigNumberish,
  root: string,
  leaf: RecordAnchor,
  proof: string[],
) {
  return plain(await records.batchRecordStatus(issuer, root, leaf, proof));
}

import { ANCHOR_TYPES, type AnchorTerms, anchorMessage } from "../../lib/encoding/anchorRequest.ts";

export { ANCHOR_TYPES, type AnchorTerms, recordsDomain } from "../../lib/encoding/anchorRequest.ts";

/** What a department signer signs to have `record` anchored by anyone before `terms.deadline`. */
export interface AnchorRequest {
  record: RecordAnchor;
  terms: AnchorTerms;
}

/** The signer's EIP-712 signature of an anchoring request under `domain`. */
export function signAnchor(signer: Signer, domain: TypedDataDomain, request: AnchorRequest): Promise<string> {
  return signer.signTypedData(domain, ANCHOR_TYPES, anchorMessage(request.record, request.terms));
}

/** The address a signature recovers to when read as a signature of `request` under `domain`. */
export function anchorSigner(domain: TypedDataDomain, request: AnchorRequest, signature: string): string {
  return verifyTypedData(domain, ANCHOR_TYPES, anchorMessage(request.record, request.terms), signature);
}

// The combined verdict on a record, ported from contracts/libraries/RecordStatusRules.sol so that gateways can
// answer from their own index; test/records/statusRules.test.ts holds it to the chain's answers.

/** ICredentialRecordRegistry.RecordStatus: the order is the order the checks apply, and the numbers are the ABI's. */
export const RecordStatus = {
  Unknown: 0,
  Revoked: 1,
  Superseded: 2,
  IssuerNotAuthorised: 3,
  IssuerSuspended: 4,
  Expired: 5,
  NotYetValid: 6,
  Valid: 7,
} as const;
export type RecordStatus = (typeof RecordStatus)[keyof typeof RecordStatus];

export const STATUS_NAMES = [
  "unknown",
  "revoked",
  "superseded",
  "issuer-not-authorised",
  "issuer-suspended",
  "expired",
  "not-yet-valid",
  "valid",
] as const;
export type RecordStatusName = (typeof STATUS_NAMES)[number];

/**
 * The facts of ICredentialRecordRegistry.RecordEvidence the verdict depends on. Times are seconds; both numbers and
 * the bigints ethers returns are taken, and compared as bigints so that no value is rounded on the way.
 */
export interface StatusEvidence {
  /** 0 = not anchored. */
  anchoredAt: number | bigint;
  validFrom: number | bigint;
  /** 0 = no expiry. */
  validUntil: number | bigint;
  /** 0 = not revoked. */
  revokedAt: number | bigint;
  /** The zero bytes32 = not superseded. */
  supersededBy: string;
}

/**
 * RecordStatusRules.decide: the first check that holds wins. `issuerAuthorised` is whether the issuer was an
 * authoritative issuer of the record's type at `anchoredAt`; `issuerSuspended` whether it is suspended at `timestamp`.
 */
export function decideStatus(
  evidence: StatusEvidence,
  timestamp: number | bigint,
  issuerAuthorised: boolean,
  issuerSuspended: boolean,
): RecordStatus {
  const now = BigInt(timestamp);
  const validUntil = BigInt(evidence.validUntil);
  if (BigInt(evidence.anchoredAt) === 0n) return RecordStatus.Unknown;
  if (BigInt(evidence.revokedAt) !== 0n) return RecordStatus.Revoked;
  if (BigInt(evidence.supersededBy) !== 0n) return RecordStatus.Superseded;
  if (!issuerAuthorised) return RecordStatus.IssuerNotAuthorised;
  if (issuerSuspended) return RecordStatus.IssuerSuspended;
  if (validUntil !== 0n && now > validUntil) return RecordStatus.Expired;
  if (now < BigInt(evidence.validFrom)) return RecordStatus.NotYetValid;
  return RecordStatus.Valid;
}

/** The status's name in API responses and logs; the chain's bigint statuses are taken as they come. */
export function statusName(status: number | bigint): RecordStatusName {
  const name = STATUS_NAMES[Number(status)];
  if (name === undefined) throw new RangeError(`${status} is not a record status`);
  return name;
}

/**
 * Whether a batch leaf can stand for a record at all, as CredentialRecordRegistry._leafError decides before the proof:
 * a record hash (never zero), validity that does not end before it starts, and a proof as long as a leaf's proof in the
 * standard tree of `recordCount` leaves is (floor(log2 n) or ceil(log2 n) nodes). A leaf that fails reads Unknown.
 */
export function batchLeafFits(
  leaf: { recordHash: string; validFrom: number; validUntil: number },
  recordCount: number,
  proofLength: number,
): boolean {
  if (BigInt(leaf.recordHash) === 0n) return false;
  if (leaf.validUntil !== 0 && leaf.validUntil < leaf.validFrom) return false;
  if (!Number.isInteger(recordCount) || recordCount < 1 || recordCount > 0xffffffff) return false;
  // recordCount is a uint32: floor(log2) is the position of its highest bit; a count that is not a power of two
  // needs one node more on its longer paths.
  const floor = 31 - Math.clz32(recordCount);
  const ceil = recordCount === 2 ** floor ? floor : floor + 1;
  return proofLength >= floor && proofLength <= ceil;
}

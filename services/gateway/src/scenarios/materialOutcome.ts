// What an application says about one material: waived on verified evidence, still required, or unavailable now.
import type { Hex32 } from "../../../../lib/encoding/canonical.ts";

export const REQUIRED_REASONS = [
  "not-found",
  "revoked",
  "expired",
  "superseded",
  "not-yet-valid",
  "issuer-suspended",
  "issuer-not-authorised",
  "not-anchored",
  "tampered",
  "mismatched",
  "not-granted",
  "refused",
  "subject-not-given",
  "no-issuer",
] as const;
export type RequiredReason = (typeof REQUIRED_REASONS)[number];
export const UNAVAILABLE_REASONS = [
  "no-endpoint",
  "unreachable",
  "timeout",
  "peer-error",
  "chain-unavailable",
] as const;

export interface MaterialEvidence {
  issuer: string;
  issuerId: number;
  recordHash: Hex32;
  /** The verdict: "valid" for a waived material. */
  status: string;
  asOfBlock: number;
  /** Where the record is anchored: `registry` is the record registry it was found in on chain. */
  anchor: { registry?: string; batchRoot?: Hex32; proof: Hex32[]; txHash?: string; blockNumber?: number };
  validUntil: number;
}

export type MaterialOutcome =
  | {
      status: "waived";
      /** true: the issuer disclosed fields of the record; false: it proved the record exists, the data stays with it. */
      shared: boolean;
      evidence: MaterialEvidence;
      /** The fields disclosed (those the department's matters need), each proved a field of the anchored record. */
      data?: Record<string, unknown>;
      /** Their names: every other field of the record was withheld by its issuer. */
      disclosed?: string[];
    }
  | { status: "required"; reason: RequiredReason; issuer?: string; evidence?: MaterialEvidence }
  | { status: "unavailable"; reason: (typeof UNAVAILABLE_REASONS)[number]; issuer?: string };

const RANK = { waived: 2, unavailable: 1, required: 0 } as const;
/** Among required outcomes, a definite finding about a record says more than not finding one. */
const informative = (o: MaterialOutcome) => (o.status === "required" && o.reason !== "not-found" ? 1 : 0);

/**
 * One material, several authoritative issuers: a verified record from any of them waives it; an issuer that could not
 * be asked leaves it unavailable (it might hold the record); only when every issuer answered is it required.
 */
export function combineOutcomes(outcomes: MaterialOutcome[]): MaterialOutcome {
  const sorted = [...outcomes].sort((a, b) => RANK[b.status] - RANK[a.status] || informative(b) - informative(a));
  return sorted[0] ?? { status: "required", reason: "no-issuer" };
}

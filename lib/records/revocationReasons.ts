// Revocation reason codes with a meaning every department shares (docs/SPEC.md §6.7); 1 to 15 are each department's own.

/** The record was produced by a decision on the applicant's commitment (告知承诺), which was found breached. */
export const COMMITMENT_BREACHED = 16;

const MEANINGS: Record<number, string> = {
  [COMMITMENT_BREACHED]: "approved on the applicant's commitment, which was breached",
};

/** "reason 16 (approved on …)", or "reason 3" for a code whose meaning is the issuing department's own. */
export function describeRevocationReason(code: number): string {
  const meaning = MEANINGS[code];
  return meaning ? `reason ${code} (${meaning})` : `reason ${code}`;
}

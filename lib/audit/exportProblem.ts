// What can be wrong with an access-log export, as the auditor's check names it: a stable kind, a sentence, and the
// entry it was found at.

export type ExportProblemKind =
  | "wrong-chain"
  | "wrong-directory"
  | "wrong-department"
  | "range"
  | "missing"
  | "out-of-order"
  | "duplicate"
  | "altered"
  | "chain-broken"
  | "unlisted-commitment"
  | "commitment-mismatch"
  | "transaction-mismatch"
  | "not-in-commitment"
  | "proof-invalid"
  | "hidden-commitment";

export interface ExportProblem {
  kind: ExportProblemKind;
  message: string;
  /** The entry it was found at, and its position in `entries`. */
  seq?: number;
  position?: number;
}

/** Thrown by a check at the first problem; verifyExport turns it into the verdict. */
export class ExportProblemFound extends Error {
  constructor(readonly problem: ExportProblem) {
    super(problem.message);
  }
}

export function fail(kind: ExportProblemKind, message: string, seq?: number, position?: number): never {
  const at = seq === undefined ? {} : { seq, ...(position === undefined ? {} : { position }) };
  throw new ExportProblemFound({ kind, message, ...at });
}

/** How a problem names a commitment: its position and its registry. */
export const named = (c: { registry: string; index: number }) =>
  `commitment ${c.index} of the AccessLogRegistry at ${c.registry}`;

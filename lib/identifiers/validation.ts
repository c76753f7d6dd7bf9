// The result every subject-identifier validator returns.

/**
 * Either the identifier in the one spelling the gateway hashes, or why it was refused. A reason names the rule that
 * failed and never repeats the identifier: these reach logs and problem documents, where ID numbers must not go.
 */
export type IdValidation = { ok: true; normalised: string } | { ok: false; reason: string };

export const accepted = (normalised: string): IdValidation => ({ ok: true, normalised });
export const refused = (reason: string): IdValidation => ({ ok: false, reason });

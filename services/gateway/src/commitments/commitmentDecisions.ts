// What a department decides about a commitment it holds: the record its approval produced (the licence issued on the
// commitment), and a breach, which revokes that record on chain with the reason code that says why.
import type { Hex32 } from "../../../../lib/encoding/canonical.ts";
import { COMMITMENT_BREACHED } from "../../../../lib/records/revocationReasons.ts";
import { GatewayError } from "../errors/GatewayError.ts";
import { lifecycleOf, revokeRecord } from "../records/lifecycle.ts";
import { commitmentStore, type StoredCommitment } from "./commitmentStore.ts";
import { type CommitmentCtx, logCommitmentStep } from "./recordCommitment.ts";

/** Why a department found a commitment broken: codes, never free text (which could carry personal data). */
export const BREACH_REASONS = [
  "material-not-provided",
  "material-contradicts-commitment",
  "false-statement",
  "conditions-not-met",
] as const;
export type BreachReason = (typeof BREACH_REASONS)[number];

async function held(ctx: CommitmentCtx, commitmentId: string): Promise<StoredCommitment> {
  const commitment = await commitmentStore(ctx.department.store).get(commitmentId);
  if (!commitment) throw new GatewayError("COMMITMENT_NOT_FOUND", { field: "commitmentId" });
  return commitment;
}

/**
 * Names the record the approval produced: one of this department's own records, of the type the matter produces,
 * about the applicant or the application's organisation. Naming the same record again changes nothing.
 */
export async function recordProduced(ctx: CommitmentCtx, commitmentId: string, recordHash: Hex32) {
  const store = commitmentStore(ctx.department.store);
  return store.exclusively(async () => {
    const commitment = await held(ctx, commitmentId);
    if (commitment.produced?.recordHash === recordHash) return commitment;
    if (commitment.status === "breached") throw new GatewayError("COMMITMENT_BREACHED", { field: "commitmentId" });
    if (commitment.produced) {
      throw new GatewayError("COMMITMENT_DECIDED", {
        field: "recordHash",
        detail: "another record is already named as what the approval produced",
      });
    }
    const record = await ctx.department.store.getRecord(recordHash);
    if (!record) throw new GatewayError("RECORD_NOT_FOUND", { field: "recordHash" });
    const expected = commitment.matter.produces;
    if (expected !== undefined && record.credentialType !== expected) {
      throw new GatewayError("VALIDATION_FAILED", {
        field: "recordHash",
        detail: `the matter produces a ${expected}, the record is a ${record.credentialType}`,
      });
    }
    if (!commitment.subjects.includes(record.subjectRef)) {
      throw new GatewayError("VALIDATION_FAILED", {
        field: "recordHash",
        detail: "the record is about neither the applicant nor the organisation of the application",
      });
    }
    const next: StoredCommitment = {
      ...commitment,
      produced: { recordHash, credentialType: record.credentialType, at: new Date(ctx.services.now()).toISOString() },
    };
    await store.update(next);
    return next;
  });
}

/**
 * Marks a commitment breached: the record its approval produced is revoked on chain first (reason code 16), then the
 * breach is kept and logged. A breach is final; an applicant with one may not commit to this department again.
 */
export async function breachCommitment(ctx: CommitmentCtx, commitmentId: string, reason: BreachReason) {
  const { department } = ctx;
  const store = commitmentStore(department.store);
  return store.exclusively(async () => {
    const commitment = await held(ctx, commitmentId);
    if (commitment.status === "breached") throw new GatewayError("COMMITMENT_BREACHED", { field: "commitmentId" });
    const produced = commitment.produced?.recordHash;
    if (produced && !department.index.record(department.id, produced)?.revokedAt) {
      await revokeRecord(lifecycleOf(department), produced, COMMITMENT_BREACHED);
    }
    const next: StoredCommitment = {
      ...commitment,
      status: "breached",
      breach: {
        at: new Date(ctx.services.now()).toISOString(),
        reason,
        ...(produced ? { revokedRecord: produced } : {}),
      },
    };
    await store.update(next);
    await logCommitmentStep(ctx, next, "breached", reason);
    return next;
  });
}

// What a department decides about a commitment it holds: the record its approval produced (the licence issued on the
// commitment), and a breach, which revokes that record on chain with the reason code that says why.
import type { Hex32 } from "../../../../lib/encoding/canonical.ts";
import { COMMITMENT_BREACHED } from "../../../../lib/records/revocationReasons.ts";
import type { DepartmentRuntime } from "../department.ts";
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

/**
 * Names the record the approval produced: one of this department's own records of the type the matter produces,
 * about the applicant or the application's organisation, issued on or after the commitment, and neither revoked nor
 * superseded on chain. Naming the same record again changes nothing.
 */
export async function recordProduced(ctx: CommitmentCtx, commitmentId: string, recordHash: Hex32) {
  const { department } = ctx;
  const store = commitmentStore(department.store);
  return store.exclusively(async () => {
    const commitment = await store.held(commitmentId);
    if (commitment.produced?.recordHash === recordHash) return commitment;
    if (commitment.status === "breached") throw new GatewayError("COMMITMENT_BREACHED", { field: "commitmentId" });
    if (commitment.produced) throw new GatewayError("COMMITMENT_DECIDED", { field: "recordHash" });
    const record = await department.store.getRecord(recordHash);
    if (!record) throw new GatewayError("RECORD_NOT_FOUND", { field: "recordHash" });
    const refuse = (detail: string) => new GatewayError("VALIDATION_FAILED", { field: "recordHash", detail });
    const expected = commitment.matter.produces;
    if (expected !== undefined && record.credentialType !== expected) {
      throw refuse(`the matter produces records of type ${expected}; this one is of type ${record.credentialType}`);
    }
    if (!commitment.subjects.includes(record.subjectRef)) {
      throw refuse("the record is about neither the applicant nor the organisation of the application");
    }
    // A record's issuedAt is whole seconds: one issued in the second of the commitment is after it.
    if (Date.parse(record.issuedAt) < Math.floor(Date.parse(commitment.committedAt) / 1000) * 1000) {
      throw refuse("the record was issued before the commitment, so the approval on it did not produce it");
    }
    const onChain = department.index.record(department.id, recordHash);
    if (onChain?.revokedAt) throw new GatewayError("RECORD_ALREADY_REVOKED", { field: "recordHash" });
    if (onChain?.supersededBy) throw new GatewayError("RECORD_ALREADY_SUPERSEDED", { field: "recordHash" });
    const next: StoredCommitment = {
      ...commitment,
      produced: { recordHash, credentialType: record.credentialType, at: new Date(ctx.services.now()).toISOString() },
    };
    await store.update(next);
    return next;
  });
}

/** The record in force that `recordHash` led to: itself, or the newest of the records that superseded it. */
function inForce(department: DepartmentRuntime, recordHash: Hex32): Hex32 {
  let current = recordHash;
  for (let hops = 0; hops < 1_000; hops++) {
    const next = department.index.record(department.id, current)?.supersededBy;
    if (!next) return current;
    current = next;
  }
  return current;
}

/**
 * Marks a commitment breached. When the matter produces a record, the one the approval produced must be named first:
 * the record in force it led to (itself, or what superseded it) is revoked on chain with reason code 16, then the
 * breach is kept with its access-log entry in one write. A breach is final; an applicant with one may not commit to
 * this department again. The revocation is sent outside the department's commitment lock, so recording other
 * applicants' commitments does not wait for the chain.
 */
export async function breachCommitment(ctx: CommitmentCtx, commitmentId: string, reason: BreachReason) {
  const { department } = ctx;
  const store = commitmentStore(department.store);
  const before = await store.held(commitmentId);
  if (before.status === "breached") throw new GatewayError("COMMITMENT_BREACHED", { field: "commitmentId" });
  if (before.matter.produces !== undefined && !before.produced) {
    throw new GatewayError("COMMITMENT_NOT_DECIDED", {
      field: "commitmentId",
      detail: `name the ${before.matter.produces} the approval produced first (POST …/produced): a breach revokes it`,
    });
  }
  let revoked: Hex32 | undefined;
  if (before.produced) {
    const target = inForce(department, before.produced.recordHash);
    if (!department.index.record(department.id, target)?.revokedAt) {
      await revokeRecord(lifecycleOf(department), target, COMMITMENT_BREACHED);
      revoked = target;
    }
  }
  return store.exclusively(async () => {
    const current = await store.held(commitmentId);
    if (current.status === "breached") throw new GatewayError("COMMITMENT_BREACHED", { field: "commitmentId" });
    const next: StoredCommitment = {
      ...current,
      status: "breached",
      breach: {
        at: new Date(ctx.services.now()).toISOString(),
        reason,
        ...(revoked ? { revokedRecord: revoked } : {}),
      },
    };
    await logCommitmentStep(ctx, next, "breached", reason);
    return next;
  });
}

// Revocation and supersession of a department's own records, sent to the chain and noted beside the record.
import type { Registries } from "../../../../lib/chain/registries.ts";
import type { Hex32 } from "../../../../lib/encoding/canonical.ts";
import { GatewayError } from "../errors/GatewayError.ts";
import type { DepartmentStore } from "../store/departmentStore.ts";
import { type AnchorState, anchorOf } from "./canonicalRecord.ts";

export interface LifecycleContext {
  departmentId: number;
  store: DepartmentStore;
  /** Registries bound to the department's signer. */
  registries: Registries;
}

async function anchoredState(ctx: LifecycleContext, recordHash: Hex32, field: string): Promise<AnchorState> {
  const state = await ctx.store.anchors.get(recordHash);
  if (!state) throw new GatewayError("RECORD_NOT_FOUND", { field });
  if (state.state !== "anchored") {
    throw new GatewayError("RECORD_NOT_ANCHORED", {
      field,
      detail: "the record is queued for anchoring; try again shortly",
    });
  }
  return state;
}

/** A batched record must be registered on chain by itself before it can be superseded. */
async function registerIfBatched(ctx: LifecycleContext, recordHash: Hex32, state: AnchorState): Promise<void> {
  if (!state.batchRoot) return;
  const [status] = await ctx.registries.records.recordStatus(ctx.departmentId, recordHash);
  if (status !== 0n) return;
  const record = await ctx.store.getRecord(recordHash);
  if (!record) throw new GatewayError("RECORD_NOT_FOUND");
  await (
    await ctx.registries.records.registerBatchRecord(state.batchRoot, anchorOf(record, recordHash), state.proof ?? [])
  ).wait();
}

export async function revokeRecord(ctx: LifecycleContext, recordHash: Hex32, reason: number): Promise<AnchorState> {
  const state = await anchoredState(ctx, recordHash, "recordHash");
  if (state.revokedAt) throw new GatewayError("RECORD_ALREADY_REVOKED", { field: "recordHash" });
  const [status] = await ctx.registries.records.recordStatus(ctx.departmentId, recordHash);
  const tx =
    state.batchRoot && status === 0n
      ? await ctx.registries.records.revokeBatchRecord(
          state.batchRoot,
          anchorOf((await ctx.store.getRecord(recordHash)) ?? fail(), recordHash),
          state.proof ?? [],
          reason,
        )
      : await ctx.registries.records.revokeRecord(recordHash, reason);
  const receipt = await tx.wait();
  const block = receipt ? await receipt.getBlock() : null;
  const updated: AnchorState = {
    ...state,
    revokedAt: block?.timestamp ?? Math.floor(Date.now() / 1000),
    revocationReason: reason,
  };
  await ctx.store.anchors.put(recordHash, updated);
  return updated;
}

export async function supersedeRecord(ctx: LifecycleContext, oldHash: Hex32, newHash: Hex32): Promise<AnchorState> {
  const older = await anchoredState(ctx, oldHash, "recordHash");
  const newer = await anchoredState(ctx, newHash, "newRecordHash");
  if (older.revokedAt) throw new GatewayError("RECORD_ALREADY_REVOKED", { field: "recordHash" });
  if (older.supersededBy) throw new GatewayError("RECORD_ALREADY_SUPERSEDED", { field: "recordHash" });
  const [olderRecord, newerRecord] = await Promise.all([ctx.store.getRecord(oldHash), ctx.store.getRecord(newHash)]);
  if (
    olderRecord?.credentialType !== newerRecord?.credentialType ||
    olderRecord?.subjectRef !== newerRecord?.subjectRef
  ) {
    throw new GatewayError("VALIDATION_FAILED", {
      field: "newRecordHash",
      detail: "a record can only be superseded by one of the same credential type about the same subject",
    });
  }
  await registerIfBatched(ctx, oldHash, older);
  await registerIfBatched(ctx, newHash, newer);
  await (await ctx.registries.records.supersede(oldHash, newHash)).wait();
  const updated: AnchorState = { ...older, supersededBy: newHash };
  await ctx.store.anchors.put(oldHash, updated);
  return updated;
}

function fail(): never {
  throw new GatewayError("RECORD_NOT_FOUND");
}

// Revocation and supersession of a department's own records, sent to the chain and noted beside the record.
import { type ContractTransactionResponse, type NonceManager, ZeroHash } from "ethers";
import type { Registries } from "../../../../lib/chain/registries.ts";
import type { Hex32 } from "../../../../lib/encoding/canonical.ts";
import { receiptOf } from "../chain/receipt.ts";
import { GatewayError } from "../errors/GatewayError.ts";
import { type DepartmentStore, DURABLE } from "../store/departmentStore.ts";
import { type AnchorState, anchorOf } from "./canonicalRecord.ts";

export interface LifecycleContext {
  departmentId: number;
  store: DepartmentStore;
  /** Registries bound to the department's signer. */
  registries: Registries;
  /** That signer: its nonce is reloaded after a failed send, as the anchor worker does. */
  signer: NonceManager;
}

/**
 * Sends a transaction and waits for it. A send the chain refuses (e.g. at gas estimation) has still used up a nonce in
 * the NonceManager; without a reset every later transaction of the department would carry a nonce the chain never
 * reaches.
 */
async function sent(ctx: LifecycleContext, send: () => Promise<ContractTransactionResponse>) {
  try {
    return await receiptOf(await send());
  } catch (cause) {
    ctx.signer.reset();
    throw refusal(ctx, cause) ?? cause;
  }
}

/** The chain's refusals a department can meet here, as catalogue errors; anything else stays unexpected. */
const REFUSALS: Record<string, () => GatewayError> = {
  CredentialRegistryDepartmentSuspended: () => new GatewayError("DEPARTMENT_SUSPENDED"),
  CredentialRegistryNotDepartmentSigner: () =>
    new GatewayError("DEPARTMENT_SUSPENDED", { detail: "this gateway's key no longer signs for the department" }),
  CredentialRegistryAlreadyRevoked: () => new GatewayError("RECORD_ALREADY_REVOKED", { field: "recordHash" }),
  CredentialRegistryAlreadySuperseded: () => new GatewayError("RECORD_ALREADY_SUPERSEDED", { field: "recordHash" }),
};

function refusal(ctx: LifecycleContext, cause: unknown): GatewayError | undefined {
  const data = (cause as { data?: string }).data;
  if (!data) return undefined;
  const name = ctx.registries.records.interface.parseError(data)?.name;
  return name ? REFUSALS[name]?.() : undefined;
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
  const root = state.batchRoot;
  if (!root) return;
  const [status] = await ctx.registries.records.recordStatus(ctx.departmentId, recordHash);
  if (status !== 0n) return;
  const record = await ctx.store.getRecord(recordHash);
  if (!record) throw new GatewayError("RECORD_NOT_FOUND");
  await sent(ctx, () =>
    ctx.registries.records.registerBatchRecord(root, anchorOf(record, recordHash), state.proof ?? []),
  );
}

export async function revokeRecord(ctx: LifecycleContext, recordHash: Hex32, reason: number): Promise<AnchorState> {
  const state = await anchoredState(ctx, recordHash, "recordHash");
  if (state.revokedAt) throw new GatewayError("RECORD_ALREADY_REVOKED", { field: "recordHash" });
  const [status] = await ctx.registries.records.recordStatus(ctx.departmentId, recordHash);
  const record = state.batchRoot && status === 0n ? ((await ctx.store.getRecord(recordHash)) ?? fail()) : undefined;
  const receipt = await sent(ctx, () =>
    record && state.batchRoot
      ? ctx.registries.records.revokeBatchRecord(
          state.batchRoot,
          anchorOf(record, recordHash),
          state.proof ?? [],
          reason,
        )
      : ctx.registries.records.revokeRecord(recordHash, reason),
  );
  const block = receipt ? await receipt.getBlock() : null;
  const updated: AnchorState = {
    ...state,
    revokedAt: block?.timestamp ?? Math.floor(Date.now() / 1000),
    revocationReason: reason,
  };
  await ctx.store.anchors.put(recordHash, updated, DURABLE);
  return updated;
}

export async function supersedeRecord(ctx: LifecycleContext, oldHash: Hex32, newHash: Hex32): Promise<AnchorState> {
  const older = await anchoredState(ctx, oldHash, "recordHash");
  const newer = await anchoredState(ctx, newHash, "newRecordHash");
  if (older.revokedAt) throw new GatewayError("RECORD_ALREADY_REVOKED", { field: "recordHash" });
  if (older.supersededBy) throw new GatewayError("RECORD_ALREADY_SUPERSEDED", { field: "recordHash" });
  // The chain's rules for the newer record, checked here so that a refusal is the client's 4xx, not a failed send.
  if (newHash === oldHash) {
    throw new GatewayError("VALIDATION_FAILED", { field: "newRecordHash", detail: "a record cannot supersede itself" });
  }
  if (newer.revokedAt) throw new GatewayError("RECORD_ALREADY_REVOKED", { field: "newRecordHash" });
  if (newer.supersededBy) throw new GatewayError("RECORD_ALREADY_SUPERSEDED", { field: "newRecordHash" });
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
  const [, newerOnChain] = await ctx.registries.records.recordStatus(ctx.departmentId, newHash);
  if (newerOnChain.supersedes !== ZeroHash) {
    throw new GatewayError("VALIDATION_FAILED", {
      field: "newRecordHash",
      detail: "the newer record already replaces another record",
    });
  }
  await registerIfBatched(ctx, oldHash, older);
  await registerIfBatched(ctx, newHash, newer);
  await sent(ctx, () => ctx.registries.records.supersede(oldHash, newHash));
  const updated: AnchorState = { ...older, supersededBy: newHash };
  await ctx.store.anchors.put(oldHash, updated, DURABLE);
  return updated;
}

function fail(): never {
  throw new GatewayError("RECORD_NOT_FOUND");
}

// Revocation and supersession of a department's own records, sent to the chain and answered once the chain index has
// them: the department's own next read (a verification, a peer's query) sees the change it was told about.
import { type ContractTransactionResponse, isError, type NonceManager } from "ethers";
import { receiptOf } from "../../../../lib/chain/receipt.ts";
import type { Hex32 } from "../../../../lib/encoding/canonical.ts";
import type { ChainIndex, IndexedRecord } from "../chain/chainIndex.ts";
import type { LiveRegistries } from "../chain/liveRegistries.ts";
import { GatewayError } from "../errors/GatewayError.ts";
import type { DepartmentStore } from "../store/departmentStore.ts";
import { type AnchorState, anchorOf } from "./canonicalRecord.ts";

export interface LifecycleContext {
  departmentId: number;
  store: DepartmentStore;
  /** Registries bound to the department's signer. */
  registries: LiveRegistries;
  /** That signer: its nonce is reloaded after a failed send, as the anchor worker does. */
  signer: NonceManager;
  index: ChainIndex;
  /** Records being revoked or superseded now, by any request: each record changes once at a time. */
  changing: Set<string>;
}

/** The lifecycle context of a hosted department: its store, its signer's registries, the shared index. */
export const lifecycleOf = (department: {
  id: number;
  store: DepartmentStore;
  registries: LiveRegistries;
  signer: NonceManager;
  index: ChainIndex;
  changing: Set<string>;
}): LifecycleContext => ({
  departmentId: department.id,
  store: department.store,
  registries: department.registries,
  signer: department.signer,
  index: department.index,
  changing: department.changing,
});

/** The chain's refusals a department can meet here, as catalogue errors; anything else stays unexpected. */
const REFUSALS: Record<string, () => GatewayError> = {
  CredentialRegistryDepartmentSuspended: () => new GatewayError("DEPARTMENT_SUSPENDED"),
  CredentialRegistryNotDepartmentSigner: () =>
    new GatewayError("DEPARTMENT_SUSPENDED", { detail: "this gateway's key no longer signs for the department" }),
  CredentialRegistryAlreadyRevoked: () => new GatewayError("RECORD_ALREADY_REVOKED", { field: "recordHash" }),
  CredentialRegistryAlreadySuperseded: () => new GatewayError("RECORD_ALREADY_SUPERSEDED", { field: "recordHash" }),
  RegistryClosed: () =>
    new GatewayError("REGISTRY_CLOSED", { detail: "the record registry is closed by the district's emergency stop" }),
};

/** What went wrong with a send: a refusal the client can act on, the chain out of reach, or something unexpected. */
function failure(ctx: LifecycleContext, cause: unknown): unknown {
  const data = (cause as { data?: string }).data;
  const name = data ? ctx.registries.records.interface.parseError(data)?.name : undefined;
  const refusal = name ? REFUSALS[name]?.() : undefined;
  if (refusal) return refusal;
  if (isError(cause, "CALL_EXCEPTION")) return cause;
  return new GatewayError("CHAIN_UNAVAILABLE", { cause });
}

/**
 * Sends a transaction, waits for it and for the chain index to hold it. A send the chain refuses (e.g. at gas
 * estimation) has still used up a nonce in the NonceManager; without a reset every later transaction of the
 * department would carry a nonce the chain never reaches.
 */
async function sent(ctx: LifecycleContext, send: () => Promise<ContractTransactionResponse>) {
  let blockNumber: number;
  try {
    blockNumber = (await receiptOf(await send())).blockNumber;
  } catch (cause) {
    ctx.signer.reset();
    throw failure(ctx, cause);
  }
  await ctx.index.syncTo(blockNumber);
}

/**
 * Runs `change` while it alone changes these records. A second request for one of them meanwhile is answered 409 at
 * once: it would only send a transaction the chain refuses.
 */
async function exclusively<T>(ctx: LifecycleContext, fields: [Hex32, string][], change: () => Promise<T>) {
  const busy = fields.find(([recordHash]) => ctx.changing.has(recordHash));
  if (busy) throw new GatewayError("RECORD_CHANGE_IN_PROGRESS", { field: busy[1] });
  // Claimed in the same tick as the check above: no other request can slip in between.
  const claimed = [...new Set(fields.map(([recordHash]) => recordHash))];
  for (const recordHash of claimed) ctx.changing.add(recordHash);
  try {
    return await change();
  } finally {
    for (const recordHash of claimed) ctx.changing.delete(recordHash);
  }
}

async function anchoredState(ctx: LifecycleContext, recordHash: Hex32, field: string): Promise<AnchorState> {
  const state = await ctx.store.anchors.get(recordHash);
  if (!state) throw new GatewayError("RECORD_NOT_FOUND", { field });
  if (state.state !== "anchored") {
    throw new GatewayError("RECORD_NOT_ANCHORED", {
      field,
      detail:
        state.state === "stranded"
          ? "the record was issued against types no open record registry reads any more; issue it again"
          : "the record is queued for anchoring; try again shortly",
    });
  }
  return state;
}

/** A record's anchor state with what the chain says of it since: revocation and supersession. */
export function withChainFacts(state: AnchorState, onChain: IndexedRecord | undefined): AnchorState {
  if (!onChain) return state;
  return {
    ...state,
    ...(onChain.revokedAt ? { revokedAt: onChain.revokedAt, revocationReason: onChain.revocationReason } : {}),
    ...(onChain.supersededBy ? { supersededBy: onChain.supersededBy } : {}),
  };
}

/** A batched record must be registered on chain by itself before it can be superseded. */
async function registerIfBatched(ctx: LifecycleContext, recordHash: Hex32, state: AnchorState): Promise<void> {
  const root = state.batchRoot;
  if (!root) return;
  const records = ctx.registries.recordsAt(state.registry);
  const [status] = await records.recordStatus(ctx.departmentId, recordHash);
  if (status !== 0n) return;
  const record = await ctx.store.getRecord(recordHash);
  if (!record) throw new GatewayError("RECORD_NOT_FOUND");
  await sent(ctx, () => records.registerBatchRecord(root, anchorOf(record, recordHash), state.proof ?? []));
}

export async function revokeRecord(ctx: LifecycleContext, recordHash: Hex32, reason: number): Promise<AnchorState> {
  return exclusively(ctx, [[recordHash, "recordHash"]], async () => {
    const state = await anchoredState(ctx, recordHash, "recordHash");
    if (ctx.index.record(ctx.departmentId, recordHash)?.revokedAt) {
      throw new GatewayError("RECORD_ALREADY_REVOKED", { field: "recordHash" });
    }
    const records = ctx.registries.recordsAt(state.registry);
    const root = state.batchRoot;
    const record = root ? await ctx.store.getRecord(recordHash) : undefined;
    if (root && !record) throw new GatewayError("RECORD_NOT_FOUND", { field: "recordHash" });
    // A batched record is registered and revoked in one step (or only revoked, if it is registered already).
    await sent(ctx, () =>
      root && record
        ? records.revokeBatchRecord(root, anchorOf(record, recordHash), state.proof ?? [], reason)
        : records.revokeRecord(recordHash, reason),
    );
    return withChainFacts(state, ctx.index.record(ctx.departmentId, recordHash));
  });
}

export async function supersedeRecord(ctx: LifecycleContext, oldHash: Hex32, newHash: Hex32): Promise<AnchorState> {
  const fields: [Hex32, string][] = [
    [oldHash, "recordHash"],
    [newHash, "newRecordHash"],
  ];
  return exclusively(ctx, fields, async () => {
    const older = await anchoredState(ctx, oldHash, "recordHash");
    if (newHash === oldHash) {
      throw new GatewayError("VALIDATION_FAILED", {
        field: "newRecordHash",
        detail: "a record cannot supersede itself",
      });
    }
    const newer = await anchoredState(ctx, newHash, "newRecordHash");
    const olderOnChain = ctx.index.record(ctx.departmentId, oldHash);
    const newerOnChain = ctx.index.record(ctx.departmentId, newHash);
    if (olderOnChain?.revokedAt) throw new GatewayError("RECORD_ALREADY_REVOKED", { field: "recordHash" });
    if (olderOnChain?.supersededBy) throw new GatewayError("RECORD_ALREADY_SUPERSEDED", { field: "recordHash" });
    // The chain's rules for the newer record, checked here so that a refusal is the client's 4xx, not a failed send.
    if (newerOnChain?.revokedAt) throw new GatewayError("RECORD_ALREADY_REVOKED", { field: "newRecordHash" });
    if (newerOnChain?.supersededBy) throw new GatewayError("RECORD_ALREADY_SUPERSEDED", { field: "newRecordHash" });
    if (newerOnChain?.supersedes) {
      throw new GatewayError("VALIDATION_FAILED", {
        field: "newRecordHash",
        detail: "the newer record already replaces another record",
      });
    }
    const registry = older.registry;
    if (newer.registry.toLowerCase() !== registry.toLowerCase()) {
      throw new GatewayError("VALIDATION_FAILED", {
        field: "newRecordHash",
        detail: "the records are anchored in different versions of the record registry; revoke the older one instead",
      });
    }
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
    await sent(ctx, () => ctx.registries.recordsAt(registry).supersede(oldHash, newHash));
    return withChainFacts(older, ctx.index.record(ctx.departmentId, oldHash));
  });
}

// Verification: recompute the record's hash, find its anchor (index or chain), and give the one combined verdict.
import { CanonicalFormError, type Hex32 } from "../../../../lib/encoding/canonical.ts";
import { type RecordAnchor, verifyRecordProof } from "../../../../lib/encoding/recordLeaf.ts";
import { batchLeafFits, decideStatus, statusName } from "../../../../lib/records/statusRules.ts";
import type { ChainIndex } from "../chain/chainIndex.ts";
import type { LiveRegistries } from "../chain/liveRegistries.ts";
import { GatewayError } from "../errors/GatewayError.ts";
import { anchorOf, type CanonicalRecord, recordHashOf } from "./canonicalRecord.ts";

export interface VerifyInput {
  record?: CanonicalRecord;
  /** The hash the presenter claims for the record (e.g. from its receipt); or the only thing presented. */
  recordHash?: Hex32;
  /** With a bare record hash: the issuing department's id. */
  issuerId?: number;
  /** For a batched record: its batch root and Merkle proof. */
  anchor?: { batchRoot: Hex32; proof: Hex32[] };
  /**
   * With a bare hash of a batched record: the public facts its leaf commits to. Federation hands these out instead of
   * the record when the consumer holds no grant, so that the record's existence can still be proved.
   */
  leaf?: RecordAnchor;
}

export interface Evidence {
  /** The CredentialRecordRegistry whose rules decide the record's status: the one that holds it. */
  registry: string;
  issuer: number;
  credentialType: number;
  anchoredAt: number;
  validFrom: number;
  validUntil: number;
  revokedAt: number;
  revocationReason: number;
  batchRoot?: string;
  supersededBy?: string;
  supersedes?: string;
  txHash?: string;
  blockNumber?: number;
}

export interface Verdict {
  status: string;
  recordHash: Hex32;
  evidence?: Evidence;
  asOfBlock: number;
  source: "index" | "chain";
  /** Why an unknown verdict may not be the last word, when something is missing from what was presented. */
  note?: string;
}

/** A batched record's leaf facts and proof, from the store of the department that issued it, when this process hosts it. */
export type BatchLookup = (
  issuerId: number,
  recordHash: Hex32,
) => Promise<{ leaf: RecordAnchor; anchor: { batchRoot: Hex32; proof: Hex32[] } } | undefined>;

export interface VerifyContext {
  index: ChainIndex;
  registries: LiveRegistries;
  now?: () => number;
  /** Finds the batch of a bare record hash where this process knows it (it hosts the issuer). */
  lookupBatch?: BatchLookup;
}

const ZERO = `0x${"0".repeat(64)}`;

/**
 * Said with an unknown verdict on a bare hash: a record anchored in a batch (the usual case) is on chain only as its
 * batch's root until it is revoked or superseded, so its hash alone does not find it.
 */
export const BATCHED_RECORD_NOTE =
  "no single or registered record has this hash; a record anchored in a batch is found from the record itself, or " +
  "from its hash with its leaf facts and its anchor (batchRoot and proof)";

function target(input: VerifyInput): { recordHash: Hex32; issuerId: number } {
  if (input.record) {
    let recordHash: Hex32;
    try {
      recordHash = recordHashOf(input.record);
    } catch (cause) {
      if (!(cause instanceof CanonicalFormError)) throw cause;
      throw new GatewayError("VALIDATION_FAILED", { field: "record", detail: `record: ${cause.message}`, cause });
    }
    if (input.recordHash && input.recordHash.toLowerCase() !== recordHash) {
      throw new GatewayError("RECORD_TAMPERED", {
        field: "record",
        detail: "the record's content does not hash to the recordHash presented with it",
        extensions: { status: "tampered", presentedHash: input.recordHash, computedHash: recordHash },
      });
    }
    return { recordHash, issuerId: input.record.issuerId };
  }
  if (!input.recordHash || input.issuerId === undefined) {
    throw new GatewayError("VALIDATION_FAILED", {
      field: "record",
      detail: "present a record, or a recordHash with its issuerId",
    });
  }
  return { recordHash: input.recordHash.toLowerCase() as Hex32, issuerId: input.issuerId };
}

/** The leaf facts of the presented record, or of the presented leaf when it is about this hash. */
function leafFacts(input: VerifyInput, recordHash: Hex32): RecordAnchor | undefined {
  if (input.record) return anchorOf(input.record, recordHash);
  return input.leaf?.recordHash.toLowerCase() === recordHash ? input.leaf : undefined;
}

function fromIndex(ctx: VerifyContext, input: VerifyInput, recordHash: Hex32, issuerId: number): Evidence | undefined {
  const stored = ctx.index.record(issuerId, recordHash);
  if (stored) return { ...stored };
  const facts = leafFacts(input, recordHash);
  if (!facts || !input.anchor) return undefined;
  const batch = ctx.index.batch(issuerId, input.anchor.batchRoot);
  if (!batch || !batchLeafFits(facts, batch.recordCount, input.anchor.proof.length)) return undefined;
  if (!verifyRecordProof(input.anchor.batchRoot, facts, input.anchor.proof)) return undefined;
  return {
    registry: batch.registry,
    issuer: issuerId,
    credentialType: facts.credentialType,
    anchoredAt: batch.anchoredAt,
    validFrom: facts.validFrom,
    validUntil: facts.validUntil,
    revokedAt: 0,
    revocationReason: 0,
    batchRoot: input.anchor.batchRoot,
    txHash: batch.txHash,
    blockNumber: batch.blockNumber,
  };
}

/** The verdict of each record registry the directory has named, oldest first: the first that knows the record decides. */
async function fromChain(ctx: VerifyContext, input: VerifyInput, recordHash: Hex32, issuerId: number) {
  const asOfBlock = (await ctx.registries.directory.runner?.provider?.getBlockNumber()) ?? 0;
  const facts = leafFacts(input, recordHash);
  for (const registry of ctx.index.history("CredentialRecordRegistry")) {
    const records = ctx.registries.recordsAt(registry);
    let [status, e] =
      facts && input.anchor
        ? await records.batchRecordStatus(issuerId, input.anchor.batchRoot, facts, input.anchor.proof)
        : await records.recordStatus(issuerId, recordHash);
    // A record anchored singly, presented with a batch anchor that is not its own: the registry knows it by its hash,
    // as the index does (fromIndex finds it there first).
    if (status === 0n && input.anchor) [status, e] = await records.recordStatus(issuerId, recordHash);
    if (status === 0n) continue;
    const evidence: Evidence = {
      registry,
      issuer: Number(e.issuer),
      credentialType: Number(e.credentialType),
      anchoredAt: Number(e.anchoredAt),
      validFrom: Number(e.validFrom),
      validUntil: Number(e.validUntil),
      revokedAt: Number(e.revokedAt),
      revocationReason: Number(e.revocationReason),
      ...(e.batchRoot !== ZERO ? { batchRoot: e.batchRoot } : {}),
      ...(e.supersededBy !== ZERO ? { supersededBy: e.supersededBy } : {}),
      ...(e.supersedes !== ZERO ? { supersedes: e.supersedes } : {}),
    };
    return { status: statusName(Number(status)), evidence, asOfBlock };
  }
  return { status: statusName(0), asOfBlock };
}

/** What a bare hash of a batched record needs, from the issuer's store where this process hosts the issuer. */
async function withHostedBatch(ctx: VerifyContext, input: VerifyInput, recordHash: Hex32, issuerId: number) {
  if (input.record || input.anchor || !ctx.lookupBatch || ctx.index.record(issuerId, recordHash)) return input;
  const found = await ctx.lookupBatch(issuerId, recordHash);
  return found ? { ...input, ...found } : input;
}

/** The verdict on a presented record (or bare hash); `fresh` reads the chain instead of the local index. */
export async function verifyRecord(ctx: VerifyContext, presented: VerifyInput, fresh = false): Promise<Verdict> {
  const { recordHash, issuerId } = target(presented);
  const input = await withHostedBatch(ctx, presented, recordHash, issuerId);
  const bare = !input.record && !input.anchor;
  const note = (status: string) => (bare && status === "unknown" ? { note: BATCHED_RECORD_NOTE } : {});
  if (fresh) {
    let read: Awaited<ReturnType<typeof fromChain>>;
    try {
      read = await fromChain(ctx, input, recordHash, issuerId);
    } catch (cause) {
      throw new GatewayError("CHAIN_UNAVAILABLE", { cause });
    }
    return { recordHash, ...read, source: "chain", ...note(read.status) };
  }
  const asOfBlock = ctx.index.head();
  const evidence = fromIndex(ctx, input, recordHash, issuerId);
  if (!evidence) return { status: "unknown", recordHash, asOfBlock, source: "index", ...note("unknown") };
  const now = Math.floor((ctx.now?.() ?? Date.now()) / 1000);
  const authorised =
    // As on chain: a single record's authority was checked when it was anchored; a batch's records are judged here,
    // against the types of the registry that holds them.
    !evidence.batchRoot ||
    ctx.index.isAuthorised(
      evidence.issuer,
      ctx.index.typeRegistryOf(evidence.registry),
      evidence.credentialType,
      evidence.anchoredAt,
    );
  const status = decideStatus(
    { ...evidence, supersededBy: evidence.supersededBy ?? ZERO },
    now,
    authorised,
    ctx.index.isSuspended(evidence.issuer),
  );
  return { status: statusName(status), recordHash, evidence, asOfBlock, source: "index" };
}

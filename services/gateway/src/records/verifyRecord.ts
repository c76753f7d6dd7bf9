// Verification: recompute the record's hash, find its anchor (index or chain), and give the one combined verdict.
import type { Registries } from "../../../../lib/chain/registries.ts";
import { CanonicalFormError, type Hex32 } from "../../../../lib/encoding/canonical.ts";
import { type RecordAnchor, verifyRecordProof } from "../../../../lib/encoding/recordLeaf.ts";
import { decideStatus, statusName } from "../../../../lib/records/statusRules.ts";
import type { ChainIndex } from "../chain/chainIndex.ts";
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
}

export interface VerifyContext {
  index: ChainIndex;
  registries: Registries;
  now?: () => number;
}

const ZERO = `0x${"0".repeat(64)}`;

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
  if (!batch) return undefined;
  if (!verifyRecordProof(input.anchor.batchRoot, facts, input.anchor.proof)) return undefined;
  return {
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

async function fromChain(ctx: VerifyContext, input: VerifyInput, recordHash: Hex32, issuerId: number) {
  const blockTag = await ctx.registries.records.runner?.provider?.getBlockNumber();
  const facts = leafFacts(input, recordHash);
  const [status, e] =
    facts && input.anchor
      ? await ctx.registries.records.batchRecordStatus(issuerId, input.anchor.batchRoot, facts, input.anchor.proof, {
          blockTag,
        })
      : await ctx.registries.records.recordStatus(issuerId, recordHash, { blockTag });
  const evidence: Evidence = {
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
  return {
    status: statusName(Number(status)),
    evidence: status === 0n ? undefined : evidence,
    asOfBlock: blockTag ?? 0,
  };
}

/** The verdict on a presented record (or bare hash); `fresh` reads the chain instead of the local index. */
export async function verifyRecord(ctx: VerifyContext, input: VerifyInput, fresh = false): Promise<Verdict> {
  const { recordHash, issuerId } = target(input);
  if (fresh) {
    try {
      return { recordHash, ...(await fromChain(ctx, input, recordHash, issuerId)), source: "chain" };
    } catch (cause) {
      throw new GatewayError("CHAIN_UNAVAILABLE", { cause });
    }
  }
  const asOfBlock = ctx.index.head();
  const evidence = fromIndex(ctx, input, recordHash, issuerId);
  if (!evidence) return { status: "unknown", recordHash, asOfBlock, source: "index" };
  const now = Math.floor((ctx.now?.() ?? Date.now()) / 1000);
  const status = decideStatus(
    { ...evidence, supersededBy: evidence.supersededBy ?? ZERO },
    now,
    // As on chain: a single record's authority was checked when it was anchored; a batch's records are judged here.
    !evidence.batchRoot || ctx.index.isAuthorised(evidence.issuer, evidence.credentialType, evidence.anchoredAt),
    ctx.index.isSuspended(evidence.issuer),
  );
  return { status: statusName(status), recordHash, evidence, asOfBlock, source: "index" };
}

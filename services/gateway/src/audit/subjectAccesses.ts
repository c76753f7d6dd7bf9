// One subject's entries in a department's access log, each with the commitment on chain that covers it and its
// inclusion proof, or marked uncommitted: what a citizen's view of who accessed their data is made of, department by
// department.
import { z } from "zod";
import {
  ACCESS_CHANNELS,
  ACCESS_OUTCOMES,
  type AccessLogEntry,
  type HistoryReadAccess,
} from "../../../../lib/audit/accessLogEntry.ts";
import { type ExportedCommitment, exportedCommitmentSchema, proofsFor } from "../../../../lib/audit/accessLogExport.ts";
import type { Hex32 } from "../../../../lib/encoding/canonical.ts";
import type { DepartmentRuntime } from "../department.ts";
import { GatewayError } from "../errors/GatewayError.ts";
import { hex32 } from "../http/schemas.ts";
import { storedHashes } from "./exportAccessLog.ts";

/** The most entries about one subject a department gives in one answer: the newest, when it holds more. */
export const SUBJECT_ACCESSES_LIMIT = 1_000;

const code = z.string().max(64);
/**
 * An entry as another department gives it: the members a reader relies on in their form (so an answer that is not an
 * entry is refused whole, never half read), any others kept as they came, since the entry's hash covers them.
 */
const wireEntrySchema = z.looseObject({
  seq: z.int().min(1),
  at: z.iso.datetime(),
  channel: z.enum(ACCESS_CHANNELS).optional(),
  consumer: code.optional(),
  subjectRef: hex32,
  credentialType: code.optional(),
  purpose: code.optional(),
  applicationId: z.string().max(64).optional(),
  outcome: z.enum(ACCESS_OUTCOMES),
  recordHash: hex32.optional(),
  reason: code.optional(),
  prevHash: hex32,
  entryHash: hex32,
});

/** An entry as a department gives it, with where its proof leads; `entry` is whole, so anyone can hash it again. */
export const subjectAccessSchema = z.union([
  z.object({ entry: wireEntrySchema, commitment: exportedCommitmentSchema, proof: z.array(hex32).max(64) }),
  z.object({ entry: wireEntrySchema, uncommitted: z.literal(true) }),
]);

export const subjectAccessesSchema = z
  .object({
    department: z.object({ code: z.string(), id: z.int().min(1) }),
    asOfBlock: z.int().min(0),
    entries: z.array(subjectAccessSchema).max(SUBJECT_ACCESSES_LIMIT),
  })
  .meta({ id: "SubjectAccesses" });

/** A department's answer as another gateway reads it off the wire: checked before it is believed (accessesAcross). */
export type SubjectAccessesAnswer = z.infer<typeof subjectAccessesSchema>;

export type SubjectAccess =
  | { entry: AccessLogEntry; commitment: ExportedCommitment; proof: Hex32[] }
  | { entry: AccessLogEntry; uncommitted: true };
export interface SubjectAccesses {
  department: { code: string; id: number };
  asOfBlock: number;
  entries: SubjectAccess[];
}

/** Who reads a subject's history: written into the log first, so that the read is part of what it answers. */
export type HistoryReader = Omit<HistoryReadAccess, "outcome" | "subjectRef">;

/**
 * Proofs of a commitment's entries: a commitment never changes once on chain, so its tree (up to 65,536 leaves) is
 * built once per process, not for every citizen's view.
 */
const proofCache = new WeakMap<DepartmentRuntime, Map<string, (seq: number) => Hex32[]>>();

async function proofsOf(department: DepartmentRuntime, commitment: ExportedCommitment) {
  let cache = proofCache.get(department);
  if (!cache) {
    cache = new Map();
    proofCache.set(department, cache);
  }
  const key = `${commitment.registry}:${commitment.index}:${commitment.root}`;
  let proofOf = cache.get(key);
  if (!proofOf) {
    const hashes = await storedHashes(department, commitment.fromSeq, commitment.toSeq);
    proofOf = proofsFor(commitment, hashes);
    // A range the log does not hold whole gives empty proofs: not kept, so that it is tried again.
    if (hashes.length === commitment.toSeq - commitment.fromSeq + 1) cache.set(key, proofOf);
  }
  return proofOf;
}

/**
 * The department's entries about `subjectRef` (the newest SUBJECT_ACCESSES_LIMIT), in order, each with its proof;
 * the read itself is logged first, as `reader`'s.
 */
export async function subjectAccesses(
  department: DepartmentRuntime,
  subjectRef: Hex32,
  reader: HistoryReader,
): Promise<SubjectAccesses> {
  await department.accessLog.append({ ...reader, outcome: "history", subjectRef } as HistoryReadAccess);
  let chain: Awaited<ReturnType<DepartmentRuntime["logCommitments"]["read"]>>;
  try {
    chain = await department.logCommitments.read();
  } catch (cause) {
    throw new GatewayError("CHAIN_UNAVAILABLE", { cause });
  }
  const entries = await department.accessLog.newestAbout(subjectRef, SUBJECT_ACCESSES_LIMIT);
  const answered: SubjectAccess[] = [];
  for (const entry of entries) {
    const commitment = chain.commitments.find((c) => c.fromSeq <= entry.seq && entry.seq <= c.toSeq);
    if (!commitment) answered.push({ entry, uncommitted: true });
    else answered.push({ entry, commitment, proof: (await proofsOf(department, commitment))(entry.seq) });
  }
  return { department: { code: department.code, id: department.id }, asOfBlock: chain.asOfBlock, entries: answered };
}

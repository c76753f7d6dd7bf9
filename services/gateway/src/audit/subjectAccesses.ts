// One subject's entries in a department's access log, each with the commitment on chain that covers it and its
// inclusion proof, or marked uncommitted: what a citizen's view of who accessed their data is made of, department by
// department.
import { z } from "zod";
import type { AccessLogEntry } from "../../../../lib/audit/accessLogEntry.ts";
import { type ExportedCommitment, exportedCommitmentSchema, proofsFor } from "../../../../lib/audit/accessLogExport.ts";
import type { Hex32 } from "../../../../lib/encoding/canonical.ts";
import type { DepartmentRuntime } from "../department.ts";
import { GatewayError } from "../errors/GatewayError.ts";
import { hex32 } from "../http/schemas.ts";
import { storedHashes } from "./exportAccessLog.ts";

/** The most entries about one subject a department gives in one answer: the newest, when it holds more. */
export const SUBJECT_ACCESSES_LIMIT = 1_000;

/** An entry as a department gives it, with where its proof leads; `entry` is whole, so anyone can hash it again. */
export const subjectAccessSchema = z.union([
  z.object({
    entry: z.record(z.string(), z.unknown()),
    commitment: exportedCommitmentSchema,
    proof: z.array(hex32).max(64),
  }),
  z.object({ entry: z.record(z.string(), z.unknown()), uncommitted: z.literal(true) }),
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

/** The department's entries about `subjectRef` (the newest SUBJECT_ACCESSES_LIMIT), in order, each with its proof. */
export async function subjectAccesses(department: DepartmentRuntime, subjectRef: Hex32): Promise<SubjectAccesses> {
  let chain: Awaited<ReturnType<DepartmentRuntime["logCommitments"]["read"]>>;
  try {
    chain = await department.logCommitments.read();
  } catch (cause) {
    throw new GatewayError("CHAIN_UNAVAILABLE", { cause });
  }
  const all = await department.accessLog.entriesAbout(subjectRef, 1, Number.MAX_SAFE_INTEGER);
  const entries = all.slice(-SUBJECT_ACCESSES_LIMIT);
  const proofs = new Map<ExportedCommitment, (seq: number) => Hex32[]>();
  const answered: SubjectAccess[] = [];
  for (const entry of entries) {
    const commitment = chain.commitments.find((c) => c.fromSeq <= entry.seq && entry.seq <= c.toSeq);
    if (!commitment) {
      answered.push({ entry, uncommitted: true });
      continue;
    }
    // A commitment's tree needs every leaf of its range, read once however many of the subject's entries it holds.
    let proofOf = proofs.get(commitment);
    if (!proofOf) {
      proofOf = proofsFor(commitment, await storedHashes(department, commitment.fromSeq, commitment.toSeq));
      proofs.set(commitment, proofOf);
    }
    answered.push({ entry, commitment, proof: proofOf(entry.seq) });
  }
  return { department: { code: department.code, id: department.id }, asOfBlock: chain.asOfBlock, entries: answered };
}

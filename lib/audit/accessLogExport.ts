// The access-log export (docs/SPEC.md section 8): a range of a department's entries, each with the commitment on chain
// that covers it and its inclusion proof, or marked uncommitted. Built by the gateway, checked by the auditor's CLI.
import { z } from "zod";
import type { Hex32 } from "../encoding/canonical.ts";
import { type AccessLogEntry, accessLogTree } from "./accessLogEntry.ts";

export const EXPORT_FORMAT = "oncechain-access-log-export/1";

/** The most entries one export holds; a longer range is given in pages, each naming where the next begins. */
export const EXPORT_PAGE = 10_000;

const hash32 = z.string().regex(/^0x[0-9a-f]{64}$/, "must be 0x and 64 lowercase hex digits");
const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, "must be an address, 0x and 40 hex digits");
const seq = z.int().min(0);

/** A commitment on chain as the export names it: where it is, what it covers, and the transaction that made it. */
export const exportedCommitmentSchema = z
  .object({
    registry: address.meta({ description: "The AccessLogRegistry that holds the commitment" }),
    index: z.int().min(0).meta({ description: "Its position among the department's commitments in that registry" }),
    fromSeq: seq,
    toSeq: seq,
    root: hash32.meta({ description: "The root of the standard Merkle tree over the range's entry hashes" }),
    txHash: hash32.meta({ description: "The transaction whose AccessLogCommitted event made the commitment" }),
    blockNumber: z.int().min(0),
  })
  .meta({ id: "AccessLogCommitment" });
export type ExportedCommitment = z.infer<typeof exportedCommitmentSchema>;

/**
 * The export's shape around an entry schema: the gateway declares its entries exactly; the auditor reads any entry
 * with a sequence number and hashes, and finds an edit by its hash rather than by its form.
 */
export function accessLogExportSchema<E extends z.ZodType<{ seq: number; prevHash: string; entryHash: string }>>(
  entry: E,
) {
  const committed = z.object({
    entry,
    commitment: z.object({ registry: address, index: z.int().min(0) }).meta({
      description: "The commitment of `commitments` that covers the entry",
    }),
    proof: z.array(hash32).max(64).meta({ description: "The entry hash's inclusion proof against its root" }),
  });
  const uncommitted = z.object({
    entry,
    uncommitted: z.literal(true).meta({ description: "No commitment on chain covered the entry when exported" }),
  });
  return z
    .object({
      format: z.literal(EXPORT_FORMAT),
      chainId: z.int().min(1),
      directory: address.meta({ description: "The deployment's RegistryDirectory: every registry is found there" }),
      department: z.object({ code: z.string(), id: z.int().min(1) }),
      asOfBlock: z.int().min(0).meta({ description: "The chain's head when the commitments were read" }),
      lastSeq: seq.meta({ description: "The log's last sequence number when exported" }),
      from: z.int().min(1),
      to: seq.meta({ description: "The last sequence number exported (from - 1 when none is)" }),
      previous: z
        .object({ seq, entryHash: hash32 })
        .meta({ description: "The entry before `from` (seq 0 and the zero hash when from is 1), to chain the range" }),
      commitments: z.array(exportedCommitmentSchema),
      entries: z.array(z.union([committed, uncommitted])),
      next: z.int().min(1).optional().meta({ description: "Where the next page begins, when more entries follow" }),
    })
    .meta({ id: "AccessLogExport" });
}

export type AccessLogExport = z.infer<ReturnType<typeof accessLogExportSchema<z.ZodType<AccessLogEntry>>>>;
export type ExportedEntry = AccessLogExport["entries"][number];

/** What the gateway knows when it builds one page of its export. */
export interface ExportInput {
  chainId: number;
  directory: string;
  department: { code: string; id: number };
  asOfBlock: number;
  lastSeq: number;
  from: number;
  to: number;
  previousHash: Hex32;
  /** Entries from..to, in order. */
  entries: AccessLogEntry[];
  /** The department's commitments in force (every registry, in sequence order), as of `asOfBlock`. */
  commitments: ExportedCommitment[];
  /** The stored hashes of a commitment's whole range, in order; undefined when the log lacks some of them. */
  rangeHashes: (commitment: ExportedCommitment) => Hex32[] | undefined;
  next?: number;
}

/** Each entry's hash's proof in the tree of its range, by sequence number; empty where no tree could be built. */
export function proofsFor(
  commitment: ExportedCommitment,
  hashes: readonly Hex32[] | undefined,
): (seq: number) => Hex32[] {
  const complete = hashes?.length === commitment.toSeq - commitment.fromSeq + 1;
  const tree = complete && hashes ? accessLogTree(hashes) : undefined;
  return (seq) => (tree ? (tree.getProof(seq - commitment.fromSeq) as Hex32[]) : []);
}

export function buildExport(input: ExportInput): AccessLogExport {
  const { from, to } = input;
  const used = input.commitments.filter((c) => c.toSeq >= from && c.fromSeq <= to);
  const proofs = used.map((c) => proofsFor(c, input.rangeHashes(c)));
  // Entries and commitments are both in sequence order: one pass over each.
  let at = 0;
  const entries: ExportedEntry[] = input.entries.map((entry) => {
    while (at < used.length && (used[at]?.toSeq ?? 0) < entry.seq) at++;
    const commitment = used[at];
    if (!commitment || commitment.fromSeq > entry.seq) return { entry, uncommitted: true };
    return {
      entry,
      commitment: { registry: commitment.registry, index: commitment.index },
      proof: proofs[at]?.(entry.seq) ?? [],
    };
  });
  return {
    format: EXPORT_FORMAT,
    chainId: input.chainId,
    directory: input.directory,
    department: input.department,
    asOfBlock: input.asOfBlock,
    lastSeq: input.lastSeq,
    from,
    to,
    previous: { seq: from - 1, entryHash: input.previousHash },
    commitments: used,
    entries,
    ...(input.next !== undefined ? { next: input.next } : {}),
  };
}

// Whether the commitments an access-log export names are the chain's, and whether they cover its entries: each
// committed entry's proof against its commitment's root, and entries marked uncommitted that the chain has committed.
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import type { Hex32 } from "../encoding/canonical.ts";
import { type AccessLogEntry, accessLogRoot, entryHashOf } from "./accessLogEntry.ts";
import type { ExportedCommitment, ExportToCheck } from "./accessLogExport.ts";
import { type ExportProblemKind, fail, named } from "./exportProblem.ts";

/** A commitment in force on chain: its registry (lower case), its position there, its range and root. */
export interface ChainRange {
  registry: string;
  index: number;
  fromSeq: number;
  toSeq: number;
  root: string;
}

/** What the chain says, read by the caller before the check: the rule itself reads nothing. */
export interface ChainCommitments {
  chainId: number;
  directory: string;
  /** The id the department registry gives the export's department code; undefined when it names none. */
  departmentId: number | undefined;
  /** Every AccessLogRegistry the department's sequence runs through, lower case. */
  registries: readonly string[];
  /** The last sequence number the chain holds a commitment of, for the department (0 when none). */
  committedThrough: number;
  /** The commitments in force that the export names, and those covering entries it marks uncommitted. */
  commitments: readonly ChainRange[];
  /** The AccessLogCommitted events of each transaction the export names, and the transaction's block. */
  transactions: ReadonlyMap<
    string,
    { blockNumber: number; committed: readonly (ChainRange & { departmentId: number })[] }
  >;
}

type CommittedItem = Extract<ExportToCheck["entries"][number], { commitment: unknown }>;

const lower = (s: string) => s.toLowerCase();
const keyOf = (registry: string, index: number) => `${lower(registry)}:${index}`;

/** Whether `proof` leads from the entry hash `hash` to `root` in a range's tree (a malformed proof does not). */
export function proves(root: string, hash: Hex32, proof: readonly string[]): boolean {
  try {
    return StandardMerkleTree.verify(root, ["bytes32"], [hash], [...proof]);
  } catch {
    return false;
  }
}

/** The problem with a commitment as the export states it, against the chain; undefined when it matches. */
function mismatch(c: ExportedCommitment, chain: ChainCommitments, departmentId: number) {
  const registry = lower(c.registry);
  const problem = (kind: ExportProblemKind, message: string) => ({ kind, message: `${named(c)}${message}` });
  if (!chain.registries.includes(registry)) {
    return problem("commitment-mismatch", ": the department's sequence runs through no AccessLogRegistry there");
  }
  const onChain = chain.commitments.find((r) => keyOf(r.registry, r.index) === keyOf(registry, c.index));
  if (!onChain) return problem("commitment-mismatch", ": the chain holds no such commitment of the department");
  if (onChain.fromSeq !== c.fromSeq || onChain.toSeq !== c.toSeq || lower(onChain.root) !== c.root) {
    return problem(
      "commitment-mismatch",
      ` covers entries ${onChain.fromSeq}..${onChain.toSeq} under root ${onChain.root} on chain; the export says ` +
        `${c.fromSeq}..${c.toSeq} under ${c.root}`,
    );
  }
  const tx = chain.transactions.get(lower(c.txHash));
  if (!tx) return problem("transaction-mismatch", `: the chain has no transaction ${c.txHash}`);
  const made = tx.committed.some(
    (e) =>
      keyOf(e.registry, e.index) === keyOf(registry, c.index) &&
      e.departmentId === departmentId &&
      e.fromSeq === c.fromSeq &&
      e.toSeq === c.toSeq &&
      lower(e.root) === c.root,
  );
  if (!made) {
    return problem("transaction-mismatch", `: transaction ${c.txHash} emits no AccessLogCommitted event of it`);
  }
  if (tx.blockNumber !== c.blockNumber) {
    return problem(
      "transaction-mismatch",
      `: transaction ${c.txHash} is in block ${tx.blockNumber}, the export says ${c.blockNumber}`,
    );
  }
  return undefined;
}

/** The checks of coverage over one export, remembering what they have checked so each commitment is read once. */
export function exportCoverage(x: ExportToCheck, chain: ChainCommitments, firstAt: ReadonlyMap<number, number>) {
  const listed = new Map(x.commitments.map((c) => [keyOf(c.registry, c.index), c]));
  const checked = new Set<string>();
  /** Commitments the entries were checked against. */
  const used = new Set<string>();
  /** Entries marked uncommitted that a commitment made since covers, checked against its root. */
  const since = new Set<number>();

  /** A committed entry: its commitment is the chain's, holds it, and its proof leads to the root. */
  function committed(item: CommittedItem, hash: Hex32, position: number): void {
    const { seq } = item.entry;
    const key = keyOf(item.commitment.registry, item.commitment.index);
    const c = listed.get(key);
    if (!c)
      fail(
        "unlisted-commitment",
        `entry ${seq} names ${named(item.commitment)}, which the export does not list`,
        seq,
        position,
      );
    if (!checked.has(key)) {
      const problem = mismatch(c, chain, x.department.id);
      if (problem) fail(problem.kind, `entry ${seq}: ${problem.message}`, seq, position);
      checked.add(key);
    }
    if (seq < c.fromSeq || seq > c.toSeq) {
      fail("not-in-commitment", `entry ${seq} is not in ${named(c)} (entries ${c.fromSeq}..${c.toSeq})`, seq, position);
    }
    if (!proves(c.root, hash, item.proof)) {
      fail("proof-invalid", `entry ${seq}: its proof does not lead to the root of ${named(c)}`, seq, position);
    }
    used.add(key);
  }

  /**
   * An entry marked uncommitted: true when the chain has committed it since (or the export hides the commitment),
   * checked against the root of the commitment that covers it, which needs that commitment's whole range here.
   */
  function committedSince(seq: number, position: number): boolean {
    if (seq > chain.committedThrough) return false;
    if (since.has(seq)) return true;
    const c = chain.commitments.find((r) => r.fromSeq <= seq && seq <= r.toSeq);
    const marked = `entry ${seq} is marked uncommitted`;
    if (!c)
      fail(
        "hidden-commitment",
        `${marked}, but the chain holds commitments through ${chain.committedThrough}`,
        seq,
        position,
      );
    const range = `entries ${c.fromSeq}..${c.toSeq}`;
    if (c.fromSeq < x.from || c.toSeq > x.to) {
      const why = `${named(c)} covers it (${range}), which this export does not hold whole: export the range again to check it`;
      fail("hidden-commitment", `${marked}, but ${why}`, seq, position);
    }
    const hashes: Hex32[] = [];
    for (let s = c.fromSeq; s <= c.toSeq; s++) {
      const at = firstAt.get(s);
      const entry = at === undefined ? undefined : x.entries[at]?.entry;
      if (!entry) fail("missing", `entry ${s} is missing`, s);
      hashes.push(entryHashOf(entry as AccessLogEntry));
    }
    if (accessLogRoot(hashes) !== lower(c.root)) {
      fail(
        "hidden-commitment",
        `${marked}; ${named(c)} covers it, and ${range} as exported do not hash to its root`,
        seq,
        position,
      );
    }
    for (let s = c.fromSeq; s <= c.toSeq; s++) since.add(s);
    used.add(keyOf(c.registry, c.index));
    return true;
  }

  return { committed, committedSince, used };
}

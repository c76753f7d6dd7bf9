// The auditor's rule for an access-log export (docs/SPEC.md section 8): every entry present, in order, unaltered,
// chained, and covered by a commitment the chain holds; the first problem named by the entry it is found at.
import { type AccessLogEntry, entryHashOf } from "./accessLogEntry.ts";
import type { ExportToCheck } from "./accessLogExport.ts";
import { type ChainCommitments, exportCoverage } from "./exportCoverage.ts";
import { type ExportProblem, ExportProblemFound, fail } from "./exportProblem.ts";

export interface ExportVerdict {
  ok: boolean;
  department: { code: string; id: number };
  from: number;
  to: number;
  entries: number;
  /** Entries proved by their inclusion proofs against a commitment on chain. */
  committed: number;
  /** Entries marked uncommitted that a commitment made since covers, checked against its root. */
  committedSince: number;
  /** Entries no commitment on chain covers yet: only their hash chain protects them. */
  uncommitted: number;
  /** The distinct commitments the entries were checked against. */
  commitments: number;
  committedThrough: number;
  next?: number;
  problem?: ExportProblem;
}

function checkEnvelope(x: ExportToCheck, chain: ChainCommitments): void {
  if (x.chainId !== chain.chainId) fail("wrong-chain", `the export is of chain ${x.chainId}, this is ${chain.chainId}`);
  if (x.directory.toLowerCase() !== chain.directory.toLowerCase()) {
    fail("wrong-directory", `the export is of the directory at ${x.directory}, not ${chain.directory}`);
  }
  const { code, id } = x.department;
  if (chain.departmentId === undefined) fail("wrong-department", `the chain names no department ${code}`);
  if (chain.departmentId !== id)
    fail("wrong-department", `the chain gives ${code} the id ${chain.departmentId}, not ${id}`);
  if (x.previous.seq !== x.from - 1) fail("range", `previous is entry ${x.previous.seq}, not ${x.from - 1}`);
  if (x.to > x.lastSeq) fail("range", `the export ends at entry ${x.to}, after the log's last (${x.lastSeq})`);
  if (x.next !== undefined && x.next !== x.to + 1) fail("range", `next is ${x.next}, not ${x.to + 1}`);
}

/** Entry `seq` where `expected` should be: which one is missing, out of order, or there twice. */
function checkOrder(seq: number, expected: number, position: number, firstAt: Map<number, number>, from: number): void {
  if (seq === expected) return;
  const before = expected === from ? "the start of the export" : `entry ${expected - 1}`;
  if (seq > expected) {
    const later = firstAt.get(expected);
    if (later !== undefined && later > position) {
      const where = `entry ${expected} comes later, at entries[${later}]`;
      fail("out-of-order", `entry ${seq} follows ${before}: ${where}`, seq, position);
    }
    fail("missing", `entry ${expected} is missing: entry ${seq} follows ${before}`, expected, position);
  }
  const first = firstAt.get(seq);
  if (first !== undefined && first < position) {
    fail("duplicate", `entry ${seq} appears twice, at entries[${first}] and entries[${position}]`, seq, position);
  }
  fail("out-of-order", `entry ${seq} follows ${before}`, seq, position);
}

/** Checks `x` against what the chain says; stops at the first problem. */
export function verifyExport(x: ExportToCheck, chain: ChainCommitments): ExportVerdict {
  const counts = { entries: x.entries.length, committed: 0, committedSince: 0, uncommitted: 0 };
  const firstAt = new Map<number, number>();
  for (const [position, item] of x.entries.entries()) {
    if (!firstAt.has(item.entry.seq)) firstAt.set(item.entry.seq, position);
  }
  const coverage = exportCoverage(x, chain, firstAt);
  let problem: ExportProblem | undefined;
  try {
    checkEnvelope(x, chain);
    let expected = x.from;
    let prev = x.previous.entryHash;
    for (const [position, item] of x.entries.entries()) {
      const { entry } = item;
      const seq = entry.seq;
      checkOrder(seq, expected, position, firstAt, x.from);
      const hash = entryHashOf(entry as AccessLogEntry);
      if (hash !== entry.entryHash) {
        fail("altered", `entry ${seq} was altered: its content does not hash to its entryHash`, seq, position);
      }
      if (entry.prevHash !== prev) {
        const before = seq === x.from ? "the entry before the export (previous)" : `entry ${seq - 1}`;
        fail("chain-broken", `entry ${seq} does not chain: its prevHash is not the hash of ${before}`, seq, position);
      }
      if ("commitment" in item) {
        coverage.committed(item, hash, position);
        counts.committed++;
      } else if (coverage.committedSince(seq, position)) counts.committedSince++;
      else counts.uncommitted++;
      prev = hash;
      expected++;
    }
    if (expected <= x.to) {
      const after = expected === x.from ? "the export holds no entry" : `the export ends at entry ${expected - 1}`;
      fail("missing", `entry ${expected} is missing: ${after}, its range at ${x.to}`, expected);
    }
  } catch (error) {
    if (!(error instanceof ExportProblemFound)) throw error;
    problem = error.problem;
  }
  return {
    ok: problem === undefined,
    department: x.department,
    from: x.from,
    to: x.to,
    ...counts,
    commitments: coverage.used.size,
    committedThrough: chain.committedThrough,
    ...(x.next !== undefined ? { next: x.next } : {}),
    ...(problem ? { problem } : {}),
  };
}

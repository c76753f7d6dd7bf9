// The auditor's check of a department's access log: the hash chain end to end, and every committed range's root.

import { accessLogRoot, entryHashOf, GENESIS_HASH } from "../../../../lib/audit/accessLogEntry.ts";
import type { Hex32 } from "../../../../lib/encoding/canonical.ts";
import type { DepartmentRuntime } from "../department.ts";
import { GatewayError } from "../errors/GatewayError.ts";
import { accessLogEntries } from "./accessLog.ts";

export type DivergenceKind =
  | "sequence-gap"
  | "entry-hash-mismatch"
  | "chain-broken"
  | "commitment-mismatch"
  | "truncated";

export interface AccessLogAudit {
  department: string;
  ok: boolean;
  entries: number;
  commitments: number;
  /** The last sequence number the chain holds a commitment for (0 when none). */
  committedThrough: number;
  /** Entries after the last commitment: the chain cannot vouch for these yet. */
  uncommitted: number;
  /** The chain's head before the commitments were read: they are read at the head then, so as of this block or later. */
  asOfBlock: number;
  /** The first place, in sequence order, where the log and its hashes or commitments disagree. */
  divergence?: { seq: number; kind: DivergenceKind; detail: string; commitment?: number; registry?: string };
}

interface OnChainRange {
  /** The AccessLogRegistry that holds the range, and its position there. */
  registry: string;
  index: number;
  fromSeq: number;
  toSeq: number;
  root: string;
}

/**
 * The department's commitments in force, in every access-log registry the directory has named (a replacement continues
 * the sequence of the one before): read at the chain's head, which is at least `block` (a node that prunes old state
 * cannot answer for a past block).
 */
async function commitmentsOnChain(department: DepartmentRuntime): Promise<{ ranges: OnChainRange[]; block: number }> {
  try {
    const block = (await department.registries.directory.runner?.provider?.getBlockNumber()) ?? 0;
    const ranges: OnChainRange[] = [];
    for (const registry of department.index.history("AccessLogRegistry")) {
      const log = department.registries.accessLogAt(registry);
      const count = Number(await log.commitmentCount(department.id));
      ranges.push(
        ...(await Promise.all(
          Array.from({ length: count }, async (_, index) => {
            const c = await log.commitmentAt(department.id, index);
            return { registry, index, fromSeq: Number(c.fromSeq), toSeq: Number(c.toSeq), root: c.root };
          }),
        )),
      );
    }
    return { ranges, block };
  } catch (cause) {
    throw new GatewayError("CHAIN_UNAVAILABLE", { cause });
  }
}

/** Re-reads every entry; reports the first divergence, so the auditor knows from where on the log cannot be trusted. */
export async function auditAccessLog(department: DepartmentRuntime): Promise<AccessLogAudit> {
  const { ranges, block } = await commitmentsOnChain(department);
  const committedThrough = ranges.at(-1)?.toSeq ?? 0;
  let seq = 0;
  let prev: Hex32 = GENESIS_HASH;
  let hashes: Hex32[] = [];
  let next = 0;
  let divergence: AccessLogAudit["divergence"];
  for await (const entry of accessLogEntries(department.store).values()) {
    seq++;
    const hash = entryHashOf(entry);
    if (entry.seq !== seq) divergence = { seq, kind: "sequence-gap", detail: `found entry ${entry.seq} at ${seq}` };
    else if (hash !== entry.entryHash)
      divergence = { seq, kind: "entry-hash-mismatch", detail: "the entry does not hash to its entryHash" };
    else if (entry.prevHash !== prev)
      divergence = { seq, kind: "chain-broken", detail: "prevHash is not the previous entry's hash" };
    if (divergence) break;
    prev = hash;
    hashes.push(hash);
    const range = ranges[next];
    if (range && seq === range.toSeq) {
      // The registry keeps ranges contiguous from 1, so `hashes` holds exactly this range's entries.
      if (accessLogRoot(hashes) !== range.root) {
        divergence = {
          seq: range.fromSeq,
          kind: "commitment-mismatch",
          detail: `entries ${range.fromSeq}..${range.toSeq} do not hash to the root committed on chain`,
          commitment: range.index,
          registry: range.registry,
        };
        break;
      }
      hashes = [];
      next++;
    }
  }
  if (!divergence && seq < committedThrough) {
    divergence = {
      seq: seq + 1,
      kind: "truncated",
      detail: `the chain holds commitments through ${committedThrough}, the log ends at ${seq}`,
    };
  }
  return {
    department: department.code,
    ok: divergence === undefined,
    entries: seq,
    commitments: ranges.length,
    committedThrough,
    uncommitted: Math.max(0, seq - committedThrough),
    asOfBlock: block,
    ...(divergence ? { divergence } : {}),
  };
}

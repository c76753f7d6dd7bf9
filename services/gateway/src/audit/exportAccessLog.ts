// One page of a department's access-log export: its entries with the commitments on chain that cover them and their
// proofs (lib/audit/accessLogExport.ts builds it; this reads what it is built from).

import { GENESIS_HASH } from "../../../../lib/audit/accessLogEntry.ts";
import type { ExportedCommitment } from "../../../../lib/audit/accessLogExport.ts";
import { type AccessLogExport, buildExport, EXPORT_PAGE } from "../../../../lib/audit/accessLogExport.ts";
import type { Hex32 } from "../../../../lib/encoding/canonical.ts";
import type { DepartmentRuntime } from "../department.ts";
import { GatewayError } from "../errors/GatewayError.ts";
import type { GatewayServices } from "../services.ts";
import { seqKey } from "../store/departmentStore.ts";
import { accessLogEntries } from "./accessLog.ts";

export interface ExportRange {
  from?: number;
  to?: number;
  /** At most this many entries (and never more than EXPORT_PAGE). */
  limit?: number;
}

/** The stored hashes of entries fromSeq..toSeq; fewer when the log lacks some (a range it did not commit). */
export async function storedHashes(department: DepartmentRuntime, fromSeq: number, toSeq: number): Promise<Hex32[]> {
  const hashes: Hex32[] = [];
  const range = { gte: seqKey(fromSeq), lte: seqKey(toSeq) };
  for await (const entry of accessLogEntries(department.store).values(range)) hashes.push(entry.entryHash);
  return hashes;
}

export async function exportAccessLog(
  services: GatewayServices,
  department: DepartmentRuntime,
  range: ExportRange,
): Promise<AccessLogExport> {
  let chain: Awaited<ReturnType<DepartmentRuntime["logCommitments"]["read"]>>;
  try {
    chain = await department.logCommitments.read();
  } catch (cause) {
    throw new GatewayError("CHAIN_UNAVAILABLE", { cause });
  }
  const lastSeq = await department.accessLog.lastSeq();
  const from = range.from ?? 1;
  if (from > lastSeq + 1) {
    throw new GatewayError("VALIDATION_FAILED", {
      field: "query.from",
      detail: `query.from: the log ends at entry ${lastSeq}, so an export begins at ${lastSeq + 1} at the latest`,
    });
  }
  const page = Math.min(range.limit ?? EXPORT_PAGE, EXPORT_PAGE);
  const end = Math.min(range.to ?? lastSeq, lastSeq);
  const to = Math.max(from - 1, Math.min(end, from + page - 1));
  const entries = to >= from ? await department.accessLog.entries(from, to - from + 1) : [];
  const previous =
    from === 1 ? GENESIS_HASH : (await accessLogEntries(department.store).get(seqKey(from - 1)))?.entryHash;
  // Each commitment's whole range is read once: its tree needs every leaf, also those outside this page.
  const hashes = new Map<ExportedCommitment, Hex32[]>();
  for (const c of chain.commitments) {
    if (c.toSeq >= from && c.fromSeq <= to) hashes.set(c, await storedHashes(department, c.fromSeq, c.toSeq));
  }
  return buildExport({
    chainId: services.deployment.chainId,
    directory: services.deployment.directory,
    department: { code: department.code, id: department.id },
    asOfBlock: chain.asOfBlock,
    lastSeq,
    from,
    to,
    previousHash: previous ?? GENESIS_HASH,
    entries,
    commitments: chain.commitments,
    rangeHashes: (c) => hashes.get(c),
    ...(to < end ? { next: to + 1 } : {}),
  });
}

// npm run audit -- verify-log <export>: a department's access-log export checked against the chain alone (every entry
// present, in order, unaltered, chained, and covered by a commitment on chain); the first problem named by its entry.
import { z } from "zod";
import { accessLogExportSchema, EXPORT_FORMAT, type ExportToCheck } from "../../../lib/audit/accessLogExport.ts";
import type { ExportProblemKind } from "../../../lib/audit/exportProblem.ts";
import { type ExportVerdict, verifyExport } from "../../../lib/audit/verifyAccessLogExport.ts";
import { type AuditCommand, AuditInputError } from "./command.ts";
import { readInputJson } from "./inputFile.ts";
import { commitmentsOnChain } from "./logOnChain.ts";
import { type Check, reportOf } from "./report.ts";

export const VERIFY_LOG_HELP = [
  "usage: npm run audit -- verify-log <export>",
  "",
  "Checks a department's access-log export (GET /departments/<d>/access-log/export, saved to a file) against the",
  "chain alone: every entry from..to present once and in order, hashing to its entryHash, chained to the one before,",
  "and proved against a commitment the department's access-log registries hold (its range and root, and the",
  "transaction and block of its AccessLogCommitted event). Entries no commitment covers yet are counted, not failed.",
  "The first problem is named by its entry. The format is docs/SPEC.md section 8.",
].join("\n");

/** Any entry with its number and hashes: an edit of its other fields is found by its hash, not refused as a form. */
const anyEntry = z.looseObject({
  seq: z.int().min(1),
  prevHash: z.string(),
  entryHash: z.string(),
});
const exportSchema = accessLogExportSchema(anyEntry);

/** A zod issue's path as it reads in the file: entries[3].proof[1]. */
const pathOf = (path: readonly PropertyKey[]) =>
  path.map((p, i) => (typeof p === "number" ? `[${p}]` : `${i === 0 ? "" : "."}${String(p)}`)).join("") || "(top)";

async function readExport(file: string): Promise<ExportToCheck> {
  const value = await readInputJson(file);
  if ((value as { format?: unknown } | null)?.format !== EXPORT_FORMAT) {
    throw new AuditInputError(`${file}: not an access-log export (its "format" is not "${EXPORT_FORMAT}")`);
  }
  const parsed = exportSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new AuditInputError(`${file}: field "${pathOf(issue?.path ?? [])}": ${issue?.message ?? "is invalid"}`);
  }
  return parsed.data;
}

/** The sequence numbers of the entries no commitment covers yet, as a person reads them. */
function uncommittedRange(x: ExportToCheck, committedThrough: number): string {
  const seqs = x.entries.filter((e) => "uncommitted" in e && e.entry.seq > committedThrough).map((e) => e.entry.seq);
  return seqs.length === 1 ? `entry ${seqs[0]}` : `entries ${seqs[0]}..${seqs.at(-1)}`;
}

/** Which of the three checks a problem belongs to. */
const CHECK_OF: Record<ExportProblemKind, "export" | "entries" | "commitments"> = {
  "wrong-chain": "export",
  "wrong-directory": "export",
  "wrong-department": "export",
  range: "export",
  missing: "entries",
  "out-of-order": "entries",
  duplicate: "entries",
  altered: "entries",
  "chain-broken": "entries",
  "unlisted-commitment": "commitments",
  "commitment-mismatch": "commitments",
  "transaction-mismatch": "commitments",
  "not-in-commitment": "commitments",
  "proof-invalid": "commitments",
  "hidden-commitment": "commitments",
};

/** The checks made, up to the one that failed: the check stops at the first problem, so nothing after it is claimed. */
function checksOf(x: ExportToCheck, verdict: ExportVerdict): Check[] {
  const { code, id } = x.department;
  const passed: Check[] = [
    {
      name: "export",
      ok: true,
      detail:
        `the access log of ${code} (department ${id}), entries ${x.from}..${x.to} (the log had ${x.lastSeq}), ` +
        `chain ${x.chainId}, read as of block ${x.asOfBlock}`,
    },
    { name: "entries", ok: true, detail: `${verdict.entries} present, in order, unaltered and chained` },
    {
      name: "commitments",
      ok: true,
      detail:
        `${verdict.committed + verdict.committedSince} entries proved against ${verdict.commitments} commitment(s) ` +
        `on chain, which holds the department's commitments through entry ${verdict.committedThrough}`,
    },
  ];
  const { problem } = verdict;
  if (!problem) return passed;
  const failed: Check = { name: CHECK_OF[problem.kind], ok: false, detail: problem.message };
  // Entries are checked one by one, each for order, hash, chain and commitment: a failure at one leaves the rest
  // unchecked, so only the export's own check is claimed before it.
  return failed.name === "export" ? [failed] : [passed[0] as Check, failed];
}

function evidenceOf(x: ExportToCheck, verdict: ExportVerdict): string[] {
  if (!verdict.ok) return [];
  return [
    ...(verdict.committedSince > 0
      ? [`${verdict.committedSince} of them marked uncommitted, proved by the root of a commitment made since`]
      : []),
    ...(verdict.uncommitted > 0
      ? [
          `${verdict.uncommitted} not committed on chain yet (${uncommittedRange(x, verdict.committedThrough)}): ` +
            "only their hash chain protects them",
        ]
      : []),
    ...(verdict.next !== undefined ? [`more entries follow: the next page begins at ${verdict.next}`] : []),
  ];
}

export const verifyLog: AuditCommand = async (context, args) => {
  const [file, ...rest] = args;
  if (!file || rest.length > 0) throw new AuditInputError(VERIFY_LOG_HELP);
  const exported = await readExport(file);
  const verdict = verifyExport(exported, await commitmentsOnChain(context, exported));
  return reportOf("verify-log", checksOf(exported, verdict), evidenceOf(exported, verdict), { file, ...verdict });
};

// npm run audit -- verify-log <export>: a department's access-log export checked against the chain alone (every entry
// present, in order, unaltered, chained, and covered by a commitment on chain); the first problem named by its entry.
import { z } from "zod";
import { accessLogExportSchema, EXPORT_FORMAT, type ExportToCheck } from "../../../lib/audit/accessLogExport.ts";
import { type ExportVerdict, verifyExport } from "../../../lib/audit/verifyAccessLogExport.ts";
import { type AuditCommand, AuditInputError } from "./command.ts";
import { readInputJson } from "./inputFile.ts";
import { commitmentsOnChain } from "./logOnChain.ts";

const USAGE = "usage: npm run audit -- verify-log <export.json> (from GET /departments/<d>/access-log/export)";

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

/** The sequence numbers of the entries no commitment covers yet, as a range for a person to read. */
function uncommittedRange(x: ExportToCheck, committedThrough: number): string {
  const seqs = x.entries.filter((e) => "uncommitted" in e && e.entry.seq > committedThrough).map((e) => e.entry.seq);
  return seqs.length === 1 ? `entry ${seqs[0]}` : `entries ${seqs[0]}..${seqs.at(-1)}`;
}

function linesOf(file: string, x: ExportToCheck, verdict: ExportVerdict): string[] {
  const { code, id } = x.department;
  const lines = [
    `${file}: the access log of ${code} (department ${id}), entries ${x.from}..${x.to} of ${x.lastSeq}, ` +
      `exported as of block ${x.asOfBlock}`,
  ];
  if (verdict.problem) return [...lines, `FAILED: ${verdict.problem.message}`];
  lines.push(`${verdict.entries} entries present, in order, unaltered and chained`);
  lines.push(
    `${verdict.committed} proved against ${verdict.commitments} commitment(s) on chain ` +
      `(the chain holds commitments through entry ${verdict.committedThrough})`,
  );
  if (verdict.committedSince > 0) {
    lines.push(`${verdict.committedSince} marked uncommitted, checked against the root of a commitment made since`);
  }
  if (verdict.uncommitted > 0) {
    lines.push(
      `${verdict.uncommitted} not committed on chain yet (${uncommittedRange(x, verdict.committedThrough)}): only ` +
        "their hash chain protects them",
    );
  }
  if (verdict.next !== undefined) lines.push(`more entries follow: the next page begins at ${verdict.next}`);
  return [...lines, "OK"];
}

export const verifyLog: AuditCommand = async (context, args) => {
  const [file, ...rest] = args;
  if (!file || rest.length > 0) throw new AuditInputError(USAGE);
  const exported = await readExport(file);
  const verdict = verifyExport(exported, await commitmentsOnChain(context, exported));
  return {
    command: "verify-log",
    ok: verdict.ok,
    lines: linesOf(file, exported, verdict),
    details: { file, ...verdict },
  };
};

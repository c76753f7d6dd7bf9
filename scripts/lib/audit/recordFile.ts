// The record files verify-record reads. A department's gateway gives a record out as {recordHash, record, anchor}
// (POST /records, GET /records/{hash}); the POST /verify body {record, anchor} has the same members; and a holder may
// keep a bare canonical record with its anchor beside its members. Any other shape is bad input, named by field.
import { z } from "zod";
import { formatFieldPath } from "../../../lib/catalogue/errors.ts";
import type { Hex32 } from "../../../lib/encoding/canonical.ts";
import {
  echoable,
  echoablePath,
  UNNAMED_MEMBER,
  WITHIN_UNNAMED_MEMBER,
} from "../../../services/gateway/src/errors/echo.ts";
import { canonicalRecordSchema, hex32 } from "../../../services/gateway/src/http/schemas.ts";
import type { CanonicalRecord } from "../../../services/gateway/src/records/canonicalRecord.ts";
import { AuditInputError } from "./command.ts";
import { readInputJson } from "./inputFile.ts";

/** The anchor as a gateway states it (AnchorState): what the audit uses of it, other members kept as they are. */
const anchorSchema = z.looseObject({
  state: z.string().optional(),
  batchRoot: hex32.optional(),
  proof: z.array(hex32).max(64).optional(),
  registry: z.string().optional(),
  txHash: hex32.optional(),
  blockNumber: z.int().min(0).optional(),
});

const answerSchema = z.strictObject({
  recordHash: hex32.optional(),
  record: canonicalRecordSchema,
  anchor: anchorSchema.optional(),
});

const bareSchema = canonicalRecordSchema.extend({ anchor: anchorSchema.optional() });

export type FileAnchor = z.output<typeof anchorSchema>;

export interface PresentedRecord {
  record: CanonicalRecord;
  /** The hash the file claims for the record, if it names one. */
  claimedHash?: Hex32;
  anchor?: FileAnchor;
}

/** The shapes, as `verify-record --help` lists them. */
export const RECORD_FILE_SHAPES = [
  "a gateway's answer for a record (POST /records, GET /records/{hash}): {recordHash, record, anchor}",
  "the body of POST /verify: {record, anchor: {batchRoot, proof}}",
  'a bare canonical record ({"format": "oncechain-record/2", …}, or /1) with, for a batched record, "anchor": {batchRoot, proof}',
];

/**
 * The file's problems, one a line, by field. A name the file chose that is not shaped like a field name (a key of a
 * disclosure's fields, an unknown member) is not printed: a record file's text is personal data.
 */
export function problems(file: string, error: z.ZodError): AuditInputError {
  const at = (path: readonly PropertyKey[]) => (path.length > 0 ? `field "${formatFieldPath(path)}": ` : "");
  const lines = error.issues.flatMap((issue) => {
    const { path, cut } = echoablePath(issue.path);
    if (cut) return [`${file}: ${at(path)}${WITHIN_UNNAMED_MEMBER}: ${issue.message}`];
    return issue.code === "unrecognized_keys"
      ? issue.keys.map((key) =>
          echoable(key) ? `${file}: ${at([...path, key])}unknown field` : `${file}: ${at(path)}${UNNAMED_MEMBER}`,
        )
      : [`${file}: ${at(path)}${issue.message}`];
  });
  return new AuditInputError(lines.join("\n"));
}

export async function readRecordFile(file: string): Promise<PresentedRecord> {
  const raw = await readInputJson(file);
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw new AuditInputError(`${file}: not a record: expected a JSON object`);
  }
  if ("format" in raw) {
    const parsed = bareSchema.safeParse(raw);
    if (!parsed.success) throw problems(file, parsed.error);
    const { anchor, ...record } = parsed.data;
    return { record, ...(anchor ? { anchor } : {}) };
  }
  if (!("record" in raw)) {
    throw new AuditInputError(
      `${file}: neither a canonical record (no "format") nor a gateway's answer for one (no "record")`,
    );
  }
  const parsed = answerSchema.safeParse(raw);
  if (!parsed.success) throw problems(file, parsed.error);
  const { record, recordHash, anchor } = parsed.data;
  return { record, ...(recordHash ? { claimedHash: recordHash } : {}), ...(anchor ? { anchor } : {}) };
}

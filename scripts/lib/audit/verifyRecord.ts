// npm run audit -- verify-record <file>: a record a department gave out, against the chain alone. Its hash is
// recomputed from its canonical form, its batch proof checked, its status read from the registry that holds it (the
// registry's combined check) and judged again from that registry's events under the project's status rules; the
// evidence of its anchoring comes from the events.
import { CanonicalFormError, type Hex32 } from "../../../lib/encoding/canonical.ts";
import { describeRevocationReason } from "../../../lib/records/revocationReasons.ts";
import { anchorOf, type CanonicalRecord, recordHashOf } from "../../../services/gateway/src/records/canonicalRecord.ts";
import type { Evidence } from "../../../services/gateway/src/records/verifyRecord.ts";
import { verifyRecord as verdictOf } from "../../../services/gateway/src/records/verifyRecord.ts";
import { type ChainView, readChainView } from "./chainView.ts";
import { type AuditCommand, AuditInputError } from "./command.ts";
import { agreementCheck, anchoredCheck, fileAnchorCheck, hashCheck, proofCheck, statusCheck } from "./recordChecks.ts";
import { type FileAnchor, RECORD_FILE_SHAPES, readRecordFile } from "./recordFile.ts";
import { type Check, isoTime, reportOf } from "./report.ts";

export const VERIFY_RECORD_HELP = [
  "usage: npm run audit -- verify-record <file>",
  "",
  "Recomputes the record's hash by its format (SPEC §3: RFC 8785 and sha256, over the salted field tree in format 2),",
  "checks its batch proof (OpenZeppelin's double-hashed leaf), reads its combined status from the record registry that",
  "holds it, judges it again from that registry's events, and reports the evidence: issuer, type, registry, block and",
  "transaction, batch root, revocation, expiry, supersession. It passes only for a valid record. The file may be:",
  ...RECORD_FILE_SHAPES.map((shape) => `  - ${shape}`),
].join("\n");

function recordHash(file: string, record: CanonicalRecord): Hex32 {
  try {
    return recordHashOf(record);
  } catch (cause) {
    if (!(cause instanceof CanonicalFormError)) throw cause;
    throw new AuditInputError(`${file}: field "record": ${cause.message}`);
  }
}

/** The issuer's and the type's names on chain, beside the ids the anchoring carries. */
async function namesOf(view: ChainView, e: Evidence) {
  const typeRegistry = view.index.typeRegistryOf(e.registry);
  const [department, type] = await Promise.all([
    view.registries.departments.department(e.issuer),
    view.registries.typesAt(typeRegistry).credentialType(e.credentialType),
  ]);
  return { issuer: department.code, credentialType: type.code, typeVersion: Number(type.version), typeRegistry };
}

/** What the chain part of a verification reads of a record: everything but its fields and salt (a disclosure's envelope). */
export type RecordFacts = Omit<CanonicalRecord, "fields" | "salt">;

function namesCheck(record: RecordFacts, e: Evidence, names: Awaited<ReturnType<typeof namesOf>>): Check {
  const differences: string[] = [];
  if (record.issuerId !== e.issuer) differences.push(`issuer id ${record.issuerId}, anchored by ${e.issuer}`);
  if (record.issuer !== names.issuer)
    differences.push(`issuer "${record.issuer}", department ${e.issuer} is "${names.issuer}"`);
  if (record.typeId !== e.credentialType) differences.push(`type id ${record.typeId}, anchored as ${e.credentialType}`);
  if (record.credentialType !== names.credentialType || record.typeVersion !== names.typeVersion) {
    differences.push(
      `type ${record.credentialType} v${record.typeVersion}, type ${e.credentialType} is ${names.credentialType} v${names.typeVersion}`,
    );
  }
  return differences.length === 0
    ? {
        name: "names",
        ok: true,
        detail: `department ${e.issuer} is ${names.issuer}, type ${e.credentialType} is ${names.credentialType} v${names.typeVersion}`,
      }
    : { name: "names", ok: false, detail: `the record names ${differences.join("; ")}` };
}

function evidenceLines(e: Evidence, names: Awaited<ReturnType<typeof namesOf>>, current: boolean): string[] {
  const anchoring = e.txHash ? `block ${e.blockNumber}, tx ${e.txHash}, ` : "";
  return [
    `issuer      department ${e.issuer} (${names.issuer})`,
    `type        ${e.credentialType}: ${names.credentialType} v${names.typeVersion}, of type registry ${names.typeRegistry}`,
    `registry    ${e.registry} (${current ? "the directory's current record registry" : "replaced since; it keeps its records"})`,
    `anchored    ${anchoring}at ${isoTime(e.anchoredAt)}`,
    ...(e.batchRoot ? [`batch root  ${e.batchRoot}`] : []),
    `validity    from ${e.validFrom ? isoTime(e.validFrom) : "its anchoring"}${e.validUntil ? ` until ${isoTime(e.validUntil)}` : ", no expiry"}`,
    `revoked     ${e.revokedAt ? `at ${isoTime(e.revokedAt)}, ${describeRevocationReason(e.revocationReason)}` : "no"}`,
    `superseded  ${e.supersededBy ? `by ${e.supersededBy}` : "no"}${e.supersedes ? `; it supersedes ${e.supersedes}` : ""}`,
  ];
}

/** The evidence --json gives: the registry's facts of the record, without its subject reference. */
function evidenceDetails(e: Evidence) {
  const { registry, issuer, credentialType, anchoredAt, validFrom, validUntil, revokedAt, revocationReason } = e;
  return {
    registry,
    issuer,
    credentialType,
    anchoredAt,
    validFrom,
    validUntil,
    revokedAt,
    revocationReason,
    ...(e.batchRoot ? { batchRoot: e.batchRoot } : {}),
    ...(e.supersededBy ? { supersededBy: e.supersededBy } : {}),
    ...(e.supersedes ? { supersedes: e.supersedes } : {}),
    ...(e.txHash ? { txHash: e.txHash, blockNumber: e.blockNumber } : {}),
  };
}

export const verifyRecord: AuditCommand = async (context, args) => {
  const [file, ...extra] = args;
  if (file === undefined || extra.length > 0) throw new AuditInputError("usage: verify-record <file>");
  const { record, claimedHash, anchor } = await readRecordFile(file);
  const hash = recordHash(file, record);
  const checks: Check[] = [hashCheck(hash, claimedHash)];
  const details: Record<string, unknown> = { file, recordHash: hash, ...(claimedHash ? { claimedHash } : {}) };
  // An altered record is another record: what the chain says of it would answer a question nobody asked.
  if (!checks[0]?.ok) return reportOf("verify-record", checks, [], details);
  return verifyOnChain(context, "verify-record", { facts: record, hash, anchor, checks, details, lines: [] });
};

interface OnChainInput {
  facts: RecordFacts;
  hash: Hex32;
  anchor?: FileAnchor;
  /** The checks and lines so far (of the file itself), which the chain's are added to. */
  checks: Check[];
  lines: string[];
  details: Record<string, unknown>;
}

/**
 * The chain's part of verify-record and verify-disclosure, once the file holds together: the batch proof, the anchoring,
 * the status read from the registry and judged again from its events, the names, and the evidence.
 */
export async function verifyOnChain(
  context: Parameters<AuditCommand>[0],
  command: string,
  { facts: record, hash, anchor, checks, lines, details }: OnChainInput,
) {
  const view = await readChainView(context.provider, context.directory);
  const root = anchor?.batchRoot;
  const proof = anchor?.proof ?? [];
  const input = {
    recordHash: hash,
    issuerId: record.issuerId,
    leaf: anchorOf(record, hash),
    ...(root ? { anchor: { batchRoot: root, proof } } : {}),
  };
  const ctx = { index: view.index, registries: view.registries, now: () => view.head.timestamp * 1000 };
  const chain = await verdictOf(ctx, input, true).catch((error: { cause?: unknown }) => {
    throw error.cause ?? error;
  });
  const events = await verdictOf(ctx, input, false);
  const evidence = events.evidence ?? chain.evidence;
  if (root) checks.push(proofCheck(root, anchorOf(record, hash), proof, view.index.batch(record.issuerId, root)));
  checks.push(anchoredCheck(hash, record.issuerId, events.evidence, anchor));
  checks.push(statusCheck(chain), agreementCheck(chain, events));
  const fileAnchor = fileAnchorCheck(anchor, events.evidence);
  if (fileAnchor) checks.push(fileAnchor);
  if (evidence) {
    const names = await namesOf(view, evidence);
    checks.push(namesCheck(record, evidence, names));
    const current = view.index.current("CredentialRecordRegistry").toLowerCase() === evidence.registry.toLowerCase();
    lines.push(...evidenceLines(evidence, names, current));
    details.names = names;
  }
  lines.push(`as of block ${view.head.number}`);
  return reportOf(command, checks, lines, {
    ...details,
    status: chain.status,
    statusFromEvents: events.status,
    asOfBlock: view.head.number,
    ...(evidence ? { evidence: evidenceDetails(evidence) } : {}),
  });
}

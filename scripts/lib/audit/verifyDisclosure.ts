// npm run audit -- verify-disclosure <file>: some fields of a record, disclosed without the others, against the chain
// alone. The envelope is hashed to the record hash, each disclosed field is proved a leaf of the envelope's field tree,
// and then the record is verified on chain exactly as verify-record verifies it.

import { CanonicalFormError } from "../../../lib/encoding/canonical.ts";
import { fieldCountBounds } from "../../../lib/records/fieldTree.ts";
import { echoable, echoablePath } from "../../../services/gateway/src/errors/echo.ts";
import { disclosureSchema } from "../../../services/gateway/src/http/schemas.ts";
import { DisclosureError, provenRecordHash } from "../../../services/gateway/src/records/disclosure.ts";
import { type AuditCommand, AuditInputError } from "./command.ts";
import { readDisclosureInput } from "./disclosureInput.ts";
import { problems } from "./recordFile.ts";
import { type Check, reportOf } from "./report.ts";
import { verifyOnChain } from "./verifyRecord.ts";

export const VERIFY_DISCLOSURE_HELP = [
  "usage: npm run audit -- verify-disclosure <file>",
  "",
  "Checks a disclosure (SPEC §3.4: {format, recordHash, envelope, fields, anchor}), as a gateway gives one out, in a",
  "JSON file, as the text of its QR code (OC1:…, SPEC §3.6) in a file, or as a PNG image of the code: the",
  "envelope must hash to the record hash, and each disclosed field, with its salt and proof, must lead to the",
  "envelope's fields root (the first that does not is named). Then the record is verified on chain as verify-record",
  "verifies it: batch proof, status from the registry and from its events, names, evidence. The fields withheld are",
  "neither needed nor shown. It passes only for a disclosure that holds of a valid record.",
].join("\n");

export const verifyDisclosure: AuditCommand = async (context, args) => {
  const [file, ...extra] = args;
  if (file === undefined || extra.length > 0) throw new AuditInputError("usage: verify-disclosure <file>");
  const parsed = disclosureSchema.safeParse(await readDisclosureInput(file));
  if (!parsed.success) throw problems(file, parsed.error);
  const disclosure = parsed.data;
  const names = Object.keys(disclosure.fields);
  // The fields' names as printed: a name not shaped like a field name may be personal data, and is not printed.
  const shown = names.map((name) => (echoable(name) ? name : "(a field whose name is not printed)"));
  const details: Record<string, unknown> = { file, recordHash: disclosure.recordHash, disclosed: shown };
  let check: Check;
  try {
    provenRecordHash(disclosure);
    check = {
      name: "disclosure",
      ok: true,
      detail:
        names.length === 0
          ? "the envelope hashes to the record hash; no field is disclosed"
          : `the envelope hashes to the record hash, and ${shown.join(", ")} belong to it`,
    };
  } catch (error) {
    if (error instanceof CanonicalFormError) throw new AuditInputError(`${file}: ${error.message}`);
    if (!(error instanceof DisclosureError)) throw error;
    const { path } = echoablePath(error.path.split("."));
    const where = path.join(".") === error.path ? error.path : `${path.join(".")} (a field whose name is not printed)`;
    check = { name: "disclosure", ok: false, detail: `${where}: ${error.message}` };
    details.failed = where;
  }
  // A disclosure that does not hold shows nothing of a record: what the chain says would answer no question.
  if (!check.ok) return reportOf("verify-disclosure", [check], [], details);
  const proofs = names.map((name) => disclosure.fields[name]?.proof ?? []);
  const k = Math.max(...proofs.map((proof) => proof.length), 0);
  const bounds = fieldCountBounds(proofs);
  const fieldCount = !bounds || bounds.most === 1 ? "1 field" : `${bounds.fewest} to ${bounds.most} fields`;
  return verifyOnChain(context, "verify-disclosure", {
    facts: disclosure.envelope,
    hash: disclosure.recordHash,
    ...(disclosure.anchor ? { anchor: disclosure.anchor } : {}),
    checks: [check],
    lines: [
      `disclosed   ${names.length === 0 ? "no field" : shown.join(", ")}`,
      ...(names.length > 0 ? [`withheld    the other fields (a proof of ${k} nodes: ${fieldCount} in all)`] : []),
    ],
    details,
  });
};

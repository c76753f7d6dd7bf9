// Disclosure benchmark: what field-level disclosure costs a verifier and what it saves on the wire, against format 1 in
// the same run. In this process, with tinybench, over 1,000 varied ~1 KB business licences as a gateway issues them:
// - hashing a record presented whole: format 1 (sha256 of the record) and format 2 (the envelope over the field tree);
// - making a disclosure of the tobacco retail licence's fields (name, domicile, businessTermUntil) and proving one;
// - the bytes of a peer answer that carries the whole record (as before) and one that carries the disclosure.
// Writes bench/results/disclosure.json and bench/results/disclosure.md.
import { mkdir, writeFile } from "node:fs/promises";
import { cpus, totalmem } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Bench } from "tinybench";
import { subjectRef } from "../lib/encoding/subjectRef.ts";
import { type CanonicalRecord, recordHashOf } from "../services/gateway/src/records/canonicalRecord.ts";
import { discloseFields, provenRecordHash } from "../services/gateway/src/records/disclosure.ts";
import { businessLicence } from "./support/businessLicences.ts";

const here = dirname(fileURLToPath(import.meta.url));
const COUNT = 1000;
const TOBACCO_FIELDS = ["name", "domicile", "businessTermUntil"];
const KEY = Buffer.alloc(32, 7);

/** The n-th licence as a gateway issues it (format 2), with a fixed salt per n so that runs compare. */
function record(n: number): CanonicalRecord {
  const input = businessLicence(n);
  const seconds = 1_800_000_000 + n;
  return {
    format: "oncechain-record/2",
    credentialType: "business-licence",
    typeVersion: 1,
    typeId: 4,
    issuer: "market-regulation",
    issuerId: 14,
    subjectRef: subjectRef(KEY, "unified-social-credit-code", input.subject.idNumber),
    fields: input.fields,
    issuedAt: new Date(seconds * 1000).toISOString(),
    validFrom: seconds,
    validUntil: 0,
    salt: `0x${n.toString(16).padStart(64, "0")}`,
  };
}

const records = Array.from({ length: COUNT }, (_, n) => record(n));
const formatOne = records.map((r) => ({ ...r, format: "oncechain-record/1" as const }));
const anchor = {
  batchRoot: `0x${"ab".repeat(32)}` as const,
  proof: Array.from({ length: 10 }, () => `0x${"cd".repeat(32)}` as const),
};
const disclosures = records.map((r) => discloseFields(r, TOBACCO_FIELDS, anchor));

let i = 0;
const next = () => (i = (i + 1) % COUNT);
const bench = new Bench({ time: 2000, warmup: true, warmupTime: 500 });
bench
  .add("format 1: hash a record presented whole", () => {
    recordHashOf(formatOne[next()] as CanonicalRecord);
  })
  .add("format 2: hash a record presented whole (envelope over the field tree)", () => {
    recordHashOf(records[next()] as CanonicalRecord);
  })
  .add("format 2: make a disclosure of 3 fields", () => {
    discloseFields(records[next()] as CanonicalRecord, TOBACCO_FIELDS, anchor);
  })
  .add("format 2: prove a disclosure of 3 fields (envelope hash and 3 field proofs)", () => {
    provenRecordHash(disclosures[next()] as (typeof disclosures)[number]);
  });
await bench.run();

const rows = bench.tasks.map((task) => {
  const r = task.result as unknown as { throughput?: { mean: number }; latency?: { mean: number; p99?: number } };
  const perSecond = r.throughput?.mean ?? 0;
  return { name: task.name, perSecond: Math.round(perSecond), meanMicros: Math.round((1e6 / perSecond) * 10) / 10 };
});
const base = rows[0]?.perSecond ?? 1;
const withRatio = rows.map((row) => ({ ...row, ratioToFormat1: Math.round((row.perSecond / base) * 1000) / 1000 }));

// What a peer answer carries: before, the whole record; now, the disclosure of the fields the matter needs.
const answerBase = (r: CanonicalRecord) => ({ found: true, granted: true, issuer: r.issuer, issuerId: r.issuerId });
const bytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value));
const mean = (values: number[]) => Math.round(values.reduce((a, b) => a + b, 0) / values.length);
const wholeBytes = mean(records.map((r) => bytes({ ...answerBase(r), record: r, anchor })));
const disclosureBytes = mean(records.map((r, n) => bytes({ ...answerBase(r), disclosure: disclosures[n], anchor })));
const fieldBytes = mean(records.map((r) => bytes(r.fields)));
const disclosedValueBytes = mean(records.map((r) => bytes(TOBACCO_FIELDS.map((f) => r.fields[f]))));

const results = {
  generatedAt: new Date().toISOString(),
  node: process.version,
  cpus: `${cpus().length} × ${cpus()[0]?.model ?? "?"}`,
  memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
  records: COUNT,
  tasks: withRatio,
  answerBytes: {
    wholeRecord: wholeBytes,
    disclosureOf3Fields: disclosureBytes,
    ratio: Math.round((disclosureBytes / wholeBytes) * 1000) / 1000,
    fieldsOfRecord: fieldBytes,
    valuesDisclosed: disclosedValueBytes,
  },
};
await mkdir(join(here, "results"), { recursive: true });
await writeFile(join(here, "results", "disclosure.json"), `${JSON.stringify(results, null, 2)}\n`);
const md = [
  "# Disclosure: the cost of field-level proofs, and the bytes they save",
  "",
  `Generated ${results.generatedAt} by \`npm run bench:disclosure\` (\`bench/disclosure.ts\`), in one process with`,
  `tinybench, over ${COUNT} varied business licences of ~1 KB (bench/support/businessLicences.ts) as a gateway issues`,
  `them. Node ${results.node}, ${results.cpus}, ${results.memoryGiB} GiB. Each operation is the project's own code`,
  "(services/gateway/src/records/); the ratio is to hashing a format-1 record in the same run.",
  "",
  "| Operation | per second | mean µs | ratio to format 1 |",
  "| --- | ---: | ---: | ---: |",
  ...withRatio.map(
    (r) => `| ${r.name} | ${r.perSecond.toLocaleString("en")} | ${r.meanMicros} | ${r.ratioToFormat1} |`,
  ),
  "",
  "A peer answer for the tobacco retail licence's business licence (mean bytes of its JSON, anchor of 10 proof nodes):",
  "",
  "| Answer | bytes |",
  "| --- | ---: |",
  `| with the whole record (before) | ${wholeBytes.toLocaleString("en")} |`,
  `| with a disclosure of name, domicile, businessTermUntil (now) | ${disclosureBytes.toLocaleString("en")} |`,
  `| ratio | ${results.answerBytes.ratio} |`,
  "",
  `Of the record's ${fieldBytes} bytes of fields, ${disclosedValueBytes} bytes of values are disclosed; the rest of the`,
  "answer is the envelope and a salt and proof per field, the price of proving each field on its own.",
  "",
].join("\n");
await writeFile(join(here, "results", "disclosure.md"), md);
console.log(md);

// npm run capacity [-- --out <file>]: docs/CAPACITY.md, the capacity model, computed from our own measured figures (bench/results/*.json,
// the catalogue, the consortium's genesis) for a district of the report's size, for Beijing's 16 districts together,
// and for a national load. Each input names where it comes from; each assumption is said as one. Rerun it after a
// benchmark: the document follows the results.
import { readFileSync, writeFileSync } from "node:fs";
import type { Interface } from "ethers";
import { loadCatalogue } from "../lib/catalogue/loadCatalogue.ts";
import { DEFAULT_ACCESS_LOG_COMMIT_MS } from "../services/gateway/src/department.ts";
import { CredentialRecordRegistry__factory } from "../types/ethers-contracts/index.ts";
import { runCli } from "./lib/cli.ts";
import { projectRoot, seedsDir } from "./lib/paths.ts";

const read = (path: string) => JSON.parse(readFileSync(`${projectRoot}${path}`, "utf8"));

/** A figure and where it comes from. */
interface Input {
  value: number;
  unit: string;
  source: string;
}

/** What the report says of the district (source/000_9c91a95b43594256.txt), and what we assume beyond it. */
const DISTRICT = {
  approvalUnits: 44,
  matters: 1_638,
  townCentres: 16,
  villageStations: 319,
  /** Service evaluations a year: the report's proxy for how many services are delivered. */
  servicesPerYear: 1_120_000,
};
const ASSUMED = {
  /** Working days a year and hours a day in which services are delivered. */
  workingDays: 250,
  workingHours: 8,
  /** The busiest hour against the average working hour. */
  peakFactor: 3,
  /** Records revoked or superseded, of those issued. */
  revokedShare: 0.01,
  /** Gateways are sized to run at this share of their measured throughput at the peak. */
  headroom: 0.5,
  /** County-level divisions in China (区/县/县级市), for a national load of districts like this one. */
  nationalDistricts: 2_844,
  beijingDistricts: 16,
  /** Bytes a block header and its QBFT seals take on a Besu node, about (not measured here: Besu cannot run). */
  blockHeaderBytes: 700,
  /** A transaction's envelope beyond its calldata (type-2, signature, fields), and its receipt without logs, about. */
  transactionOverheadBytes: 120,
  receiptBytes: 60,
};

function inputs() {
  const gas = read("bench/results/gas.json");
  const gateway = read("bench/results/gateway.json");
  const index = read("bench/results/index.json");
  const genesis = read("networks/besu-qbft/genesis.json");
  const batchSize = gateway.details.setup.batchSize as number;
  return {
    anchorGas: { value: gas.ours.anchor, unit: "gas", source: "bench/results/gas.json ours.anchor" },
    batchTxGas: { value: gas.ours.maxBatchTxGas, unit: "gas", source: "bench/results/gas.json ours.maxBatchTxGas" },
    revokeGas: { value: gas.ours.revoke, unit: "gas", source: "bench/results/gas.json ours.revoke" },
    batchPerRecordGas: {
      value: gas.ours.batchPerRecord[String(batchSize)] ?? gas.ours.batchPerRecord["1024"],
      unit: "gas a record",
      source: `bench/results/gas.json ours.batchPerRecord[${batchSize}]`,
    },
    batchSize: { value: batchSize, unit: "records", source: "bench/results/gateway.json details.setup.batchSize" },
    batchWaitMs: {
      value: gateway.details.setup.anchoring.maxWaitMs,
      unit: "ms",
      source: "bench/results/gateway.json details.setup.anchoring.maxWaitMs (GATEWAY_BATCH_WAIT_MS)",
    },
    verifyRps: { value: gateway.verifyRps, unit: "verifications/s", source: "bench/results/gateway.json verifyRps" },
    issueRps: { value: gateway.issueRps, unit: "records/s", source: "bench/results/gateway.json issueRps" },
    recordBytes: {
      value: gateway.details.setup.meanRecordBytes,
      unit: "bytes",
      source: "bench/results/gateway.json details.setup.meanRecordBytes",
    },
    storeBytesPerRecord: {
      value: gateway.details.storage.bytesPerRecord,
      unit: "bytes on disk a record",
      source: "bench/results/gateway.json details.storage.bytesPerRecord",
    },
    gatewayRssMb: { value: gateway.rssMb, unit: "MB", source: "bench/results/gateway.json rssMb" },
    indexEventsPerSecond: {
      value: index.eventsPerSecond,
      unit: "events/s",
      source: "bench/results/index.json eventsPerSecond",
    },
    indexReadyS: {
      value: index.fresh.readyS,
      unit: "s",
      source: `bench/results/index.json fresh.readyS (${index.records} records)`,
    },
    blockGasLimit: { value: Number(genesis.gasLimit), unit: "gas", source: "networks/besu-qbft/genesis.json gasLimit" },
    blockPeriodS: {
      value: genesis.config.qbft.blockperiodseconds,
      unit: "s",
      source: "networks/besu-qbft/genesis.json config.qbft.blockperiodseconds",
    },
    commitEveryMs: {
      value: DEFAULT_ACCESS_LOG_COMMIT_MS,
      unit: "ms",
      source: "services/gateway/src/department.ts DEFAULT_ACCESS_LOG_COMMIT_MS",
    },
  } satisfies Record<string, Input>;
}

/** Bytes of a call's calldata and of its event's log (address, topics, data), from the registry's ABI: exact. */
const RECORDS_ABI: Interface = CredentialRecordRegistry__factory.createInterface();
const ZERO = `0x${"00".repeat(32)}`;
function callBytes(fn: string, args: unknown[]): number {
  return (RECORDS_ABI.encodeFunctionData(fn, args).length - 2) / 2;
}
function logBytes(event: string, args: unknown[]): number {
  const { data, topics } = RECORDS_ABI.encodeEventLog(event, args);
  return 20 + 32 * topics.length + (data.length - 2) / 2;
}
const SIZES = {
  /** A record anchored alone (a batch of one: the gateway calls anchor). */
  single: callBytes("anchor", [ZERO, ZERO, 0, 0, 0]) + logBytes("CredentialAnchored", [ZERO, ZERO, 0, 0, 0, 0]),
  batch: callBytes("anchorBatch", [ZERO, 1]) + logBytes("CredentialBatchAnchored", [ZERO, 0, 1]),
  revoke: callBytes("revokeRecord", [ZERO, 0]) + logBytes("CredentialRevoked", [ZERO, 0, 0]),
};

interface Load {
  name: string;
  districts: number;
}

function model(load: Load, inp: ReturnType<typeof inputs>, verificationsPerService: number, departments: number) {
  const services = DISTRICT.servicesPerYear * load.districts;
  const workingSeconds = ASSUMED.workingDays * ASSUMED.workingHours * 3_600;
  const recordsPerYear = services;
  const verificationsPerYear = services * verificationsPerService;
  const peakRecordsPerS = (recordsPerYear / workingSeconds) * ASSUMED.peakFactor;
  const peakVerificationsPerS = (verificationsPerYear / workingSeconds) * ASSUMED.peakFactor;
  const issuers = departments * load.districts;
  // A gateway sends a batch when it is full or when its oldest record has waited the batch wait: each issuer sends at
  // most one batch per wait while records come, each holding what came meanwhile (at least one).
  const perIssuerPerS = peakRecordsPerS / issuers;
  const recordsPerBatch = Math.min(inp.batchSize.value, Math.max(1, perIssuerPerS * (inp.batchWaitMs.value / 1000)));
  const averagePerIssuerPerS = recordsPerYear / workingSeconds / issuers;
  const averageRecordsPerBatch = Math.min(
    inp.batchSize.value,
    Math.max(1, averagePerIssuerPerS * (inp.batchWaitMs.value / 1000)),
  );
  // A batch of one is anchored alone (anchor), one event; a batch, one event for the root.
  const singles = averageRecordsPerBatch < 1.5;
  const anchorTxPerYear = recordsPerYear / averageRecordsPerBatch;
  const revocationTxPerYear = recordsPerYear * ASSUMED.revokedShare;
  // A department's gateway commits its access log once a period when the period brought new entries. Entries (one
  // a verification, at the issuer whose record was read) come as a Poisson process over the working hours.
  const periodS = inp.commitEveryMs.value / 1000;
  const periodsPerYear = workingSeconds / periodS;
  const entriesPerPeriod = verificationsPerYear / issuers / periodsPerYear;
  const commitTxPerYear = issuers * periodsPerYear * (1 - Math.exp(-entriesPerPeriod));
  const peakCommitTxPerS = (issuers / periodS) * (1 - Math.exp(-entriesPerPeriod * ASSUMED.peakFactor));
  const txPerYear = anchorTxPerYear + revocationTxPerYear + commitTxPerYear;
  const txPerDay = txPerYear / ASSUMED.workingDays;
  const anchorGas = singles ? inp.anchorGas.value : inp.batchTxGas.value;
  const peakAnchorTxPerS = peakRecordsPerS / recordsPerBatch;
  const peakRevokeTxPerS = peakRecordsPerS * ASSUMED.revokedShare;
  const peakTxPerS = peakAnchorTxPerS + peakRevokeTxPerS + peakCommitTxPerS;
  // An access-log commitment is one root and a range, about a batch's gas (not measured apart).
  const commitGas = inp.batchTxGas.value;
  const gasPerYear =
    anchorTxPerYear * anchorGas + revocationTxPerYear * inp.revokeGas.value + commitTxPerYear * commitGas;
  const peakGasPerS =
    peakAnchorTxPerS * anchorGas + peakRevokeTxPerS * inp.revokeGas.value + peakCommitTxPerS * commitGas;
  const blocksPerYear = (365 * 86_400) / inp.blockPeriodS.value;
  const perTx = ASSUMED.transactionOverheadBytes + ASSUMED.receiptBytes;
  const chainBytesPerYear =
    anchorTxPerYear * ((singles ? SIZES.single : SIZES.batch) + perTx) +
    revocationTxPerYear * (SIZES.revoke + perTx) +
    commitTxPerYear * (SIZES.batch + perTx) +
    blocksPerYear * ASSUMED.blockHeaderBytes;
  const chainGasPerS = inp.blockGasLimit.value / inp.blockPeriodS.value;
  const verifyGateways = Math.ceil(peakVerificationsPerS / (inp.verifyRps.value * ASSUMED.headroom));
  const issueGateways = Math.ceil(peakRecordsPerS / (inp.issueRps.value * ASSUMED.headroom));
  return {
    load,
    recordsPerYear,
    verificationsPerYear,
    peakRecordsPerS,
    peakVerificationsPerS,
    issuers,
    recordsPerBatch,
    averageRecordsPerBatch,
    txPerDay,
    peakTxPerS,
    gasPerYear,
    chainBytesPerYear,
    chainShareAtPeak: peakGasPerS / chainGasPerS,
    gatewayMachines: Math.max(issuers, verifyGateways, issueGateways),
    verifyGateways,
    issueGateways,
    // What the index follows: the record registry's events (not the access log's). A revoked batched record is
    // registered and revoked, two events; a single one, revoked, one.
    indexEventsPerYear: anchorTxPerYear + (singles ? 1 : 2) * revocationTxPerYear,
    commitShare: commitTxPerYear / txPerYear,
    entriesPerPeriod,
    storeBytesPerIssuerPerYear: (recordsPerYear / issuers) * inp.storeBytesPerRecord.value,
    storeBytesPerYear: recordsPerYear * inp.storeBytesPerRecord.value,
  };
}

const n = (value: number, digits = 0) =>
  value.toLocaleString("en", { maximumFractionDigits: digits, minimumFractionDigits: 0 });
const gb = (bytes: number) => `${n(bytes / 1e9, 2)} GB`;

runCli(async () => {
  const catalogue = await loadCatalogue(seedsDir);
  const inp = inputs();
  // What one service asks of the chain's records: a scenario's materials, each verified once (the catalogue's mean).
  const materials = catalogue.scenarios.map((s) => new Set(s.matters.flatMap((m) => m.materials)).size);
  const verificationsPerService = materials.reduce((a, b) => a + b, 0) / materials.length;
  const departments = DISTRICT.approvalUnits;
  const loads: Load[] = [
    { name: "One district (the report's)", districts: 1 },
    { name: "Beijing's 16 districts", districts: ASSUMED.beijingDistricts },
    { name: "National: every county-level division", districts: ASSUMED.nationalDistricts },
  ];
  const rows = loads.map((load) => model(load, inp, verificationsPerService, departments));
  // Where batches must grow, and where one chain no longer does: the load at which the busiest hour fills the chain.
  const chainGasPerS = inp.blockGasLimit.value / inp.blockPeriodS.value;
  const fullBatchTxPerS = chainGasPerS / inp.batchTxGas.value;
  const recordsPerSAtFullBatches = fullBatchTxPerS * inp.batchSize.value;

  const inputRows = Object.entries(inp)
    .map(([name, i]) => `| ${name} | ${n(i.value, 2)} ${i.unit} | \`${i.source}\` |`)
    .join("\n");
  const table = (label: string, pick: (r: (typeof rows)[number]) => string) =>
    `| ${label} | ${rows.map(pick).join(" | ")} |`;
  const doc = `# Capacity: what a district, Beijing and a national load need

Generated by \`npm run capacity\` (\`scripts/capacity.ts\`) from the measured figures below; rerun it after a benchmark.
Every input names the result it comes from; every assumption is listed as one. The benchmarks ran on one 2-core,
24 GiB machine, against anvil: the chain's own throughput on Besu is not measured here (Besu cannot run on it), so the
chain's side is bounded by gas (the consortium genesis's block gas limit and period), not by a measured rate.

## Inputs, measured

| Input | Value | From |
| --- | --- | --- |
${inputRows}
| verifications a service asks | ${n(verificationsPerService, 2)} | the catalogue's scenarios (\`seeds/scenarios/\`): the mean number of distinct materials a scenario needs, ${catalogue.scenarios.length} scenarios |

## The district, from the report

${DISTRICT.approvalUnits} approval units (each an issuing department with its own gateway), ${n(DISTRICT.matters)} matters in
the district centre, ${DISTRICT.townCentres} town centres, ${DISTRICT.villageStations} village service stations, and about
${n(DISTRICT.servicesPerYear)} service evaluations a year, taken as the number of services delivered (each issuing one
record and verifying the materials its scenario needs).

## Assumptions

| Assumption | Value |
| --- | --- |
| Working days a year, hours a day | ${ASSUMED.workingDays}, ${ASSUMED.workingHours} |
| The busiest hour against the average working hour | × ${ASSUMED.peakFactor} |
| Records revoked or superseded | ${ASSUMED.revokedShare * 100}% |
| Gateways sized to run at, of their measured throughput | ${ASSUMED.headroom * 100}% |
| Districts: Beijing, national (county-level divisions) | ${ASSUMED.beijingDistricts}, ${n(ASSUMED.nationalDistricts)} |
| Bytes of a block header with its QBFT seals; of a transaction's envelope; of a receipt without logs | ${ASSUMED.blockHeaderBytes}; ${ASSUMED.transactionOverheadBytes}; ${ASSUMED.receiptBytes} (about). The calldata and the log are exact, from the ABI: ${SIZES.single} bytes for a record anchored alone, ${SIZES.batch} for a batch, ${SIZES.revoke} for a revocation |
| Access-log entries | one a verification, at the issuer whose record was read, coming as a Poisson process over the working hours |
| Access-log commitments | one a period (\`GATEWAY_ACCESS_LOG_COMMIT_MS\`, ${n(inp.commitEveryMs.value / 1000)} s) per department when the period brought an entry; about a batch's gas and bytes each (not measured apart) |

## The model

| | ${rows.map((r) => r.load.name).join(" | ")} |
| --- | ${rows.map(() => "---").join(" | ")} |
${table("Records a year", (r) => n(r.recordsPerYear))}
${table("Verifications a year", (r) => n(r.verificationsPerYear))}
${table("Records a second, busiest hour", (r) => n(r.peakRecordsPerS, 2))}
${table("Verifications a second, busiest hour", (r) => n(r.peakVerificationsPerS, 2))}
${table("Issuing departments (a gateway each)", (r) => n(r.issuers))}
${table("Records a batch: average hour / busiest hour", (r) => `${n(r.averageRecordsPerBatch, 2)} / ${n(r.recordsPerBatch, 2)}`)}
${table("Access-log entries a department's period brings, average", (r) => n(r.entriesPerPeriod, 2))}
${table("Share of the transactions that are access-log commitments", (r) => `${n(r.commitShare * 100, 1)}%`)}
${table("Transactions a working day (anchoring, revocations, access-log commitments)", (r) => n(r.txPerDay))}
${table("Transactions a second, busiest hour", (r) => n(r.peakTxPerS, 1))}
${table("Gas a year", (r) => n(r.gasPerYear))}
${table("Gateways' databases a year: one department's / all", (r) => `${gb(r.storeBytesPerIssuerPerYear)} / ${gb(r.storeBytesPerYear)}`)}
${table("Chain growth a year (transactions and blocks)", (r) => gb(r.chainBytesPerYear))}
${table("Share of the chain's gas, busiest hour", (r) => `${n(r.chainShareAtPeak * 100, 4)}%`)}
${table("Gateway machines (2 cores): for verification / for issuance / needed", (r) => `${n(r.verifyGateways)} / ${n(r.issueGateways)} / ${n(r.gatewayMachines)}`)}
${table("Events a joining gateway indexes, per year of history", (r) => n(r.indexEventsPerYear))}
${table("… at the measured index rate", (r) => `${n(r.indexEventsPerYear / inp.indexEventsPerSecond.value, 1)} s`)}

- **Gateways.** The gateway machines needed are one per issuing department, a department's gateway being its own.
  Verification and issuance at the busiest hour would need far fewer: a 2-core gateway verified
  ${n(inp.verifyRps.value)} a second and accepted ${n(inp.issueRps.value)} records a second in \`bench:gateway\`.
- **Batches.** At the report's volume, a department's gateway holds few records in a batch. It anchors what came in
  the batch wait (${n(inp.batchWaitMs.value)} ms), so most transactions anchor one record or a handful. The chain's
  transactions follow the number of departments and the wait, more than the number of records.
  \`GATEWAY_BATCH_WAIT_MS\` trades anchoring delay for fewer transactions.
- **Chain growth.** At a block every ${inp.blockPeriodS.value} s, the blocks alone are
  ${gb(((365 * 86_400) / inp.blockPeriodS.value) * ASSUMED.blockHeaderBytes)} a year, whatever the load: they dominate a
  district's chain. Besu can make empty blocks less often (\`xemptyblockperiodseconds\` in the QBFT genesis), which
  this genesis does not set.
- **Where batches must grow, and where one chain no longer does.** The consortium's blocks hold
  ${n(inp.blockGasLimit.value)} gas every ${inp.blockPeriodS.value} s: ${n(fullBatchTxPerS)} anchoring transactions a
  second. With batches of ${n(inp.batchSize.value)}, that is ${n(recordsPerSAtFullBatches)} records a second.
  - Even the national load's busiest hour uses ${n((rows[2]?.chainShareAtPeak ?? 0) * 100, 2)}% of that gas: batches
    need not grow for gas.
  - What limits one chain first is the rate at which the validators execute and agree on transactions. That rate is
    not measured here; measure it on the consortium's own validators before relying on this row.
  - The national load's busiest hour asks ${n(rows[2]?.peakTxPerS ?? 0, 1)} a second. Batches must grow, through a
    longer batch wait, when that passes what the validators sustain. The chain must be split (one per province, each
    with its own registries) when even full batches would not fit.
`;
  // --out <file>: elsewhere (the test that the committed document is what the results make).
  const outAt = process.argv.indexOf("--out");
  const out = outAt > 0 ? (process.argv[outAt + 1] ?? "") : `${projectRoot}docs/CAPACITY.md`;
  writeFileSync(out, doc);
  console.log(`wrote ${out} (${rows.length} loads, ${Object.keys(inp).length} measured inputs)`);
});

// Gateway benchmark: verification and issuance throughput of one gateway process, its anchoring lag, exactly-once
// anchoring and its memory, against a bare express baseline, on this machine, in one run.
// Writes bench/results/gateway.json and bench/results/gateway.md; exits non-zero when a target is missed.
//
// Processes: this one (orchestration and the autocannon load generator), the anvil chain node (as `npm start` runs
// it), and the server under test in a child process of its own (bench/support/gatewayProcess.ts): the gateway, or
// the bare express baseline, so that each server's CPU and RSS are its own and they are measured alike.
import { type ChildProcess, fork } from "node:child_process";
import { mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { availableParallelism, cpus, loadavg, tmpdir, totalmem } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import autocannon, { type Result } from "autocannon";
import { Wallet } from "ethers";
import { loadCatalogue } from "../lib/catalogue/loadCatalogue.ts";
import { ensureDeployment } from "../lib/chain/deploymentStore.ts";
import { loadOrCreateDevKeys } from "../lib/chain/devKeys.ts";
import { receiptOf } from "../lib/chain/receipt.ts";
import { connectRegistries } from "../lib/chain/registries.ts";
import type { Hex32 } from "../lib/encoding/canonical.ts";
import { recordTree } from "../lib/encoding/recordLeaf.ts";
import { connectProvider } from "../scripts/lib/chainConnection.ts";
import { devDepartmentSigners } from "../scripts/lib/devDepartments.ts";
import { startLocalChain } from "../scripts/lib/localChain.ts";
import { operatorSigner } from "../scripts/lib/operatorSigner.ts";
import { seedsDir } from "../scripts/lib/paths.ts";
import { seedCatalogue } from "../scripts/lib/seed/seedCatalogue.ts";
import { GATEWAY_NODE_FLAGS } from "../services/gateway/src/nodeFlags.ts";
import { anchorOf, type CanonicalRecord, recordHashOf } from "../services/gateway/src/records/canonicalRecord.ts";
import { discloseFields } from "../services/gateway/src/records/disclosure.ts";
import { businessLicence } from "./support/businessLicences.ts";
import type { CheckReport, ChildConfig, LagReport, MemoryReport, Ready, SeedReport } from "./support/gatewayProcess.ts";
import { cpuSecondsOf, freePort } from "./support/processes.ts";

const here = dirname(fileURLToPath(import.meta.url));
const resultsDir = join(here, "results");
const childScript = join(here, "support", "gatewayProcess.ts");

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
/** Knobs for quicker runs while profiling; the defaults are the benchmark. */
const RECORDS = env("BENCH_RECORDS", 100_000);
const BATCH_SIZE = 1024;
const MAX_WAIT_MS = 1000;
const CONNECTIONS = 50;
const WARMUP_S = env("BENCH_WARMUP_S", 3);
const VERIFY_S = env("BENCH_VERIFY_S", 20);
const ISSUE_S = env("BENCH_ISSUE_S", 15);
const ISSUE_WARMUP_S = 2;
const SEED_CONCURRENCY = 64;

/** The records of the format comparison: format 1, format 2 whole and format 2 disclosed, the same records each. */
const COMPARED = env("BENCH_COMPARED_RECORDS", 4096);
/** The fields the tobacco retail licence's matter names of the business licence (seeds), as a peer answer holds them. */
const TOBACCO_FIELDS = ["name", "domicile", "businessTermUntil"];

const ISSUER = "market-regulation";
const VERIFIER = "tax";

const TARGETS = {
  verifyRatio: 0.25,
  verifyP99Ms: 20,
  issueRps: 2000,
  rssMb: 300,
};

interface Child {
  ready: Ready;
  pid: number;
  call<T>(cmd: string, args?: unknown, timeoutMs?: number): Promise<T>;
  close(): Promise<void>;
}

/**
 * Starts bench/support/gatewayProcess.ts under tsx, as the project's scripts run TypeScript, with `--expose-gc` (for
 * the memory readings); its output goes to `log`. Gateway and baseline are started the same way.
 */
function startChild(config: ChildConfig, log: string): Promise<Child> {
  const fd = openSync(log, "a");
  const child: ChildProcess = fork(childScript, [], {
    // BENCH_NODE_ARGS: extra Node flags for the servers while profiling, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof".
    execArgv: [
      "--import",
      "tsx",
      "--expose-gc",
      // The gateway runs with the flags `npm start` gives it; the baseline with Node's defaults.
      ...(config.mode === "gateway" ? GATEWAY_NODE_FLAGS : []),
      ...(process.env.BENCH_NODE_ARGS?.split(" ").filter(Boolean) ?? []),
    ],
    env: { ...process.env, BENCH_GATEWAY_CONFIG: JSON.stringify(config) },
    stdio: ["ignore", fd, fd, "ipc"],
  });
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let nextId = 1;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return new Promise((resolve, reject) => {
    const startTimer = setTimeout(
      () => reject(new Error(`the ${config.mode} process did not start; see ${log}`)),
      120_000,
    );
    child.once("exit", (code) => {
      const error = new Error(`the ${config.mode} process exited (code ${code}); see ${log}`);
      reject(error);
      for (const p of pending.values()) p.reject(error);
    });
    child.on("message", (message: Ready | { id: number; result?: unknown; error?: string }) => {
      if ("type" in message && message.type === "ready") {
        clearTimeout(startTimer);
        resolve({
          ready: message,
          pid: child.pid ?? 0,
          call<T>(cmd: string, args?: unknown, timeoutMs = 60_000) {
            const id = nextId++;
            return new Promise<T>((res, rej) => {
              const timer = setTimeout(() => {
                pending.delete(id);
                rej(new Error(`${cmd} got no answer within ${timeoutMs / 1000} s; see ${log}`));
              }, timeoutMs);
              pending.set(id, {
                resolve: (v) => {
                  clearTimeout(timer);
                  res(v as T);
                },
                reject: (e) => {
                  clearTimeout(timer);
                  rej(e);
                },
              });
              child.send({ id, cmd, args });
            });
          },
          async close() {
            if (child.exitCode !== null) return;
            child.send({ id: 0, cmd: "close" });
            const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
            await exited;
            clearTimeout(timer);
          },
        });
        return;
      }
      if ("id" in message) {
        const p = pending.get(message.id);
        pending.delete(message.id);
        if (message.error !== undefined) p?.reject(new Error(message.error));
        else p?.resolve(message.result);
      }
    });
  });
}

/** CPU time per request of the server under test and of this process (the load generator) over one run. */
interface CpuPerRequest {
  serverUs: number;
  loadGeneratorUs: number;
}

/** Runs `run` and measures the CPU the server (`pid`) and this process spent on each of its requests. */
async function withCpu(pid: number, run: () => Promise<Result>): Promise<{ result: Result; cpu: CpuPerRequest }> {
  const server = cpuSecondsOf(pid);
  const own = process.cpuUsage();
  const result = await run();
  const ownUsed = process.cpuUsage(own);
  const n = Math.max(1, result.requests.total);
  return {
    result,
    cpu: {
      serverUs: round(((cpuSecondsOf(pid) - server) * 1e6) / n),
      loadGeneratorUs: round((ownUsed.user + ownUsed.system) / n),
    },
  };
}

interface Load {
  url: string;
  token: string;
  seconds: number;
  body: () => Buffer | string;
  onResponse?: (status: number, body: string) => void;
}

/** One autocannon run: CONNECTIONS keep-alive connections, no pipelining, each request built by `body()`. */
function load({ url, token, seconds, body, onResponse }: Load): Promise<Result> {
  return autocannon({
    url,
    connections: CONNECTIONS,
    pipelining: 1,
    duration: seconds,
    timeout: 10,
    requests: [
      {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
        setupRequest: (request) => ({ ...request, body: body() }),
        ...(onResponse ? { onResponse } : {}),
      },
    ],
  });
}

const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;
const fmt = (n: number, digits = 0) => n.toLocaleString("en-US", { maximumFractionDigits: digits });
const rpsOf = (r: Result) => r.requests.average;
const summary = (r: Result) => ({
  rps: round(rpsOf(r)),
  requests: r.requests.total,
  latencyP50Ms: r.latency.p50,
  latencyP99Ms: r.latency.p99,
  latencyMaxMs: r.latency.max,
  non2xx: r.non2xx,
  errors: r.errors,
  timeouts: r.timeouts,
});

function log(message: string): void {
  console.log(`[${new Date().toISOString().slice(11, 19)}] ${message}`);
}

/** One verify run: a random one of the seeded records, with its batch root and proof, in every request. */
async function verifyLoad(pid: number, url: string, token: string, seconds: number, body: () => Buffer) {
  let notValid = 0;
  await load({ url, token, seconds: WARMUP_S, body });
  const { result, cpu } = await withCpu(pid, () =>
    load({
      url,
      token,
      seconds,
      body,
      onResponse: (status, text) => {
        if (status !== 200 || !text.startsWith('{"status":"valid"')) notValid++;
      },
    }),
  );
  return { result, cpu, notValid };
}

const COMPARED_RUNS = ["format 1, whole record", "format 2, whole record", "format 2, disclosure of 3 fields"] as const;
type ComparedRun = (typeof COMPARED_RUNS)[number];

const meanBytes = (buffers: readonly Buffer[]) => buffers.reduce((sum, b) => sum + b.length, 0) / buffers.length;

/**
 * The bodies of the format comparison, from the first COMPARED seeded records: each as a gateway before format 2
 * issued it (format 1, hashed whole, SPEC §3.1), anchored here in batches of BATCH_SIZE with the issuer's own key
 * (the seeding gateway has stopped, so nothing else sends from it); as format 2 whole, as seeded; and as a
 * disclosure of the tobacco retail licence's fields. With the mean bytes of a peer answer's record part before (the
 * whole record) and now (the disclosure).
 */
async function comparedBodies(
  rpcUrl: string,
  dataDir: string,
  deployment: Parameters<typeof connectRegistries>[0],
  seeded: readonly Buffer[],
) {
  type Seeded = { record: CanonicalRecord; anchor: { batchRoot: Hex32; proof: Hex32[] } };
  const records = seeded.slice(0, COMPARED).map((line) => JSON.parse(line.toString()) as Seeded);
  const provider = await connectProvider(rpcUrl);
  const key = loadOrCreateDevKeys(dataDir, [ISSUER]).departments[ISSUER] as string;
  const signer = new Wallet(key, provider);
  const registries = connectRegistries(deployment, signer);
  const formatOne: Buffer[] = [];
  const roots: Hex32[] = [];
  for (let at = 0; at < records.length; at += BATCH_SIZE) {
    const chunk = records
      .slice(at, at + BATCH_SIZE)
      .map(({ record }) => ({ ...record, format: "oncechain-record/1" as const }));
    const tree = recordTree(chunk.map((record) => anchorOf(record, recordHashOf(record))));
    // Not tx.wait(): on a chain that mines only on demand it can wait for a block that never comes (receipt.ts).
    await receiptOf(await registries.records.anchorBatch(tree.root, chunk.length));
    roots.push(tree.root);
    chunk.forEach((record, i) => {
      formatOne.push(Buffer.from(JSON.stringify({ record, anchor: { batchRoot: tree.root, proof: tree.proof(i) } })));
    });
  }
  provider.destroy();
  const disclosures = records.map(({ record, anchor }) => discloseFields(record, TOBACCO_FIELDS, anchor));
  const bytes = (values: readonly unknown[]) =>
    Math.round(meanBytes(values.map((v) => Buffer.from(JSON.stringify(v)))));
  return {
    records: records.length,
    batches: roots.length,
    roots,
    bodies: {
      "format 1, whole record": formatOne,
      "format 2, whole record": seeded.slice(0, COMPARED) as Buffer[],
      "format 2, disclosure of 3 fields": disclosures.map((disclosure) => Buffer.from(JSON.stringify({ disclosure }))),
    } satisfies Record<ComparedRun, Buffer[]>,
    peerAnswerBytes: {
      wholeRecord: bytes(records.map(({ record }) => record)),
      disclosure: bytes(disclosures),
    },
  };
}

/** The bytes of every file under `dir`. */
function directoryBytes(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) total += statSync(join(entry.parentPath, entry.name)).size;
  }
  return total;
}

async function main() {
  const started = Date.now();
  const dataDir = mkdtempSync(join(tmpdir(), "oncechain-bench-gateway-"));
  const children: Child[] = [];
  const chain = await startLocalChain({ dataDir, port: await freePort() });
  try {
    // --- the chain: anvil, registries deployed and the catalogue seeded exactly as `npm start` does ------------
    const provider = await connectProvider(chain.rpcUrl);
    const chainClient = String(await provider.send("web3_clientVersion", []));
    const catalogue = await loadCatalogue(seedsDir);
    const codes = catalogue.departments.map((d) => d.code);
    const operator = await operatorSigner(provider, dataDir, codes);
    const { record: deployment } = await ensureDeployment(provider, operator.signer, dataDir, { sameChainOnly: true });
    const signers = await devDepartmentSigners(provider, dataDir, codes);
    await seedCatalogue(catalogue, connectRegistries(deployment, operator.signer), { update: false, signers });
    provider.destroy();
    log(`${chainClient} at ${chain.rpcUrl}: registries deployed, catalogue seeded`);

    const gatewayConfig: ChildConfig = {
      mode: "gateway",
      rpcUrl: chain.rpcUrl,
      dataDir,
      issuer: ISSUER,
      verifier: VERIFIER,
      batchSize: BATCH_SIZE,
      maxWaitMs: MAX_WAIT_MS,
    };

    // --- 100,000 anchored records, issued in a gateway process of their own ------------------------------------
    const seeder = await startChild(gatewayConfig, join(dataDir, "seed.log"));
    children.push(seeder);
    const bodiesFile = join(dataDir, "verify-bodies.ndjson");
    const seed = await seeder.call<SeedReport>(
      "seed",
      { count: RECORDS, concurrency: SEED_CONCURRENCY, out: bodiesFile },
      300_000,
    );
    await seeder.close();
    log(
      `seeded ${fmt(seed.issued)} records (${fmt(seed.meanRecordBytes)} B each) in ${fmt(seed.issueSeconds, 1)} s, ` +
        `anchored in ${seed.batches} batches (${fmt(seed.anchorSeconds, 1)} s after the last was issued)`,
    );
    const bodies = readFileSync(bodiesFile, "utf8")
      .split("\n")
      .filter((line) => line.length > 0)
      .map((line) => Buffer.from(line));
    const meanBodyBytes = meanBytes(bodies);
    const randomBody = () => bodies[Math.floor(Math.random() * bodies.length)] as Buffer;
    const compared = await comparedBodies(chain.rpcUrl, dataDir, deployment, bodies);
    log(`format comparison: ${fmt(compared.records)} format-1 records anchored in ${compared.batches} batches`);

    // --- baseline: bare express 5, same client, same requests ---------------------------------------------------
    const base = await startChild({ mode: "baseline" }, join(dataDir, "baseline.log"));
    children.push(base);
    const baselineUrl = `${base.ready.url}/departments/${VERIFIER}/verify`;
    // A token of the shape and length of the gateway's (oc_<department>_<12 hex>_<32 base64url>), for equal requests.
    const baselineToken = `oc_${VERIFIER}_${"0".repeat(12)}_${"A".repeat(32)}`;
    await load({ url: baselineUrl, token: baselineToken, seconds: WARMUP_S, body: randomBody });
    const { result: baseline, cpu: baselineCpu } = await withCpu(base.pid, () =>
      load({ url: baselineUrl, token: baselineToken, seconds: VERIFY_S, body: randomBody }),
    );
    await base.close();
    log(`baseline: ${fmt(rpsOf(baseline))} req/s, p99 ${baseline.latency.p99} ms`);

    // --- the gateway under test: a fresh process on the seeded data, run as `npm start` runs it ------------------
    const gw = await startChild(gatewayConfig, join(dataDir, "gateway.log"));
    children.push(gw);
    const tokens = gw.ready.tokens ?? { issuer: "", verifier: "" };
    const memoryAtStart = await gw.call<MemoryReport>("memory", { lastResort: false });
    const {
      result: verify,
      cpu: verifyCpu,
      notValid,
    } = await verifyLoad(
      gw.pid,
      `${gw.ready.url}/departments/${VERIFIER}/verify`,
      tokens.verifier,
      VERIFY_S,
      randomBody,
    );
    const memoryAfterVerify = await gw.call<MemoryReport>("memory", { lastResort: true });
    log(`verify: ${fmt(rpsOf(verify))} req/s, p99 ${verify.latency.p99} ms, ${notValid} not valid`);
    // The same records three ways, one run each: as format 1 whole, as format 2 whole, as a disclosure of 3 fields.
    const formats: Record<ComparedRun, Summary & { cpu: CpuPerRequest; notValid: number; meanBodyBytes: number }> =
      {} as never;
    for (const run of COMPARED_RUNS) {
      const runBodies = compared.bodies[run];
      const {
        result,
        cpu,
        notValid: off,
      } = await verifyLoad(
        gw.pid,
        `${gw.ready.url}/departments/${VERIFIER}/verify`,
        tokens.verifier,
        VERIFY_S,
        () => runBodies[Math.floor(Math.random() * runBodies.length)] as Buffer,
      );
      formats[run] = { ...summary(result), cpu, notValid: off, meanBodyBytes: Math.round(meanBytes(runBodies)) };
      log(`verify ${run}: ${fmt(rpsOf(result))} req/s, p99 ${result.latency.p99} ms, ${off} not valid`);
    }

    // --- issue: new records over HTTP with batching on; then every accepted one anchored exactly once -----------
    const issueUrl = `${gw.ready.url}/departments/${ISSUER}/records`;
    let n = RECORDS;
    const accepted: Hex32[] = [];
    let refused = 0;
    const collect = (status: number, body: string) => {
      const match = status === 202 ? /^\{"recordHash":"(0x[0-9a-f]{64})"/.exec(body) : null;
      if (match) accepted.push(match[1] as Hex32);
      else refused++;
    };
    const issueBody = () => JSON.stringify(businessLicence(n++));
    await load({ url: issueUrl, token: tokens.issuer, seconds: ISSUE_WARMUP_S, body: issueBody, onResponse: collect });
    const acceptedBefore = accepted.length;
    const issueStarted = Date.now();
    const { result: issue, cpu: issueCpu } = await withCpu(gw.pid, () =>
      load({ url: issueUrl, token: tokens.issuer, seconds: ISSUE_S, body: issueBody, onResponse: collect }),
    );
    const issueEnded = Date.now();
    const acceptedInRun = accepted.length - acceptedBefore;
    const memoryAfterIssue = await gw.call<MemoryReport>("memory", { lastResort: true });
    const check = await gw.call<CheckReport>(
      "check",
      { hashes: accepted, timeoutMs: 60_000, foreignRoots: compared.roots },
      240_000,
    );
    const lag = await gw.call<LagReport>("lags", { from: issueStarted, to: issueEnded });
    await gw.close();
    // What the issuer's databases take on disk once closed (LevelDB's files, every record with its index entries).
    const storeBytes = directoryBytes(join(dataDir, "gateway", ISSUER));
    const storage = {
      bytes: storeBytes,
      records: check.storedRecords,
      bytesPerRecord: Math.round(storeBytes / Math.max(1, check.storedRecords)),
    };
    log(`issue: ${fmt(rpsOf(issue))} req/s, ${fmt(accepted.length)} accepted, lag p99 ${fmt(lag.p99Ms)} ms`);

    const anchoredExactlyOnce =
      check.outboxLeft === 0 &&
      check.storedAnchored === check.storedRecords &&
      check.chainRecords === check.storedRecords &&
      check.distinctChainRoots === check.chainBatches &&
      check.rootMismatches === 0 &&
      check.acceptedMissing === 0 &&
      check.acceptedValid === accepted.length &&
      refused === 0;

    // --- results --------------------------------------------------------------------------------------------------
    const verifyRps = round(rpsOf(verify));
    const baselineRps = round(rpsOf(baseline));
    const verifyRatio = round(verifyRps / baselineRps, 3);
    const issueRps = round(rpsOf(issue));
    const rssMb = round(memoryAfterVerify.rssMb);
    const formatOneRps = formats["format 1, whole record"].rps;
    const formatComparison = {
      records: compared.records,
      batches: compared.batches,
      fields: TOBACCO_FIELDS,
      runs: formats,
      ratioToFormat1: Object.fromEntries(
        COMPARED_RUNS.map((run) => [run, round(formats[run].rps / formatOneRps, 3)]),
      ) as Record<ComparedRun, number>,
      peerAnswerBytes: compared.peerAnswerBytes,
    };
    const results = {
      verifyRps,
      verifyP99Ms: verify.latency.p99,
      baselineRps,
      verifyRatio,
      issueRps,
      anchorLagP99Ms: round(lag.p99Ms),
      anchoredExactlyOnce,
      rssMb,
      rssAfterLastResortGcMb: round(memoryAfterVerify.rssAfterLastResortGcMb ?? Number.NaN),
      details: {
        setup: {
          records: seed.issued,
          credentialType: "business-licence",
          issuer: ISSUER,
          verifier: VERIFIER,
          meanRecordBytes: Math.round(seed.meanRecordBytes),
          meanVerifyBodyBytes: Math.round(meanBodyBytes),
          batchSize: BATCH_SIZE,
          batches: seed.batches,
          seedIssueSeconds: round(seed.issueSeconds),
          seedAnchorSeconds: round(seed.anchorSeconds),
          connections: CONNECTIONS,
          warmupSeconds: WARMUP_S,
          verifySeconds: VERIFY_S,
          issueWarmupSeconds: ISSUE_WARMUP_S,
          issueSeconds: ISSUE_S,
          anchoring: { batchSize: BATCH_SIZE, maxWaitMs: MAX_WAIT_MS, pollMs: 100 },
          loadGenerator: "autocannon, in the benchmark's own process",
          gatewayNodeFlags: [...GATEWAY_NODE_FLAGS],
          chain: `${chainClient}, automine, its own process`,
        },
        verify: { ...summary(verify), cpu: verifyCpu, notValid },
        formatComparison,
        baseline: { ...summary(baseline), cpu: baselineCpu },
        issue: { ...summary(issue), cpu: issueCpu, acceptedInRun, acceptedWithWarmup: accepted.length, refused },
        anchorLag: lag,
        exactlyOnce: check,
        storage,
        memory: {
          atStart: memoryAtStart,
          afterVerify: memoryAfterVerify,
          afterIssue: memoryAfterIssue,
        },
        environment: {
          node: process.version,
          cpus: availableParallelism(),
          cpuModel: cpus()[0]?.model ?? "unknown",
          memoryGb: round(totalmem() / 1024 ** 3),
          loadAverageAtEnd: loadavg().map((l) => round(l, 2)),
        },
        totalSeconds: round((Date.now() - started) / 1000),
      },
    };

    const targets = [
      {
        name: `verifyRatio >= ${TARGETS.verifyRatio}`,
        value: `${verifyRatio} (${fmt(verifyRps)} / ${fmt(baselineRps)})`,
        pass: verifyRatio >= TARGETS.verifyRatio,
      },
      {
        name: `verifyP99Ms <= ${TARGETS.verifyP99Ms}`,
        value: `${verify.latency.p99} ms`,
        pass: verify.latency.p99 <= TARGETS.verifyP99Ms,
      },
      {
        name: "every verification answered valid",
        value: `${fmt(notValid)} not valid, ${verify.errors} errors`,
        pass: notValid === 0 && verify.errors === 0 && verify.non2xx === 0,
      },
      {
        name: "every verification of the format comparison answered valid",
        value: COMPARED_RUNS.map((run) => `${run}: ${fmt(formats[run].notValid)} not valid`).join("; "),
        pass: COMPARED_RUNS.every((run) => formats[run].notValid === 0 && formats[run].errors === 0),
      },
      { name: `issueRps >= ${fmt(TARGETS.issueRps)}`, value: fmt(issueRps), pass: issueRps >= TARGETS.issueRps },
      {
        name: "every accepted record anchored exactly once",
        value: `${fmt(check.acceptedValid)}/${fmt(accepted.length)} valid; on chain ${fmt(check.chainRecords)} = stored ${fmt(check.storedRecords)}`,
        pass: anchoredExactlyOnce,
      },
      { name: `rssMb <= ${TARGETS.rssMb}`, value: `${fmt(rssMb, 1)} MiB`, pass: rssMb <= TARGETS.rssMb },
    ];

    await mkdir(resultsDir, { recursive: true });
    await writeFile(join(resultsDir, "gateway.json"), `${JSON.stringify(results, null, 2)}\n`);
    await writeFile(join(resultsDir, "gateway.md"), markdown(results, targets));
    console.log(JSON.stringify(results, null, 2));
    for (const t of targets) console.log(`${t.pass ? "PASS" : "FAIL"}  ${t.name}: ${t.value}`);
    console.log(`wrote ${join(resultsDir, "gateway.json")} and gateway.md in ${fmt(results.details.totalSeconds)} s`);
    if (targets.some((t) => !t.pass)) process.exitCode = 1;
  } finally {
    for (const child of children) await child.close().catch(() => undefined);
    await chain.stop();
    if (process.env.BENCH_KEEP_DATA) console.log(`data kept in ${dataDir}`);
    else rmSync(dataDir, { recursive: true, force: true });
  }
}

type Summary = ReturnType<typeof summary>;

interface Results {
  verifyRps: number;
  verifyP99Ms: number;
  baselineRps: number;
  verifyRatio: number;
  issueRps: number;
  anchorLagP99Ms: number;
  anchoredExactlyOnce: boolean;
  rssMb: number;
  rssAfterLastResortGcMb: number;
  details: {
    setup: Record<string, unknown> & {
      records: number;
      meanRecordBytes: number;
      meanVerifyBodyBytes: number;
      batchSize: number;
      batches: number;
      seedIssueSeconds: number;
      seedAnchorSeconds: number;
      connections: number;
      warmupSeconds: number;
      verifySeconds: number;
      issueWarmupSeconds: number;
      issueSeconds: number;
      anchoring: { batchSize: number; maxWaitMs: number; pollMs: number };
      chain: string;
      gatewayNodeFlags: string[];
    };
    verify: Summary & { cpu: CpuPerRequest; notValid: number };
    formatComparison: {
      records: number;
      batches: number;
      fields: string[];
      runs: Record<ComparedRun, Summary & { cpu: CpuPerRequest; notValid: number; meanBodyBytes: number }>;
      ratioToFormat1: Record<ComparedRun, number>;
      peerAnswerBytes: { wholeRecord: number; disclosure: number };
    };
    baseline: Summary & { cpu: CpuPerRequest };
    issue: Summary & { cpu: CpuPerRequest; acceptedInRun: number; acceptedWithWarmup: number; refused: number };
    anchorLag: LagReport;
    exactlyOnce: CheckReport;
    storage: { bytes: number; records: number; bytesPerRecord: number };
    memory: { atStart: MemoryReport; afterVerify: MemoryReport; afterIssue: MemoryReport };
    environment: { node: string; cpus: number; cpuModel: string; memoryGb: number; loadAverageAtEnd: number[] };
    totalSeconds: number;
  };
}

function markdown(r: Results, targets: { name: string; value: string; pass: boolean }[]): string {
  const d = r.details;
  const e = d.exactlyOnce;
  const run = (name: string, s: Summary & { cpu: CpuPerRequest }) =>
    `| ${name} | ${fmt(s.rps)} | ${s.latencyP50Ms} | ${s.latencyP99Ms} | ${s.latencyMaxMs} | ${fmt(s.requests)} | ${s.non2xx} | ${s.errors} | ${fmt(s.cpu.serverUs, 1)} | ${fmt(s.cpu.loadGeneratorUs, 1)} |`;
  const mem = (name: string, m: MemoryReport) =>
    `| ${name} | ${fmt(m.rssMb, 1)} | ${fmt(m.peakRssMb, 1)} | ${fmt(m.heapUsedMb, 1)} | ${fmt(m.heapCommittedMb, 1)} | ${fmt(m.newSpaceMb, 1)} | ${fmt(m.oldSpaceMb, 1)} | ${m.rssAfterLastResortGcMb === undefined ? "—" : fmt(m.rssAfterLastResortGcMb, 1)} |`;
  return [
    "# Gateway: verification, issuance and anchoring on one machine",
    "",
    `Generated ${new Date().toISOString()} by \`npm run bench:gateway\` (\`bench/gateway.ts\`) in ${fmt(d.totalSeconds)} s.`,
    `Node ${d.environment.node}, ${d.environment.cpus} CPUs (${d.environment.cpuModel}), ${d.environment.memoryGb} GiB; load average at the end ${d.environment.loadAverageAtEnd.join(", ")}.`,
    `Chain: ${d.setup.chain} (the embedded chain of \`npm start\`, deployed and seeded the same way).`,
    "",
    "Each server runs in a child process of its own, started the same way (tsx, `--expose-gc`): the gateway",
    "(`createGateway`, hosting market-regulation and tax, talking to anvil over JSON-RPC) or the bare express 5",
    `baseline. The gateway gets the Node flags \`npm start\` gives it (${d.setup.gatewayNodeFlags.map((f) => `\`${f}\``).join(" ")}), the baseline Node's defaults.`,
    `autocannon runs in the benchmark's own process on the same machine: ${d.setup.connections} keep-alive connections, no`,
    `pipelining, ${d.setup.warmupSeconds} s of warm-up before each measured run.`,
    "",
    "## Results",
    "",
    "| Figure | Value |",
    "| --- | ---: |",
    `| verifyRps | ${fmt(r.verifyRps)} |`,
    `| verifyP99Ms | ${r.verifyP99Ms} |`,
    `| baselineRps | ${fmt(r.baselineRps)} |`,
    `| verifyRatio | ${r.verifyRatio} |`,
    `| issueRps | ${fmt(r.issueRps)} |`,
    `| anchorLagP99Ms | ${fmt(r.anchorLagP99Ms)} |`,
    `| anchoredExactlyOnce | ${r.anchoredExactlyOnce} |`,
    `| rssMb | ${fmt(r.rssMb, 1)} |`,
    `| rssAfterLastResortGcMb | ${fmt(r.rssAfterLastResortGcMb, 1)} |`,
    "",
    "## Targets",
    "",
    "| Target | Measured | Result |",
    "| --- | ---: | --- |",
    ...targets.map((t) => `| ${t.name} | ${t.value} | ${t.pass ? "PASS" : "FAIL"} |`),
    "",
    "## Load runs",
    "",
    "| Run | req/s | p50 ms | p99 ms | max ms | requests | non-2xx | errors | server CPU µs/req | autocannon CPU µs/req |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    run(`baseline: bare express 5, \`{ok:true}\` (${d.setup.verifySeconds} s)`, d.baseline),
    run(`POST /departments/tax/verify (${d.setup.verifySeconds} s)`, d.verify),
    run(`POST /departments/market-regulation/records (${d.setup.issueSeconds} s)`, d.issue),
    "",
    `Verify: every request carries a record drawn at random among the ${fmt(d.setup.records)} anchored ones (business`,
    `licences, ${fmt(d.setup.meanRecordBytes)} B of canonical JSON on average), its batch root and its ${Math.log2(d.setup.batchSize)}-hash proof: ${fmt(d.setup.meanVerifyBodyBytes)} B`,
    `per body. The baseline gets the same requests (same headers and bodies) and does not read them. Answers other`,
    `than 200 \`valid\`: ${fmt(d.verify.notValid)}. CPU per request: user + system time of the server's process (from`,
    "/proc) and of the benchmark's own (autocannon), over the measured run, divided by its requests; the two share the",
    "machine's cores, so a server's req/s is bounded by both.",
    "",
    `Seeding: ${fmt(d.setup.records)} records issued in-process through \`issueRecord\` in ${fmt(d.setup.seedIssueSeconds, 1)} s while the gateway's worker anchored`,
    `them in ${d.setup.batches} Merkle batches of up to ${d.setup.batchSize} (one \`anchorBatch\` transaction each); the flush after the last took ${fmt(d.setup.seedAnchorSeconds, 1)} s.`,
    "",
    "## Format 1 beside format 2",
    "",
    `The same ${fmt(d.formatComparison.records)} business licences verified three ways, one run of ${d.setup.verifySeconds} s each on the gateway above`,
    "(after the run over all records): each as format 1 (hashed whole, SPEC §3.1, anchored by the benchmark in batches",
    `of ${d.setup.batchSize} with the issuer's key, as a gateway before format 2 anchored it), as format 2 presented whole (the`,
    "envelope over the field tree, §3.2), and as a disclosure of the tobacco retail licence's fields",
    `(${d.formatComparison.fields.join(", ")}, §3.4): \`POST /verify\` with \`{record, anchor}\` or \`{disclosure}\`.`,
    "",
    "| Run | req/s | ratio to format 1 | p50 ms | p99 ms | body bytes | server CPU µs/req | not valid |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ...COMPARED_RUNS.map((name) => {
      const x = d.formatComparison.runs[name];
      return `| ${name} | ${fmt(x.rps)} | ${d.formatComparison.ratioToFormat1[name]} | ${x.latencyP50Ms} | ${x.latencyP99Ms} | ${fmt(x.meanBodyBytes)} | ${fmt(x.cpu.serverUs, 1)} | ${fmt(x.notValid)} |`;
    }),
    "",
    `What a peer answer carries of the record (mean bytes of its JSON): before, the whole record, ${fmt(d.formatComparison.peerAnswerBytes.wholeRecord)} B;`,
    `now, the disclosure of those fields, ${fmt(d.formatComparison.peerAnswerBytes.disclosure)} B (${round(d.formatComparison.peerAnswerBytes.disclosure / d.formatComparison.peerAnswerBytes.wholeRecord, 2)}×): the values withheld are`,
    "gone, and each field shown brings its salt and proof. The rest of the answer (leaf, anchor) is the same either way.",
    "",
    "## Issuance and anchoring",
    "",
    `Anchoring: batchSize ${d.setup.anchoring.batchSize}, maxWaitMs ${d.setup.anchoring.maxWaitMs}, pollMs ${d.setup.anchoring.pollMs}. Accepted (202) in the measured run:`,
    `${fmt(d.issue.acceptedInRun)}; with the ${d.setup.issueWarmupSeconds} s warm-up: ${fmt(d.issue.acceptedWithWarmup)}; refused: ${fmt(d.issue.refused)}.`,
    `Accepted-to-anchored latency (wall clock, ${fmt(d.anchorLag.count)} records accepted during the measured run): p50 ${fmt(d.anchorLag.p50Ms)} ms, p99 ${fmt(d.anchorLag.p99Ms)} ms, max ${fmt(d.anchorLag.maxMs)} ms.`,
    "",
    "| Exactly-once check | Value |",
    "| --- | ---: |",
    `| outbox entries left after ${fmt(e.drainSeconds, 1)} s of draining by itself (no flush) | ${fmt(e.outboxLeft)} |`,
    `| records the issuer stores / of them anchored | ${fmt(e.storedRecords)} / ${fmt(e.storedAnchored)} |`,
    `| records on chain: Σ recordCount of ${fmt(e.chainBatches)} batches + ${fmt(e.chainSingles)} single anchors (not the format comparison's ${fmt(d.formatComparison.batches)} batches) | ${fmt(e.chainRecords)} |`,
    `| distinct batch roots on chain | ${fmt(e.distinctChainRoots)} |`,
    `| roots whose on-chain recordCount differs from the records stored under them | ${fmt(e.rootMismatches)} |`,
    `| accepted over HTTP / found in the store / \`valid\` via the index | ${fmt(e.acceptedChecked)} / ${fmt(e.acceptedChecked - e.acceptedMissing)} / ${fmt(e.acceptedValid)} |`,
    "",
    `The issuer's databases on disk, closed: ${fmt(d.storage.bytes)} bytes for ${fmt(d.storage.records)} records, **${fmt(d.storage.bytesPerRecord)} bytes a record** (LevelDB's files: each record sealed, its index entries, the access log).`,
    "",
    "## Memory of the gateway process",
    "",
    "MiB, after two forced full GCs. `rssMb` is the reading after the verify run, the gateway run as `npm start` runs it: the process",
    `then holds the ${fmt(d.setup.records)} records (in its LevelDB; the chain index holds their ${d.setup.batches} batches) and has served the verify load.`,
    "V8's heap: what its objects use, what it holds committed (young generation and old space of it). The last column",
    "is the RSS after a last-resort GC (what V8 does when memory runs short), which also gives back the heap pages V8",
    "keeps for reuse after ordinary GCs.",
    "",
    "| When | RSS | peak RSS | heap used | heap committed | young gen. | old space | RSS after last-resort GC |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    mem("started, records held (no last-resort GC yet)", d.memory.atStart),
    mem("after the verify run (rssMb)", d.memory.afterVerify),
    mem("after the issue run, before the check", d.memory.afterIssue),
    "",
  ].join("\n");
}

await main();

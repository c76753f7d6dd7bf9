// Federation benchmark: scenario applications at fixed arrival rates (open loop) with the consumer and its issuers each
// in a gateway process of its own, against the same applications with all of them in one gateway process, in one run.
// Writes bench/results/federation.json and federation.md; exits non-zero when the target is missed.
//
// Processes: this one (orchestration and the open-loop load generator), the anvil chain node (as `npm start` runs it),
// and gateway processes started as `npm run gateway -- --department <codes>` starts them (bench/support/gatewayServer.ts):
// five for the setup across processes, one for the setup in one process, on copies of the same data. Both setups are
// up throughout; the chain's endpoints name the one being measured, and the runs alternate between them rate by rate
// (A B, B A, ...) so that what else the machine runs weighs on both alike. Last, the transport floor at the same rates:
// the same five processes' shape with handlers that do nothing (bench/support/transportFloor.ts), as a baseline.
import { cpSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { Agent } from "node:http";
import { availableParallelism, cpus, loadavg, tmpdir, totalmem } from "node:os";
import { dirname, join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { loadCatalogue } from "../lib/catalogue/loadCatalogue.ts";
import { startLocalChain } from "../scripts/lib/localChain.ts";
import { seedsDir } from "../scripts/lib/paths.ts";
import { GATEWAY_NODE_FLAGS } from "../services/gateway/src/nodeFlags.ts";
import { materialsOf } from "./support/applicants.ts";
import {
  type ApplicationDriver,
  applicationDriver,
  type Measured,
  measuredRun,
  settle,
} from "./support/applicationRuns.ts";
import { type FloorRun, markdown, type Results, type RunReport, type SetupReport } from "./support/federationReport.ts";
import { deployAndSeed, issueRecords, waitAnchored } from "./support/federationSetup.ts";
import { devApiTokens, type GatewayServer, startGatewayServer } from "./support/gatewayServer.ts";
import { post } from "./support/http.ts";
import { openLoop } from "./support/openLoop.ts";
import { cpuSecondsOf, freePort, pidsWithCommandLine } from "./support/processes.ts";
import { FLOOR_TIMEOUT_MS, startTransportFloor } from "./support/transportFloor.ts";

const here = dirname(fileURLToPath(import.meta.url));
const resultsDir = join(here, "results");

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
/** Knobs for quicker runs while profiling; the defaults are the benchmark. */
const RATES = (process.env.BENCH_RATES ?? "25,50,100,150").split(",").map(Number);
const RUN_S = env("BENCH_RUN_S", 20);
const WARMUP_S = env("BENCH_WARMUP_S", 5);
const WARMUP_RATE = 25;
/** The index of a gateway follows the chain every 500 ms: after the endpoints move, every gateway has seen it. */
const ENDPOINTS_SEEN_MS = 1_500;
/** Raised from the default (120 per key and hour) so that one consumer key may open every application of the run. */
const APPLICATIONS_PER_HOUR = 1_000_000;

/** The body the transport floor's consumer gets: about an application's size. */
const FLOOR_APPLICATION = JSON.stringify({
  scenario: "open-convenience-store",
  subject: { idType: "resident-id", idNumber: "x".repeat(18) },
  organisation: { idType: "unified-social-credit-code", idNumber: "y".repeat(18) },
});
const SCENARIO = "open-convenience-store";
const CONSUMER = "market-regulation";
const TARGET = { rate: 100, p99Ms: 100 };
/** A rate is sustained when its run had no error and answered at least this share of the offered rate. */
const SUSTAINED_SHARE = 0.95;

const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

function log(message: string): void {
  console.log(`[${new Date().toISOString().slice(11, 19)}] ${message}`);
}

interface Setup {
  name: "across processes" | "one process";
  ports: Map<string, number>;
  measured: Measured[];
  driver: ApplicationDriver;
  warmup: { applications: number; waived: number; shared: number };
  runs: RunReport[];
}

/** The highest rate whose run had no error and kept up with the offered rate. */
const sustainedRate = (runs: RunReport[]) =>
  Math.max(
    0,
    ...runs
      .filter((r) => r.ok === r.sent && r.achievedRate >= SUSTAINED_SHARE * r.offeredRate)
      .map((r) => r.offeredRate),
  );

/** The transport floor at every rate (after a warm-up as the setups get), with its processes' CPU per application. */
async function floorRuns(): Promise<FloorRun[]> {
  const floor = await startTransportFloor();
  const agent = new Agent({ keepAlive: true });
  const floorUrl = `http://127.0.0.1:${floor.port}/applications`;
  const send = () =>
    post(agent, floorUrl, { "content-type": "application/json" }, FLOOR_APPLICATION, FLOOR_TIMEOUT_MS).then(
      () => "ok",
      (error: Error) => (error.message === "timeout" ? "timeout" : "failed"),
    );
  try {
    await openLoop(WARMUP_RATE, WARMUP_S, send);
    const runs: FloorRun[] = [];
    for (const rate of RATES) {
      const before = [floor.consumerPid, ...floor.issuerPids].map(cpuSecondsOf);
      const own = process.cpuUsage();
      const result = await openLoop(rate, RUN_S, send);
      const used = [floor.consumerPid, ...floor.issuerPids].map((pid, i) => cpuSecondsOf(pid) - (before[i] as number));
      const ownUsed = (({ user, system }) => (user + system) / 1e6)(process.cpuUsage(own));
      const perApplication = (seconds: number) => round((seconds * 1000) / result.sent, 2);
      const issuersUsed = used.slice(1).reduce((sum, u) => sum + u, 0);
      runs.push({
        offeredRate: rate,
        achievedRate: round(result.achievedRate),
        p50Ms: round(result.p50Ms),
        p99Ms: round(result.p99Ms),
        errors: result.sent - result.ok,
        cpuMsPerApplication: {
          consumer: perApplication(used[0] ?? 0),
          "issuers (sum)": perApplication(issuersUsed),
          "load generator": perApplication(ownUsed),
          total: perApplication((used[0] ?? 0) + issuersUsed + ownUsed),
        },
      });
      log(
        `transport floor ${rate}/s: p50 ${round(result.p50Ms)} ms, p99 ${round(result.p99Ms)} ms, ${runs.at(-1)?.cpuMsPerApplication.total} ms CPU per application`,
      );
    }
    return runs;
  } finally {
    agent.destroy();
    floor.stop();
  }
}

async function main() {
  const started = Date.now();
  const loadAverageAtStart = loadavg().map((l) => round(l, 2));
  const dataDir = mkdtempSync(join(tmpdir(), "oncechain-bench-federation-"));
  /** The one-process setup's copy of the gateways' data (the chain stays the one node). */
  const oneDataDir = join(dataDir, "one-process");
  const chain = await startLocalChain({ dataDir, port: await freePort() });
  const servers: GatewayServer[] = [];
  const stopAll = async () => {
    await Promise.all(servers.map((s) => s.stop()));
    servers.length = 0;
  };
  // Stopped by a signal: the gateways and the chain stop too, then the usual exit.
  const onSignal = () => {
    void stopAll()
      .then(() => chain.stop())
      .finally(() => process.exit(130));
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  try {
    const catalogue = await loadCatalogue(seedsDir);
    const materials = materialsOf(catalogue, SCENARIO);
    const issuers = [...new Set(materials.map((m) => m.issuer))].filter((code) => code !== CONSUMER);
    const departments = [CONSUMER, ...issuers];
    const anvilPid = pidsWithCommandLine(`${dataDir}/chain/state.json`)[0] ?? 0;
    const acrossPorts = new Map<string, number>();
    for (const code of departments) acrossPorts.set(code, await freePort());
    const onePort = await freePort();

    const chainSetup = await deployAndSeed(chain.rpcUrl, dataDir, catalogue);
    await chainSetup.point(acrossPorts);
    log(`${chainSetup.client} at ${chain.rpcUrl}: registries deployed, catalogue seeded`);

    const start = (codes: readonly string[], port: number, data: string, name: string) =>
      startGatewayServer({
        codes,
        port,
        rpcUrl: chain.rpcUrl,
        dataDir: data,
        log: join(dataDir, `${name}.log`),
        // Access logs are committed on demand only: each setup runs its own copy of every department on one chain,
        // and two copies committing one department's log would diverge on chain.
        env: {
          GATEWAY_APPLICATIONS_PER_HOUR: String(APPLICATIONS_PER_HOUR),
          GATEWAY_ACCESS_LOG_COMMIT_MS: "0",
          // The benchmark measures what the gateways can do: no per-key quota.
          GATEWAY_KEY_RATE: "0",
        },
      }).then((server) => {
        servers.push(server);
        return server;
      });
    const acrossUrl = (code: string) => `http://127.0.0.1:${acrossPorts.get(code)}`;

    // --- the records: for every applicant, each material at its issuer, anchored -----------------------------
    const applicants = WARMUP_RATE * WARMUP_S + RATES.reduce((sum, rate) => sum + Math.round(rate * RUN_S), 0);
    // One after another: each first start adds its departments' dev API keys to the one shared file.
    for (const code of departments) await start([code], acrossPorts.get(code) as number, dataDir, `issue-${code}`);
    const tokens = devApiTokens(dataDir);
    const issueStarted = performance.now();
    await issueRecords(materials, applicants, acrossUrl, tokens);
    const issueSeconds = (performance.now() - issueStarted) / 1000;
    await waitAnchored(materials, applicants, acrossUrl);
    const anchorSeconds = (performance.now() - issueStarted) / 1000 - issueSeconds;
    await stopAll();
    log(
      `issued ${applicants * materials.length} records (${applicants} applicants × ${materials.length} materials) in ` +
        `${round(issueSeconds)} s, all anchored ${round(anchorSeconds)} s later`,
    );
    // The gateways' data as the issuing left it, for the one-process setup: the chain's own state stays behind.
    for (const entry of readdirSync(dataDir).filter((e) => e !== "chain" && !e.endsWith(".log"))) {
      cpSync(join(dataDir, entry), join(oneDataDir, entry), { recursive: true });
    }

    // --- both setups, fresh processes: each issuer and the consumer on its own, and all in one --------------------
    const consumerToken = tokens[CONSUMER]?.consumer ?? "";
    const consumerPath = `/departments/${CONSUMER}`;
    const across = await Promise.all(
      departments.map((code) => start([code], acrossPorts.get(code) as number, dataDir, code)),
    );
    const one = await start(departments, onePort, oneDataDir, "one-process");
    const setups: Setup[] = [
      {
        name: "across processes",
        ports: acrossPorts,
        measured: across.map((server) => ({
          label: server.codes[0] === CONSUMER ? `${CONSUMER} (consumer)` : (server.codes[0] as string),
          pid: server.pid,
          issuer: server.codes[0] !== CONSUMER,
        })),
        driver: applicationDriver(`${acrossUrl(CONSUMER)}${consumerPath}`, consumerToken, SCENARIO, materials),
        warmup: { applications: 0, waived: 0, shared: 0 },
        runs: [],
      },
      {
        name: "one process",
        ports: new Map(departments.map((code) => [code, onePort])),
        measured: [{ label: `gateway (${departments.length} departments)`, pid: one.pid }],
        driver: applicationDriver(`${one.url}${consumerPath}`, consumerToken, SCENARIO, materials),
        warmup: { applications: 0, waived: 0, shared: 0 },
        runs: [],
      },
    ];
    const chainProcess: Measured = { label: "chain (anvil)", pid: anvilPid };
    const everyProcess = [...setups.flatMap((s) => s.measured), chainProcess];
    log(
      `across processes: ${across.map((s) => `${s.codes[0]} (pid ${s.pid})`).join(", ")}; one process: pid ${one.pid}`,
    );

    let current: Setup | undefined = setups[0];
    const measure = async (setup: Setup) => {
      if (setup !== current) {
        await chainSetup.point(setup.ports);
        await sleep(ENDPOINTS_SEEN_MS);
        current = setup;
      }
      await settle(everyProcess);
    };
    for (const setup of setups) {
      await measure(setup);
      await openLoop(WARMUP_RATE, WARMUP_S, setup.driver.apply);
      setup.warmup = { ...setup.driver.counts };
    }
    const order: string[] = [];
    for (const [i, rate] of RATES.entries()) {
      // A B, then B A: each setup runs first and second equally often, and the endpoints move once per rate.
      for (const setup of i % 2 === 0 ? setups : [...setups].reverse()) {
        await measure(setup);
        const idle = setups.filter((s) => s !== setup).flatMap((s) => s.measured);
        const run = await measuredRun(setup.driver, rate, RUN_S, [...setup.measured, chainProcess], idle);
        setup.runs.push(run);
        order.push(`${setup.name} ${rate}/s`);
        log(
          `${setup.name} ${rate}/s: achieved ${run.achievedRate}/s, p50 ${run.p50Ms} ms, p99 ${run.p99Ms} ms, ` +
            `max ${run.maxMs} ms, ${run.sent - run.ok} errors, ${run.cpuMsPerApplication.total} ms CPU per application`,
        );
      }
    }
    for (const setup of setups) setup.driver.close();
    await stopAll();
    chainSetup.close();
    log("transport floor: the same shape, handlers that do nothing");
    const transportFloor = await floorRuns();

    // --- results ----------------------------------------------------------------------------------------------
    const report = (setup: Setup): SetupReport => ({
      processes: setup.name === "one process" ? [departments] : departments.map((code) => [code]),
      warmup: setup.warmup,
      runs: setup.runs,
      sustainedRate: sustainedRate(setup.runs),
    });
    const acrossReport = report(setups[0] as Setup);
    const oneReport = report(setups[1] as Setup);
    const atTarget = acrossReport.runs.find((r) => r.offeredRate === TARGET.rate);
    const results: Results = {
      scenario: SCENARIO,
      consumer: CONSUMER,
      issuers,
      materials: materials.map((m) => `${m.credentialType} (${m.issuer})`),
      sustainedRate: {
        acrossProcesses: acrossReport.sustainedRate,
        oneProcess: oneReport.sustainedRate,
        ratio: oneReport.sustainedRate > 0 ? round(acrossReport.sustainedRate / oneReport.sustainedRate, 2) : null,
      },
      ratios: acrossReport.runs.map((a, i) => {
        const b = oneReport.runs[i] as RunReport;
        return {
          rate: a.offeredRate,
          p99: round(a.p99Ms / b.p99Ms, 2),
          p50: round(a.p50Ms / b.p50Ms, 2),
          achievedRate: round(a.achievedRate / b.achievedRate, 2),
          cpuPerApplication: round((a.cpuMsPerApplication.total ?? 0) / (b.cpuMsPerApplication.total ?? 1), 2),
        };
      }),
      setups: { acrossProcesses: acrossReport, oneProcess: oneReport },
      transportFloor,
      details: {
        setup: {
          applicants,
          records: applicants * materials.length,
          issueSeconds: round(issueSeconds),
          anchorSecondsAfterIssue: round(anchorSeconds),
          rates: RATES,
          runSeconds: RUN_S,
          warmup: `${WARMUP_S} s at ${WARMUP_RATE}/s`,
          order,
          requestTimeoutMs: setups[0]?.driver.requestTimeoutMs ?? 0,
          applicationsPerHour: APPLICATIONS_PER_HOUR,
          gatewayNodeFlags: [...GATEWAY_NODE_FLAGS],
          chain: `${chainSetup.client}, automine, its own process`,
          loadGenerator: "open loop: node:http, keep-alive agent without a socket cap, in the benchmark's own process",
        },
        environment: {
          node: process.version,
          cpus: availableParallelism(),
          cpuModel: cpus()[0]?.model ?? "unknown",
          memoryGb: round(totalmem() / 1024 ** 3),
          loadAverageAtStart,
          loadAverageAtEnd: loadavg().map((l) => round(l, 2)),
        },
        totalSeconds: round((Date.now() - started) / 1000),
      },
    };
    const everyRun = [...acrossReport.runs, ...oneReport.runs];
    const applications = everyRun.reduce((sum, r) => sum + r.sent, 0);
    const waived = everyRun.reduce((sum, r) => sum + r.waivedMaterials, 0);
    results.targets = [
      {
        name: `across processes at ${TARGET.rate}/s: p99 <= ${TARGET.p99Ms} ms`,
        value: atTarget ? `${atTarget.p99Ms} ms` : "not measured",
        pass: atTarget !== undefined && atTarget.p99Ms <= TARGET.p99Ms,
      },
      {
        name: `across processes at ${TARGET.rate}/s: 0 errors`,
        value: atTarget ? `${atTarget.sent - atTarget.ok} of ${atTarget.sent}` : "not measured",
        pass: atTarget !== undefined && atTarget.ok === atTarget.sent,
      },
      {
        name: `every measured application waived its ${materials.length} materials`,
        value: `${waived} of ${applications * materials.length} materials waived`,
        pass: waived === applications * materials.length,
      },
    ];
    await mkdir(resultsDir, { recursive: true });
    await writeFile(join(resultsDir, "federation.json"), `${JSON.stringify(results, null, 2)}\n`);
    await writeFile(join(resultsDir, "federation.md"), markdown(results));
    for (const t of results.targets) console.log(`${t.pass ? "PASS" : "FAIL"}  ${t.name}: ${t.value}`);
    console.log(`wrote ${join(resultsDir, "federation.json")} and federation.md in ${results.details.totalSeconds} s`);
    if (results.targets.some((t) => !t.pass)) process.exitCode = 1;
  } finally {
    await stopAll();
    await chain.stop();
    if (process.env.BENCH_KEEP_DATA) console.log(`data kept in ${dataDir}`);
    else rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();

// npm run bench:index: a gateway joining a chain that already holds 1,000,000 anchored records, in batches of 1,024,
// and the revocation of 1% of them (BENCH_INDEX_RECORDS, BENCH_INDEX_REVOKED): how long until it is ready (/readyz),
// events indexed a second, its memory, and the restart-to-ready time once it has caught up. anvil as its own process,
// the gateway as `npm run gateway` starts one. The baseline, in the same run: the same gateway joining the chain as
// seeded, before any record. Writes bench/results/index.{json,md}.
//
// Targets on this machine (issue 14): ready on 1,000,000 records in under 60 s, a restart in under 5 s, RSS under 400 MB.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { hexlify, NonceManager, randomBytes, Wallet } from "ethers";
import { loadCatalogue } from "../lib/catalogue/loadCatalogue.ts";
import { readDeployment } from "../lib/chain/deploymentStore.ts";
import { LOCAL_CHAIN_ID } from "../lib/chain/devKeys.ts";
import { connectRegistries } from "../lib/chain/registries.ts";
import type { Hex32 } from "../lib/encoding/canonical.ts";
import { codeKey } from "../lib/encoding/codeKey.ts";
import { type RecordAnchor, recordTree } from "../lib/encoding/recordLeaf.ts";
import { connectProvider } from "../scripts/lib/chainConnection.ts";
import { startLocalChain } from "../scripts/lib/localChain.ts";
import { seedsDir } from "../scripts/lib/paths.ts";
import { deployAndSeed } from "./support/federationSetup.ts";
import { startGatewayServer } from "./support/gatewayServer.ts";
import { freePort } from "./support/processes.ts";

const here = dirname(fileURLToPath(import.meta.url));
const resultsDir = join(here, "results");
const RECORDS = Number(process.env.BENCH_INDEX_RECORDS ?? 1_000_000);
const REVOKED = Number(process.env.BENCH_INDEX_REVOKED ?? RECORDS / 100);
const BATCH = 1_024;
/** Transactions sent before a block is made of them (anvil mines on demand; QBFT makes a block every period). */
const PER_BLOCK = 200;
const TARGETS = { readyS: 60, restartS: 5, rssMb: 400 };
/** The department whose gateway joins: not the issuer of the records, whose gateway never ran here. */
const JOINING = "market-regulation";

const log = (line: string) => console.log(`[bench:index] ${line}`);
const seconds = (ms: number) => Math.round(ms / 10) / 100;

/** The peak resident memory of a process (VmHWM), and its current one, in MB. */
function memoryOf(pid: number): { peakMb: number; nowMb: number } {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return { peakMb: Math.round(kb("VmHWM") / 1024), nowMb: Math.round(kb("VmRSS") / 1024) };
}

async function gatewayReady(rpcUrl: string, dataDir: string, label: string) {
  const port = await freePort();
  const started = performance.now();
  const server = await startGatewayServer({
    codes: [JOINING],
    port,
    rpcUrl,
    dataDir,
    log: join(dataDir, `${label}.log`),
    env: { GATEWAY_ACCESS_LOG_COMMIT_MS: "0" },
  });
  const readyMs = performance.now() - started;
  const metrics = await (await fetch(`${server.url}/metrics`)).text();
  const gauge = (name: string) => Number(new RegExp(`^${name} (\\d+)`, "m").exec(metrics)?.[1] ?? Number.NaN);
  const result = {
    readyS: seconds(readyMs),
    ...memoryOf(server.pid),
    indexedBlock: gauge("oncechain_index_block"),
    indexedRecords: gauge("oncechain_index_records"),
    indexedEvents: gauge("oncechain_index_events"),
    syncMs: gauge("oncechain_index_sync_milliseconds"),
  };
  return { result, stop: () => server.stop() };
}

async function main() {
  const dataDir = mkdtempSync(`${tmpdir()}/oncechain-bench-index-`);
  const chain = await startLocalChain({ dataDir, port: await freePort() });
  try {
    const catalogue = await loadCatalogue(seedsDir);
    const setup = await deployAndSeed(chain.rpcUrl, dataDir, catalogue);
    setup.close();
    log(`${setup.client} at ${chain.rpcUrl}: deployed and seeded`);

    // Baseline: the gateway joining the chain as seeded, three times (its start varies by a second): the median.
    const baselines = [];
    for (let i = 0; i < 3; i++) {
      const run = await gatewayReady(chain.rpcUrl, dataDir, `baseline-${i}`);
      await run.stop();
      rmSync(join(dataDir, "gateway", JOINING), { recursive: true, force: true });
      baselines.push(run.result);
    }
    baselines.sort((x, y) => x.readyS - y.readyS);
    const baseline = { result: baselines[1] as (typeof baselines)[number] };
    log(
      `baseline: ready in ${baselines.map((b) => b.readyS).join(" / ")} s on the seeded chain (median ${baseline.result.readyS})`,
    );

    // The chain: RECORDS records in batches anchored by psb, and REVOKED of them revoked, spread over the batches.
    const provider = await connectProvider(chain.rpcUrl);
    const deployment = readDeployment(dataDir, BigInt(LOCAL_CHAIN_ID));
    if (!deployment) throw new Error("no deployment recorded");
    const keys = JSON.parse(readFileSync(join(dataDir, "keys", "dev-keys.json"), "utf8"));
    const psb = new NonceManager(new Wallet(keys.departments.psb, provider));
    const registries = connectRegistries(deployment, psb);
    const typeId = Number(await registries.types.typeIdOf(codeKey("resident-id-card"), 1));
    const fees = { gasPrice: 2_000_000_000n, type: 0 };
    await provider.send("evm_setAutomine", [false]);
    const building = performance.now();
    const batches = Math.ceil(RECORDS / BATCH);
    const revokedPerBatch = Math.ceil(REVOKED / batches);
    let sentInBlock = 0;
    let sent = 0;
    const pending: Promise<unknown>[] = [];
    const send = async (tx: Promise<{ hash: string }>) => {
      pending.push(tx);
      sent++;
      if (++sentInBlock >= PER_BLOCK) {
        await Promise.all(pending.splice(0));
        await provider.send("anvil_mine", ["0x1"]);
        sentInBlock = 0;
      }
    };
    const toRevoke: { root: Hex32; leaf: RecordAnchor; proof: Hex32[] }[] = [];
    let anchored = 0;
    for (let b = 0; b < batches; b++) {
      const count = Math.min(BATCH, RECORDS - anchored);
      const anchors: RecordAnchor[] = Array.from({ length: count }, () => ({
        recordHash: hexlify(randomBytes(32)) as Hex32,
        subjectRef: hexlify(randomBytes(32)) as Hex32,
        credentialType: typeId,
        validFrom: 0,
        validUntil: 0,
      }));
      const tree = recordTree(anchors);
      for (let i = 0; i < revokedPerBatch && toRevoke.length < REVOKED; i++) {
        toRevoke.push({ root: tree.root, leaf: anchors[i] as RecordAnchor, proof: tree.proof(i) });
      }
      await send(registries.records.anchorBatch(tree.root, count, { gasLimit: 100_000, ...fees }));
      anchored += count;
    }
    for (const { root, leaf, proof } of toRevoke) {
      await send(registries.records.revokeBatchRecord(root, leaf, proof, 1, { gasLimit: 300_000, ...fees }));
    }
    await Promise.all(pending.splice(0));
    // A block holds what fits in its gas limit: blocks are made until the pool is empty.
    for (;;) {
      await provider.send("anvil_mine", ["0x1"]);
      const pool = (await provider.send("txpool_status", [])) as { pending: string; queued: string };
      if (Number(pool.pending) + Number(pool.queued) === 0) break;
    }
    await provider.send("evm_setAutomine", [true]);
    const head = await provider.getBlockNumber();
    const events =
      (await registries.records.queryFilter(registries.records.filters.CredentialBatchAnchored())).length +
      (await registries.records.queryFilter(registries.records.filters.CredentialBatchRecordRegistered())).length +
      (await registries.records.queryFilter(registries.records.filters.CredentialRevoked())).length;
    const buildS = seconds(performance.now() - building);
    provider.destroy();
    log(
      `chain built in ${buildS} s: ${anchored} records in ${batches} batches, ${toRevoke.length} revoked; ` +
        `${sent} transactions, ${events} events, head ${head}`,
    );

    const fresh = await gatewayReady(chain.rpcUrl, dataDir, "fresh");
    await fresh.stop();
    log(`fresh gateway: ready in ${fresh.result.readyS} s, peak RSS ${fresh.result.peakMb} MB`);
    const restart = await gatewayReady(chain.rpcUrl, dataDir, "restart");
    await restart.stop();
    log(`restarted gateway: ready in ${restart.result.readyS} s, peak RSS ${restart.result.peakMb} MB`);

    const results = {
      generatedAt: new Date().toISOString(),
      chain: setup.client,
      records: anchored,
      batchSize: BATCH,
      batches,
      revoked: toRevoke.length,
      transactions: sent,
      events,
      blocks: head,
      buildSeconds: buildS,
      baseline: baseline.result,
      fresh: fresh.result,
      restart: restart.result,
      // The index's own count and time (its syncs: reading the logs and applying them), not the whole start's.
      eventsPerSecond: Math.round(fresh.result.indexedEvents / (fresh.result.syncMs / 1000)),
      targets: TARGETS,
      met: {
        ready: fresh.result.readyS < TARGETS.readyS,
        restart: restart.result.readyS < TARGETS.restartS,
        rss: Math.max(fresh.result.peakMb, restart.result.peakMb) < TARGETS.rssMb,
      },
    };
    mkdirSync(resultsDir, { recursive: true });
    writeFileSync(join(resultsDir, "index.json"), `${JSON.stringify(results, null, 2)}\n`);
    writeFileSync(join(resultsDir, "index.md"), markdown(results));
    log(`wrote bench/results/index.{json,md}: ${JSON.stringify(results.met)}`);
    if (!Object.values(results.met).every(Boolean)) process.exitCode = 1;
  } finally {
    await chain.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

type Results = {
  generatedAt: string;
  chain: string;
  records: number;
  batchSize: number;
  batches: number;
  revoked: number;
  transactions: number;
  events: number;
  blocks: number;
  buildSeconds: number;
  baseline: { readyS: number; peakMb: number; nowMb: number; indexedRecords: number };
  fresh: {
    readyS: number;
    peakMb: number;
    nowMb: number;
    indexedRecords: number;
    indexedBlock: number;
    indexedEvents: number;
    syncMs: number;
  };
  restart: { readyS: number; peakMb: number; nowMb: number; indexedRecords: number };
  eventsPerSecond: number;
  targets: typeof TARGETS;
  met: Record<string, boolean>;
};

function markdown(r: Results): string {
  const mark = (ok: boolean | undefined) => (ok ? "met" : "**missed**");
  return `# A gateway joining a chain of ${r.records.toLocaleString("en")} records

Generated by \`npm run bench:index\` (${r.generatedAt}) on ${r.chain}, anvil as its own process, the gateway as
\`npm run gateway\` starts one (for ${JOINING}, which issued none of the records).

The chain: ${r.records.toLocaleString("en")} records anchored by psb in ${r.batches.toLocaleString("en")} batches of
${r.batchSize.toLocaleString("en")}, and ${r.revoked.toLocaleString("en")} of them revoked (each revocation registers the
record's leaf and revokes it: two events), ${r.transactions.toLocaleString("en")} transactions in ${r.blocks.toLocaleString("en")}
blocks, ${r.events.toLocaleString("en")} events of the record registry; built in ${r.buildSeconds} s.

| | Ready (s) | Peak RSS (MB) | RSS when ready (MB) | Records in the index |
| --- | --- | --- | --- | --- |
| Baseline: the chain as seeded, no record (median of 3) | ${r.baseline.readyS} | ${r.baseline.peakMb} | ${r.baseline.nowMb} | ${r.baseline.indexedRecords} |
| A fresh gateway joining the chain | ${r.fresh.readyS} | ${r.fresh.peakMb} | ${r.fresh.nowMb} | ${r.fresh.indexedRecords} |
| The same gateway restarted, caught up | ${r.restart.readyS} | ${r.restart.peakMb} | ${r.restart.nowMb} | ${r.restart.indexedRecords} |

Events indexed a second: **${r.eventsPerSecond.toLocaleString("en")}**: the ${r.fresh.indexedEvents.toLocaleString("en")} events
the fresh gateway's index applied (every followed registry's, the seeding's included) over the ${r.fresh.syncMs.toLocaleString("en")} ms its syncs
took, reading the logs from the node and applying them (\`oncechain_index_events\`, \`oncechain_index_sync_milliseconds\`).

| Target | Measured | |
| --- | --- | --- |
| Ready on the chain in under ${r.targets.readyS} s | ${r.fresh.readyS} s | ${mark(r.met.ready)} |
| Restart ready in under ${r.targets.restartS} s | ${r.restart.readyS} s | ${mark(r.met.restart)} |
| RSS under ${r.targets.rssMb} MB | ${Math.max(r.fresh.peakMb, r.restart.peakMb)} MB at most | ${mark(r.met.rss)} |
`;
}

await main();

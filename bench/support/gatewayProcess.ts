// The server side of bench/gateway.ts, one per child process so that its CPU and RSS are its own: either a gateway
// (createGateway, as `npm run gateway` would run it, against the benchmark's anvil chain) or the bare express
// baseline. Driven by bench/gateway.ts over the IPC channel: { id, cmd, args } in, { id, result | error } out.
import { once } from "node:events";
import { createWriteStream, readFileSync } from "node:fs";
import type { Server } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import { getHeapSpaceStatistics, getHeapStatistics } from "node:v8";
import type { ClassicLevel } from "classic-level";
import express from "express";
import pino from "pino";
import { loadCatalogue } from "../../lib/catalogue/loadCatalogue.ts";
import { readDeployment } from "../../lib/chain/deploymentStore.ts";
import { LOCAL_CHAIN_ID, loadOrCreateDevKeys } from "../../lib/chain/devKeys.ts";
import type { Hex32 } from "../../lib/encoding/canonical.ts";
import { canonicalize } from "../../lib/encoding/canonical.ts";
import { connectProvider } from "../../scripts/lib/chainConnection.ts";
import { seedsDir } from "../../scripts/lib/paths.ts";
import { createGateway, type Gateway } from "../../services/gateway/src/gateway.ts";
import type { CanonicalRecord } from "../../services/gateway/src/records/canonicalRecord.ts";
import { issueRecord } from "../../services/gateway/src/records/issueRecord.ts";
import { verifyRecord } from "../../services/gateway/src/records/verifyRecord.ts";
import { businessLicence } from "./businessLicences.ts";

export interface ChildConfig {
  mode: "gateway" | "baseline";
  /** gateway: the anvil node's RPC URL and the data directory bench/gateway.ts deployed and seeded from. */
  rpcUrl?: string;
  dataDir?: string;
  /** gateway: the department that issues (and anchors), the one that verifies. */
  issuer?: string;
  verifier?: string;
  batchSize?: number;
  maxWaitMs?: number;
}

export interface Ready {
  type: "ready";
  url: string;
  pid: number;
  tokens?: { issuer: string; verifier: string };
}

export interface MemoryReport {
  /** Resident set size after two forced GCs. */
  rssMb: number;
  /** The process's highest RSS so far (VmHWM). */
  peakRssMb: number;
  heapUsedMb: number;
  /** Memory V8 holds for its heap, used or not; of it, the young generation's and the old space's. */
  heapCommittedMb: number;
  newSpaceMb: number;
  oldSpaceMb: number;
  externalMb: number;
  /** RSS after a last-resort GC, which also gives back the pages V8 pools after ordinary GCs (asked for last). */
  rssAfterLastResortGcMb?: number;
}

export interface SeedReport {
  issued: number;
  issueSeconds: number;
  anchorSeconds: number;
  batches: number;
  meanRecordBytes: number;
}

export interface CheckReport {
  /** Entries left in the outbox once the worker has drained it by itself (no flush). */
  outboxLeft: number;
  storedRecords: number;
  storedAnchored: number;
  chainBatches: number;
  distinctChainRoots: number;
  chainSingles: number;
  /** Records the chain holds: Σ recordCount of the issuer's batches + single anchors. */
  chainRecords: number;
  /** Batch roots whose on-chain recordCount differs from the stored records claiming them. */
  rootMismatches: number;
  acceptedChecked: number;
  acceptedMissing: number;
  acceptedValid: number;
  drainSeconds: number;
}

export interface LagReport {
  count: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

const MB = 1024 * 1024;
const LAG_METRIC = "oncechain_anchor_lag_seconds";
const config = JSON.parse(process.env.BENCH_GATEWAY_CONFIG ?? "{}") as ChildConfig;
const hexBytes = (hex: string) => new Uint8Array(Buffer.from(hex.replace(/^0x/, ""), "hex"));

function send(message: unknown): void {
  process.send?.(message);
}

/** RSS and heap after two full GCs; with `lastResort`, then also the RSS after a last-resort GC. */
function memory(lastResort: boolean): MemoryReport {
  globalThis.gc?.();
  globalThis.gc?.();
  const m = process.memoryUsage();
  const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync("/proc/self/status", "utf8"));
  const space = (name: string) =>
    (getHeapSpaceStatistics().find((s) => s.space_name === name)?.physical_space_size ?? 0) / MB;
  const report = {
    rssMb: m.rss / MB,
    peakRssMb: hwm ? Number(hwm[1]) / 1024 : Number.NaN,
    heapUsedMb: m.heapUsed / MB,
    heapCommittedMb: getHeapStatistics().total_physical_size / MB,
    newSpaceMb: space("new_space"),
    oldSpaceMb: space("old_space"),
    externalMb: m.external / MB,
  };
  if (!lastResort) return report;
  // What V8 does when memory runs short: it also gives back the heap pages it keeps for reuse after ordinary GCs.
  globalThis.gc?.({ type: "major", execution: "sync", flavor: "last-resort" });
  return { ...report, rssAfterLastResortGcMb: process.memoryUsage().rss / MB };
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

async function listen(app: express.Express): Promise<{ server: Server; url: string }> {
  const server = app.listen(0, "127.0.0.1");
  await once(server, "listening");
  const address = server.address();
  if (!address || typeof address !== "object") throw new Error("no address");
  return { server, url: `http://127.0.0.1:${address.port}` };
}

type Handler = (args: never) => Promise<unknown>;

function serve(handlers: Record<string, Handler>): void {
  process.on("message", async (message: { id: number; cmd: string; args?: unknown }) => {
    const handler = handlers[message.cmd];
    try {
      if (!handler) throw new Error(`unknown command ${message.cmd}`);
      send({ id: message.id, result: await handler(message.args as never) });
    } catch (error) {
      send({ id: message.id, error: (error as Error).stack ?? String(error) });
    }
  });
  process.on("disconnect", () => process.exit(0));
}

async function baseline(): Promise<void> {
  const app = express();
  app.use((_req, res) => {
    res.json({ ok: true });
  });
  const { server, url } = await listen(app);
  serve({
    memory: async ({ lastResort }: { lastResort: boolean }) => memory(lastResort),
    close: async () => {
      server.closeAllConnections();
      server.close();
      setImmediate(() => process.exit(0));
    },
  });
  send({ type: "ready", url, pid: process.pid } satisfies Ready);
}

async function gateway(): Promise<void> {
  const { rpcUrl, dataDir, issuer = "", verifier = "" } = config;
  if (!rpcUrl || !dataDir) throw new Error("BENCH_GATEWAY_CONFIG needs rpcUrl and dataDir");
  const provider = await connectProvider(rpcUrl);
  const deployment = readDeployment(dataDir, LOCAL_CHAIN_ID);
  if (!deployment) throw new Error(`no deployment recorded in ${dataDir}`);
  const catalogue = await loadCatalogue(seedsDir);
  const keys = loadOrCreateDevKeys(
    dataDir,
    catalogue.departments.map((d) => d.code),
  );
  const department = (code: string) => ({
    code,
    signerKey: keys.departments[code] ?? "",
    dataKey: hexBytes(keys.dataKeys[code] ?? ""),
  });
  const districtSecret = hexBytes(keys.districtSecret);
  const gw: Gateway = await createGateway({
    provider,
    deployment,
    catalogue,
    departments: [department(issuer), department(verifier)],
    districtSecret,
    dataDir: `${dataDir}/gateway`,
    anchoring: { batchSize: config.batchSize ?? 1024, maxWaitMs: config.maxWaitMs ?? 1000 },
    publicUrl: "http://127.0.0.1",
    // What production would log: info and up, to stdout (the parent sends it to a file).
    logger: pino({ name: "oncechain-gateway", level: "info" }),
  });
  const { services } = gw;
  const issuing = services.departments.get(issuer);
  const verifying = services.departments.get(verifier);
  if (!issuing || !verifying) throw new Error("departments not hosted");

  // Accepted-to-anchored latencies, wall clock, as the worker reports them to the oncechain_anchor_lag_seconds
  // histogram: the bench keeps each value instead of only the histogram's buckets.
  const lags: { acceptedAt: number; ms: number }[] = [];
  const metrics = services.metrics;
  const observe = metrics.observe.bind(metrics);
  metrics.observe = (name, help, seconds, labels) => {
    if (name === LAG_METRIC) lags.push({ acceptedAt: Date.now() - seconds * 1000, ms: seconds * 1000 });
    observe(name, help, seconds, labels);
  };

  const { url } = await gw.listen(0);
  const tokens = {
    issuer: issuing.apiKeys.create("issuer", "bench").token,
    verifier: verifying.apiKeys.create("consumer", "bench").token,
  };

  serve({
    memory: async ({ lastResort }: { lastResort: boolean }) => memory(lastResort),
    /** Issues `count` records in-process through issueRecord, lets the worker anchor them, writes verify bodies. */
    seed: async ({ count, concurrency, out }: { count: number; concurrency: number; out: string }) => {
      const ctx = {
        department: issuing,
        catalogue: services.catalogue,
        store: issuing.store,
        districtSecret,
        index: issuing.index,
        now: services.now,
      };
      const issued: { recordHash: Hex32; record: CanonicalRecord }[] = new Array(count);
      let next = 0;
      let bytes = 0;
      const started = performance.now();
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          for (let n = next++; n < count; n = next++) {
            const { recordHash, record } = await issueRecord(ctx, businessLicence(n));
            issued[n] = { recordHash, record };
            bytes += Buffer.byteLength(canonicalize(record));
          }
        }),
      );
      const issuedAt = performance.now();
      await issuing.worker.flush();
      const anchoredAt = performance.now();
      // Settle the database as a gateway that has held these records a while would find it, so that the measured
      // processes do not spend their runs on the compactions the seeding left due.
      // `level` types its Level for browsers too; in Node it is a ClassicLevel.
      await (issuing.store.db as unknown as ClassicLevel<string, string>).compactRange("\u0000", "\uffff");
      const file = createWriteStream(out);
      const roots = new Set<string>();
      for (const { recordHash, record } of issued) {
        const anchor = await issuing.store.anchors.get(recordHash);
        if (anchor?.state !== "anchored") throw new Error(`record ${recordHash} is not anchored after the flush`);
        if (anchor.batchRoot) roots.add(anchor.batchRoot);
        const body = anchor.batchRoot
          ? { record, anchor: { batchRoot: anchor.batchRoot, proof: anchor.proof } }
          : { record };
        if (!file.write(`${JSON.stringify(body)}\n`)) await once(file, "drain");
      }
      file.end();
      await once(file, "finish");
      return {
        issued: count,
        issueSeconds: (issuedAt - started) / 1000,
        anchorSeconds: (anchoredAt - issuedAt) / 1000,
        batches: roots.size,
        meanRecordBytes: bytes / count,
      } satisfies SeedReport;
    },
    /** Waits for the outbox to drain by itself, then checks every record was anchored exactly once. */
    /** `foreignRoots`: batches the benchmark anchored itself with the issuer's key (format 1), not this gateway's. */
    check: async ({
      hashes,
      timeoutMs,
      foreignRoots,
    }: {
      hashes: Hex32[];
      timeoutMs: number;
      foreignRoots: Hex32[];
    }) => {
      const started = performance.now();
      const deadline = Date.now() + timeoutMs;
      while ((await issuing.worker.queued()) > 0 && Date.now() < deadline) await sleep(100);
      const drainSeconds = (performance.now() - started) / 1000;
      const outboxLeft = await issuing.worker.queued();
      await services.index.syncNow();
      const claims = new Map<string, number>();
      let storedRecords = 0;
      let storedAnchored = 0;
      for await (const state of issuing.store.anchors.values()) {
        storedRecords++;
        if (state.state === "anchored") storedAnchored++;
        const root = state.batchRoot ?? "single";
        claims.set(root, (claims.get(root) ?? 0) + 1);
      }
      const records = services.registries.records;
      const batchLogs = await records.queryFilter(
        records.filters.CredentialBatchAnchored(undefined, issuing.id),
        deployment.fromBlock,
      );
      const singleLogs = await records.queryFilter(
        records.filters.CredentialAnchored(undefined, undefined, issuing.id),
        deployment.fromBlock,
      );
      let chainRecords = singleLogs.length;
      let rootMismatches = (claims.get("single") ?? 0) === singleLogs.length ? 0 : 1;
      const roots = new Set<string>();
      const foreign = new Set(foreignRoots.map((root) => root.toLowerCase()));
      const ownBatchLogs = batchLogs.filter((log) => !foreign.has(String(log.args.root).toLowerCase()));
      for (const log of ownBatchLogs) {
        const count = Number(log.args.recordCount);
        chainRecords += count;
        roots.add(log.args.root);
        if (claims.get(log.args.root) !== count) rootMismatches++;
      }
      let acceptedMissing = 0;
      let acceptedValid = 0;
      const ctx = { index: services.index, registries: services.registries, now: services.now };
      for (const recordHash of hashes) {
        const [record, anchor] = await Promise.all([
          issuing.store.getRecord(recordHash),
          issuing.store.anchors.get(recordHash),
        ]);
        if (!record || !anchor) {
          acceptedMissing++;
          continue;
        }
        const verdict = await verifyRecord(ctx, {
          record,
          recordHash,
          ...(anchor.batchRoot ? { anchor: { batchRoot: anchor.batchRoot, proof: anchor.proof ?? [] } } : {}),
        });
        if (verdict.status === "valid") acceptedValid++;
      }
      return {
        outboxLeft,
        storedRecords,
        storedAnchored,
        chainBatches: ownBatchLogs.length,
        distinctChainRoots: roots.size,
        chainSingles: singleLogs.length,
        chainRecords,
        rootMismatches,
        acceptedChecked: hashes.length,
        acceptedMissing,
        acceptedValid,
        drainSeconds,
      } satisfies CheckReport;
    },
    /** Accepted-to-anchored latencies of the records accepted between `from` and `to` (epoch ms). */
    lags: async ({ from, to }: { from: number; to: number }) => {
      const sorted = lags
        .filter((l) => l.acceptedAt >= from && l.acceptedAt <= to)
        .map((l) => l.ms)
        .sort((a, b) => a - b);
      return {
        count: sorted.length,
        p50Ms: percentile(sorted, 50),
        p99Ms: percentile(sorted, 99),
        maxMs: sorted.at(-1) ?? Number.NaN,
      } satisfies LagReport;
    },
    close: async () => {
      await gw.close();
      provider.destroy();
      setImmediate(() => process.exit(0));
    },
  });
  send({ type: "ready", url, pid: process.pid, tokens } satisfies Ready);
}

await (config.mode === "baseline" ? baseline() : gateway());

// Issue 13, item 8: verification at a steady rate with issuance alongside, then fairness under a flood. anvil, one
// gateway process hosting psb and market regulation (as npm start hosts every department: one process they share, with
// its default quota and log level), the clients of this process and, for the flood, a client process of its own.
// Run short in npm test, long (5 minutes) in npm run test:soak.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { constants, setPriority } from "node:os";
import { setTimeout as sleep } from "node:timers/promises";
import { type OpenLoopResult, openLoop, percentile } from "../../bench/support/openLoop.ts";
import { ApiKeyFile } from "../../services/gateway/src/auth/apiKeys.ts";
import { DEFAULT_KEY_QUOTA } from "../../services/gateway/src/auth/keyQuota.ts";
import { idCardRequest, residentId } from "../gateway/support.ts";
import { startSeededAnvil } from "../scripts/anvilSystem.ts";
import { freePort } from "../scripts/processes.ts";
import { fetchWithinQuota } from "../support/withinQuota.ts";
import { departmentGateway } from "./psbProcess.ts";

export interface LoadOptions {
  /** How long verification runs at its steady rate, with issuance alongside. */
  steadySeconds: number;
  /** Verifications a second by psb's system, and by market regulation's; issuances a second by psb's. */
  verifyRate: number;
  otherRate: number;
  issueRate: number;
  /** Fairness: this many windows without the flood, as many with it, and as many with it sent to a stand-in, in turn. */
  windows: number;
  windowSeconds: number;
  /** The flood: requests a second by one key of psb's, evenly spaced, past its quota. */
  floodRate: number;
  /** The key's quota (GATEWAY_KEY_RATE): without the flood, the key asks at 90% of it. */
  quotaRate: number;
  /** Set over the gateway's environment (its defaults otherwise: the quota, the log level). */
  gatewayEnv?: Record<string, string>;
  onProgress?: (line: string) => void;
}

type Stream = Pick<OpenLoopResult, "sent" | "ok" | "errors" | "p50Ms" | "p99Ms" | "maxMs" | "maxSendLagMs">;

export interface LoadFigures {
  steady: { seconds: number; psbVerify: Stream; otherVerify: Stream; issue: Stream; errors: number };
  fairness: {
    /**
     * Market regulation's verifications, in the windows without the flood (psb's flooding key then asking at 90% of
     * its quota) and in those with it.
     */
    otherWithout: Stream;
    otherWith: Stream;
    /** otherWith.p99Ms / otherWithout.p99Ms, and the same of p50. */
    p99Ratio: number;
    p50Ratio: number;
    /**
     * The control: market regulation's verifications in windows where the same flood goes to a stand-in process with
     * the gateway's quota and nothing else (floodSink.ts), what the flooding client alone costs this machine; the
     * ratios split p99Ratio into that share (otherWithStandIn / otherWithout) and the gateway's (otherWith /
     * otherWithStandIn).
     */
    otherWithStandIn: Stream;
    p99RatioMachine: number;
    p99RatioGateway: number;
    /** psb's own system's verifications (its other key) meanwhile. */
    psbWith: Stream;
    /** What the flooding key was answered: requests a second, and by status (200 up to its quota, 429 beyond). */
    flood: {
      requestsPerSecond: number;
      /** How late the flood client sent its latest request, at its low CPU priority: near 0 when it kept its rate. */
      maxSendLagMs: number;
      statuses: Record<string, number>;
      failed: number;
      withoutRetryAfter: number;
      /** 429s to the key while it asked within its quota (none expected). */
      refusedWithinQuota: number;
    };
    /** Answers to the other keys that were not 200 in either kind of window. */
    errors: number;
  };
}

/**
 * The promises every run must keep: no errors at a steady rate, the flooding key refused with Retry-After past its quota
 * and never within it, the other keys served throughout. How far the others' p99 moved is a figure: the soak holds it
 * to less than 20% (a timing, so not asserted in npm test).
 */
export const LOAD_PROMISES = {
  "steady.errors": 0,
  "fairness.errors": 0,
  "fairness.flood.withoutRetryAfter": 0,
  "fairness.flood.refusedWithinQuota": 0,
} as const;

/** A figure by its path ("fairness.flood.failed"). */
export const figureAt = (figures: object, path: string): unknown =>
  path.split(".").reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], figures);

const summary = (r: OpenLoopResult): Stream => ({
  sent: r.sent,
  ok: r.ok,
  errors: r.errors,
  p50Ms: round(r.p50Ms),
  p99Ms: round(r.p99Ms),
  maxMs: round(r.maxMs),
  maxSendLagMs: round(r.maxSendLagMs),
});
const round = (ms: number) => Math.round(ms * 100) / 100;
const failures = (...streams: Stream[]) => streams.reduce((n, s) => n + (s.sent - s.ok), 0);

/** Several open-loop runs of the same stream as one: counts summed, percentiles over every latency of them all. */
function merged(runs: OpenLoopResult[], latencies: number[]): OpenLoopResult {
  const errors: Record<string, number> = {};
  for (const r of runs) for (const [k, v] of Object.entries(r.errors)) errors[k] = (errors[k] ?? 0) + v;
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    offeredRate: runs[0]?.offeredRate ?? 0,
    seconds: runs.reduce((n, r) => n + r.seconds, 0),
    sent: runs.reduce((n, r) => n + r.sent, 0),
    ok: runs.reduce((n, r) => n + r.ok, 0),
    errors,
    achievedRate: runs.reduce((n, r) => n + r.achievedRate, 0) / Math.max(1, runs.length),
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    maxMs: sorted.at(-1) ?? Number.NaN,
    maxSendLagMs: Math.max(...runs.map((r) => r.maxSendLagMs)),
  };
}

/** A script of this folder as a process of its own, run by this Node with tsx. */
const tsxProcess = (script: string, args: string[]) =>
  spawn(
    process.execPath,
    ["--import", import.meta.resolve("tsx"), new URL(script, import.meta.url).pathname, ...args],
    {
      stdio: ["ignore", "pipe", "pipe"],
    },
  );

/** floodSink.ts as its own process, with the gateway's quota; resolves with its port and a way to stop it. */
async function standIn(perSecond: number, burst: number): Promise<{ port: number; stop: () => void }> {
  const child = tsxProcess("./floodSink.ts", [String(perSecond), String(burst)]);
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout.once("data", (chunk: Buffer) => resolve(Number(chunk.toString().trim())));
    child.once("error", reject);
    child.once("exit", (code) => reject(new Error(`the flood's stand-in exited (${code}) before it listened`)));
  });
  return { port, stop: () => child.kill() };
}

/**
 * floodClient.ts as its own process: one key's requests at `rate` a second for `seconds`. `started` resolves once it
 * sends (its loading is not counted against the gateway), `report` with what they were answered.
 */
function flood(url: string, token: string, body: string, rate: number, seconds: number) {
  let started: () => void = () => {};
  const sending = new Promise<void>((resolve) => {
    started = resolve;
  });
  const report = new Promise<{
    sent: number;
    failed: number;
    statuses: Record<string, number>;
    withoutRetryAfter: number;
    maxSendLagMs: number;
  }>((resolve, reject) => {
    const child = tsxProcess("./floodClient.ts", [url, token, body, String(rate), String(seconds)]);
    // It stands for another department's machine: on this shared one it takes the CPU only when nothing else wants it,
    // and the rate it achieved is reported beside the figures.
    if (child.pid !== undefined) setPriority(child.pid, constants.priority.PRIORITY_LOW);
    child.stderr.on("data", (chunk: Buffer) => {
      if (chunk.toString().includes("flooding")) started();
    });
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.once("error", reject);
    child.once("exit", () => {
      try {
        resolve(JSON.parse(out));
      } catch (error) {
        reject(new Error(`the flood client printed no report: ${(error as Error).message}`));
      }
    });
  });
  return { sending, report };
}

export async function loadFairness(options: LoadOptions): Promise<LoadFigures> {
  const say = options.onProgress ?? (() => {});
  const chain = await startSeededAnvil();
  try {
    // A key of psb's made for the flood, beside the dev keys psb's system and market regulation's use.
    const floodToken = new ApiKeyFile(`${chain.dataDir}/gateway/psb/api-keys.json`, "psb").create(
      "consumer",
      "flood",
    ).token;
    const port = await freePort();
    const gateway = await departmentGateway(chain, port, ["psb", "market-regulation"], {
      LOG_LEVEL: "info",
      ...options.gatewayEnv,
    });
    chain.also(() => gateway.stop());
    await gateway.start();
    const sink = await standIn(options.quotaRate, DEFAULT_KEY_QUOTA.burst);
    chain.also(() => sink.stop());
    const tokens = JSON.parse(readFileSync(`${chain.dataDir}/gateway/dev-api-keys.json`, "utf8"));
    const url = (code: string, path: string) => `http://127.0.0.1:${port}/departments/${code}${path}`;
    const post = async (address: string, token: string, body: unknown) => {
      const response = await fetch(address, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      await response.arrayBuffer();
      return response.status;
    };

    // Records to verify: issued and anchored before the run.
    const hashes: string[] = [];
    let issuerId = 0;
    for (let i = 0; i < 64; i++) {
      const response = await fetchWithinQuota(url("psb", "/records"), {
        method: "POST",
        headers: { authorization: `Bearer ${tokens.psb.issuer}`, "content-type": "application/json" },
        body: JSON.stringify(idCardRequest(residentId(i))),
      });
      const body = (await response.json()) as { recordHash: string; record: { issuerId: number } };
      hashes.push(body.recordHash);
      issuerId = body.record.issuerId;
    }
    for (const hash of hashes) {
      for (;;) {
        const response = await fetch(url("psb", `/records/${hash}`), {
          headers: { authorization: `Bearer ${tokens.psb.issuer}` },
        });
        const { anchor } = (await response.json()) as { anchor?: { state: string } };
        if (anchor?.state === "anchored") break;
        await sleep(50);
      }
    }
    say(`gateway ready; ${hashes.length} records anchored`);

    const verifier = (code: string, token: string) => async (i: number) => {
      const status = await post(url(code, "/verify"), token, { recordHash: hashes[i % hashes.length], issuerId });
      return status === 200 ? "ok" : `HTTP ${status}`;
    };
    const psbVerify = verifier("psb", tokens.psb.consumer);
    const otherVerify = verifier("market-regulation", tokens["market-regulation"].consumer);
    let issued = 1000;
    const issue = async () => {
      const status = await post(url("psb", "/records"), tokens.psb.issuer, idCardRequest(residentId(issued++ % 1000)));
      return status === 202 ? "ok" : `HTTP ${status}`;
    };

    say(`steady: ${options.verifyRate} + ${options.otherRate} verifications/s and ${options.issueRate} issuances/s`);
    const [psbSteady, otherSteady, issueSteady] = await Promise.all([
      openLoop(options.verifyRate, options.steadySeconds, psbVerify),
      openLoop(options.otherRate, options.steadySeconds, otherVerify),
      openLoop(options.issueRate, options.steadySeconds, issue),
    ]);
    const steady = {
      seconds: options.steadySeconds,
      psbVerify: summary(psbSteady),
      otherVerify: summary(otherSteady),
      issue: summary(issueSteady),
      errors: 0,
    };
    steady.errors = failures(steady.psbVerify, steady.otherVerify, steady.issue);
    say(`steady done: p99 ${steady.psbVerify.p99Ms} / ${steady.otherVerify.p99Ms} ms, ${steady.errors} errors`);

    // Fairness: the same traffic of both departments' systems, in windows alternately without and with the flood.
    const without: OpenLoopResult[] = [];
    const withFlood: OpenLoopResult[] = [];
    const withStandIn: OpenLoopResult[] = [];
    const psbWith: OpenLoopResult[] = [];
    const latencies = { without: [] as number[], with: [] as number[], standIn: [] as number[], psb: [] as number[] };
    const statuses: Record<string, number> = {};
    let floodRequests = 0;
    let floodFailed = 0;
    let floodLag = 0;
    let withoutRetryAfter = 0;
    let withinRefused = 0;
    const floodBody = JSON.stringify({ recordHash: hashes[0], issuerId });
    /** One window: the flooding key at `rate`, and both departments' systems measured meanwhile. */
    const windowAt = async (rate: number, other: number[], psb?: number[], target = url("psb", "/verify")) => {
      const flooding = flood(target, floodToken, floodBody, rate, options.windowSeconds + 2);
      // Measured from a second after the key's requests are under way: past its start, when it spends its burst.
      await flooding.sending;
      await sleep(1000);
      const [otherRun, psbRun] = await Promise.all([
        openLoop(options.otherRate, options.windowSeconds, otherVerify, other),
        openLoop(options.verifyRate, options.windowSeconds, psbVerify, psb),
      ]);
      return { otherRun, psbRun, report: await flooding.report };
    };
    for (let w = 0; w < options.windows; w++) {
      // Without the flood, the same key asks at 90% of its quota: what the other departments must bear anyway.
      const { otherRun: other, report: within } = await windowAt(options.quotaRate * 0.9, latencies.without);
      without.push(other);
      withinRefused += within.statuses["429"] ?? 0;
      const {
        otherRun: otherFlooded,
        psbRun: psbFlooded,
        report,
      } = await windowAt(options.floodRate, latencies.with, latencies.psb);
      withFlood.push(otherFlooded);
      psbWith.push(psbFlooded);
      floodRequests += report.sent;
      floodFailed += report.failed;
      floodLag = Math.max(floodLag, report.maxSendLagMs);
      withoutRetryAfter += report.withoutRetryAfter;
      for (const [status, count] of Object.entries(report.statuses)) statuses[status] = (statuses[status] ?? 0) + count;
      const { otherRun: otherBesideStandIn } = await windowAt(
        options.floodRate,
        latencies.standIn,
        undefined,
        `http://127.0.0.1:${sink.port}/verify`,
      );
      withStandIn.push(otherBesideStandIn);
      say(
        `window ${w + 1}: p99 ${round(other.p99Ms)} ms without the flood, ${round(otherFlooded.p99Ms)} ms with it, ` +
          `${round(otherBesideStandIn.p99Ms)} ms with it sent to the stand-in`,
      );
    }
    const otherWithout = summary(merged(without, latencies.without));
    const otherWith = summary(merged(withFlood, latencies.with));
    const psbFlooded = summary(merged(psbWith, latencies.psb));
    const otherWithStandIn = summary(merged(withStandIn, latencies.standIn));
    return {
      steady,
      fairness: {
        otherWithout,
        otherWith,
        p99Ratio: round(otherWith.p99Ms / otherWithout.p99Ms),
        p50Ratio: round(otherWith.p50Ms / otherWithout.p50Ms),
        otherWithStandIn,
        p99RatioMachine: round(otherWithStandIn.p99Ms / otherWithout.p99Ms),
        p99RatioGateway: round(otherWith.p99Ms / otherWithStandIn.p99Ms),
        psbWith: psbFlooded,
        flood: {
          requestsPerSecond: Math.round(floodRequests / (options.windows * (options.windowSeconds + 2))),
          maxSendLagMs: round(floodLag),
          statuses,
          failed: floodFailed,
          withoutRetryAfter,
          refusedWithinQuota: withinRefused,
        },
        errors: failures(otherWithout, otherWith, otherWithStandIn, psbFlooded),
      },
    };
  } finally {
    await chain.stop();
  }
}

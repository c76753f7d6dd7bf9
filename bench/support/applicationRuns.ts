// The measured part of bench/federation.ts: applications sent to one setup's consumer at a fixed rate, every answer
// checked (a new application, every material waived), and the CPU each process spent on them read from /proc.
import { availableParallelism } from "node:os";
import { setTimeout as sleep } from "node:timers/promises";
import { applicationBody, type Material } from "./applicants.ts";
import type { RunReport } from "./federationReport.ts";
import { keepAliveAgent, postJson } from "./http.ts";
import { type Outcome, openLoop } from "./openLoop.ts";
import { cpuSecondsOf, machineBusySeconds } from "./processes.ts";

export interface Measured {
  label: string;
  pid: number;
  /** A gateway process of an issuer only (counted in "issuers (sum)"). */
  issuer?: boolean;
}

const REQUEST_TIMEOUT_MS = 5_000;
/**
 * Before a run, the processes settle: below SETTLED_CORES of CPU together over a second (at most SETTLE_MAX_MS), so
 * that the queries of applications an earlier run gave up on are not this run's load.
 */
const SETTLED_CORES = 0.25;
const SETTLE_MAX_MS = 10_000;

const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

export async function settle(processes: Measured[]): Promise<void> {
  const deadline = Date.now() + SETTLE_MAX_MS;
  const cpu = () => processes.reduce((sum, m) => sum + cpuSecondsOf(m.pid), 0);
  for (let before = cpu(); Date.now() < deadline; ) {
    await sleep(1_000);
    const now = cpu();
    if (now - before < SETTLED_CORES) return;
    before = now;
  }
}

/**
 * Applications of `scenario` to `consumerUrl`: applicant n applies n-th, so no applicant applies twice to one
 * consumer. An application is "ok" when it is answered 201 with every material waived.
 */
export function applicationDriver(consumerUrl: string, token: string, scenario: string, materials: Material[]) {
  const [base] = consumerUrl.split("/departments/");
  const url = `${consumerUrl}/applications`;
  /** Applications the consumer has evaluated, whether or not this process still waited for the answer. */
  const evaluated = async () => {
    const metrics = await (await fetch(`${base}/metrics`, { signal: AbortSignal.timeout(30_000) })).text();
    const counted = [...metrics.matchAll(/^oncechain_application_materials_total\{[^}]*\} (\d+)$/gm)];
    return counted.reduce((sum, m) => sum + Number(m[1]), 0) / materials.length;
  };
  const agent = keepAliveAgent();
  const counts = { applications: 0, waived: 0, shared: 0, notWaived: {} as Record<string, number> };
  async function apply(): Promise<Outcome> {
    const body = JSON.stringify(applicationBody(scenario, counts.applications++));
    let answer: Awaited<ReturnType<typeof postJson>>;
    try {
      answer = await postJson(agent, url, token, body, REQUEST_TIMEOUT_MS);
    } catch (error) {
      return (error as Error).message === "timeout" ? "timeout" : "network error";
    }
    if (answer.status !== 201) return `HTTP ${answer.status} ${/"code":"([A-Z_]+)"/.exec(answer.text)?.[1] ?? ""}`;
    const application = JSON.parse(answer.text) as {
      materials: { credentialType: string; outcome: { status: string; reason?: string; shared?: boolean } }[];
    };
    let all = application.materials.length === materials.length;
    for (const { credentialType, outcome } of application.materials) {
      if (outcome.status === "waived") {
        counts.waived++;
        if (outcome.shared) counts.shared++;
      } else {
        all = false;
        const key = `${credentialType}: ${outcome.status} (${outcome.reason ?? ""})`;
        counts.notWaived[key] = (counts.notWaived[key] ?? 0) + 1;
      }
    }
    return all ? "ok" : "material not waived";
  }
  return { apply, evaluated, counts, requestTimeoutMs: REQUEST_TIMEOUT_MS, close: () => agent.destroy() };
}

export type ApplicationDriver = ReturnType<typeof applicationDriver>;

/**
 * One open-loop run of `seconds` at `rate`, with the CPU per application of each of `measured` and of this process,
 * and the CPU that `idle` (the other setup's processes, which should get nothing) used meanwhile.
 */
export async function measuredRun(
  driver: ApplicationDriver,
  rate: number,
  seconds: number,
  measured: Measured[],
  idle: Measured[],
): Promise<RunReport> {
  const { counts } = driver;
  const before = { ...counts, notWaived: { ...counts.notWaived } };
  const evaluatedBefore = await driver.evaluated();
  const cpuBefore = measured.map((m) => cpuSecondsOf(m.pid));
  const idleBefore = idle.reduce((sum, m) => sum + cpuSecondsOf(m.pid), 0);
  const ownBefore = process.cpuUsage();
  const busyBefore = machineBusySeconds();
  const wallBefore = performance.now();
  const result = await openLoop(rate, seconds, driver.apply);
  // Every counter is read at the end of the run, before the metrics request, which a busy consumer answers late.
  const wallS = (performance.now() - wallBefore) / 1000;
  const own = process.cpuUsage(ownBefore);
  const used = measured.map((m, i) => cpuSecondsOf(m.pid) - (cpuBefore[i] as number));
  const idleUsed = idle.reduce((sum, m) => sum + cpuSecondsOf(m.pid), 0) - idleBefore;
  const busyUsed = machineBusySeconds() - busyBefore;
  // Per application the consumer evaluated in the run: under overload many are answered after the client gave up.
  const evaluated = (await driver.evaluated()) - evaluatedBefore;
  const perApplicationMs = (cpuSeconds: number) => round((cpuSeconds * 1000) / Math.max(1, evaluated), 2);
  const cpuMs = Object.fromEntries(measured.map((m, i) => [m.label, perApplicationMs(used[i] as number)]));
  if (measured.filter((m) => m.issuer).length > 1) {
    cpuMs["issuers (sum)"] = perApplicationMs(measured.reduce((sum, m, i) => sum + (m.issuer ? (used[i] ?? 0) : 0), 0));
  }
  const ownUsed = (own.user + own.system) / 1e6;
  cpuMs["load generator"] = perApplicationMs(ownUsed);
  const oursUsed = used.reduce((sum, u) => sum + u, ownUsed);
  cpuMs.total = perApplicationMs(oursUsed);
  const notWaived = Object.entries(counts.notWaived)
    .map(([what, n]) => [what, n - (before.notWaived[what] ?? 0)] as const)
    .filter(([, n]) => n > 0);
  return {
    ...result,
    achievedRate: round(result.achievedRate),
    p50Ms: round(result.p50Ms),
    p99Ms: round(result.p99Ms),
    maxMs: round(result.maxMs),
    maxSendLagMs: round(result.maxSendLagMs),
    waivedMaterials: counts.waived - before.waived,
    sharedMaterials: counts.shared - before.shared,
    notWaived: Object.fromEntries(notWaived),
    cpuMsPerApplication: cpuMs,
    ourCores: round(oursUsed / wallS, 2),
    machineBusyCores: round(busyUsed / wallS, 2),
    idleSetupCores: round(idleUsed / wallS, 2),
    evaluated: round(evaluated, 0),
    cpuBoundRate: round((availableParallelism() * evaluated) / oursUsed),
  };
}

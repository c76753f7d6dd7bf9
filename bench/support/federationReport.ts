// The results of bench/federation.ts: their shape (federation.json) and the readable report (federation.md).
import type { OpenLoopResult } from "./openLoop.ts";

export interface RunReport extends OpenLoopResult {
  waivedMaterials: number;
  sharedMaterials: number;
  /** Materials not waived, by type, status and reason. */
  notWaived: Record<string, number>;
  /** Applications the consumer evaluated during the run (its oncechain_application_materials_total ÷ materials). */
  evaluated: number;
  /** CPU (user + system, from /proc) of each process over the run, divided by the applications evaluated in it. */
  cpuMsPerApplication: Record<string, number>;
  /** Busy CPU of the whole machine over the run (of its cores), whoever used it. */
  machineBusyCores: number;
  /** CPU of the benchmark's processes (gateways, chain, load generator) over the run, in cores. */
  ourCores: number;
  /** CPU the other setup's processes used meanwhile, in cores: near 0 when the chain's endpoints route to this one. */
  idleSetupCores: number;
  /** Applications per second the machine's cores could carry at this run's CPU per application, nothing else running. */
  cpuBoundRate: number;
}

export interface SetupReport {
  /** The departments of each gateway process. */
  processes: string[][];
  warmup: { applications: number; waived: number; shared: number };
  runs: RunReport[];
  sustainedRate: number;
}

export interface Target {
  name: string;
  value: string;
  pass: boolean;
}

/** One open-loop run of the transport floor (bench/support/transportFloor.ts). */
export interface FloorRun {
  offeredRate: number;
  achievedRate: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  /** consumer, issuers (sum), load generator, total: CPU ms per application, as for the setups. */
  cpuMsPerApplication: Record<string, number>;
}

export interface Results {
  scenario: string;
  consumer: string;
  issuers: string[];
  materials: string[];
  sustainedRate: { acrossProcesses: number; oneProcess: number; ratio: number | null };
  /** Across processes ÷ one process, per rate. */
  ratios: { rate: number; p99: number; p50: number; achievedRate: number; cpuPerApplication: number }[];
  setups: { acrossProcesses: SetupReport; oneProcess: SetupReport };
  /** The same shape across processes with handlers that do nothing: what processes and HTTP alone cost here. */
  transportFloor?: FloorRun[];
  targets?: Target[];
  details: {
    setup: Record<string, unknown> & {
      applicants: number;
      records: number;
      issueSeconds: number;
      anchorSecondsAfterIssue: number;
      runSeconds: number;
      warmup: string;
      requestTimeoutMs: number;
      applicationsPerHour: number;
      gatewayNodeFlags: string[];
      chain: string;
    };
    environment: {
      node: string;
      cpus: number;
      cpuModel: string;
      memoryGb: number;
      loadAverageAtStart: number[];
      loadAverageAtEnd: number[];
    };
    totalSeconds: number;
  };
}

const fmt = (n: number, digits = 1) => n.toLocaleString("en-US", { maximumFractionDigits: digits });

function runTable(setup: SetupReport): string[] {
  const labels = Object.keys(setup.runs[0]?.cpuMsPerApplication ?? {});
  return [
    `| offered /s | achieved /s | p50 ms | p99 ms | max ms | sent | errors | materials waived | evaluated | ${labels.map((l) => `CPU ms/app: ${l}`).join(" | ")} | ours / machine busy (cores) | other setup (cores) | CPU-bound /s |`,
    `| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ${labels.map(() => "---:").join(" | ")} | ---: | ---: | ---: |`,
    ...setup.runs.map(
      (r) =>
        `| ${r.offeredRate} | ${fmt(r.achievedRate)} | ${fmt(r.p50Ms)} | ${fmt(r.p99Ms)} | ${fmt(r.maxMs)} | ${r.sent} | ${r.sent - r.ok} | ${r.waivedMaterials} | ${r.evaluated} | ${labels.map((l) => fmt(r.cpuMsPerApplication[l] ?? Number.NaN, 2)).join(" | ")} | ${fmt(r.ourCores, 2)} / ${fmt(r.machineBusyCores, 2)} | ${fmt(r.idleSetupCores, 2)} | ${fmt(r.cpuBoundRate, 0)} |`,
    ),
  ];
}

function errorLines(setup: SetupReport): string[] {
  const lines = setup.runs.flatMap((r) => [
    ...Object.entries(r.errors).map(([what, n]) => `- ${r.offeredRate}/s: ${n} × ${what}`),
    ...Object.entries(r.notWaived).map(([what, n]) => `- ${r.offeredRate}/s: ${n} × not waived: ${what}`),
  ]);
  return lines.length > 0 ? lines : ["- none"];
}

function floorLines(r: Results): string[] {
  const runs = r.transportFloor ?? [];
  if (runs.length === 0) return [];
  const labels = Object.keys(runs[0]?.cpuMsPerApplication ?? {});
  return [
    "## Transport floor: the same processes and HTTP, handlers that do nothing",
    "",
    "A consumer process asking four issuer processes at once over keep-alive HTTP on loopback, answered by handlers that",
    "only parse and write JSON of the real sizes (`bench/support/transportFloor.ts`), at the same rates in the same run:",
    "what the shape alone costs on this machine. Across processes an application costs at least this plus what the one",
    "process setup spends on the application itself, before any signature, nonce or access-log entry of a peer query.",
    "",
    `| offered /s | achieved /s | p50 ms | p99 ms | errors | ${labels.map((l) => `CPU ms/app: ${l}`).join(" | ")} |`,
    `| ---: | ---: | ---: | ---: | ---: | ${labels.map(() => "---:").join(" | ")} |`,
    ...runs.map(
      (x) =>
        `| ${x.offeredRate} | ${fmt(x.achievedRate)} | ${fmt(x.p50Ms)} | ${fmt(x.p99Ms)} | ${x.errors} | ${labels.map((l) => fmt(x.cpuMsPerApplication[l] ?? Number.NaN, 2)).join(" | ")} |`,
    ),
    "",
  ];
}

export function markdown(r: Results): string {
  const d = r.details;
  const a = r.setups.acrossProcesses;
  const b = r.setups.oneProcess;
  return [
    "# Federation: scenario applications across gateway processes and in one",
    "",
    `Generated ${new Date().toISOString()} by \`npm run bench:federation\` (\`bench/federation.ts\`) in ${fmt(d.totalSeconds, 0)} s.`,
    `Node ${d.environment.node}, ${d.environment.cpus} CPUs (${d.environment.cpuModel}), ${d.environment.memoryGb} GiB; load average at the start ${d.environment.loadAverageAtStart.join(", ")}, at the end ${d.environment.loadAverageAtEnd.join(", ")}.`,
    `Chain: ${d.setup.chain}. Gateways: \`scripts/gateway.ts\` (as \`npm run gateway\` runs it, ${d.setup.gatewayNodeFlags.map((f) => `\`${f}\``).join(" ")}), dev keys, GATEWAY_APPLICATIONS_PER_HOUR=${d.setup.applicationsPerHour}, GATEWAY_KEY_RATE=0 (no per-key quota).`,
    "",
    `Each application is \`POST /departments/${r.consumer}/applications\` of \`${r.scenario}\` for a new applicant and shop: ${r.materials.length} materials,`,
    `${r.materials.join(", ")}, each asked of its issuer (across processes an RFC 9421-signed peer query over HTTP; a`,
    "department in the consumer's own process, its own material and in one process every one, is asked in the process) and",
    "verified against the consumer's chain index. Requests are sent on a fixed schedule",
    `(open loop), latency measured from each request's due time; ${d.setup.warmup} of warm-up per setup, then ${d.setup.runSeconds} s per rate,`,
    `a request timing out after ${fmt(d.setup.requestTimeoutMs / 1000, 0)} s (the consumer gives an issuer 3 s). An error is any answer but 201, or an application with a material not waived.`,
    "",
    `Records: ${fmt(d.setup.records, 0)} (${fmt(d.setup.applicants, 0)} applicants × ${r.materials.length}), issued over HTTP in ${fmt(d.setup.issueSeconds)} s and anchored ${fmt(d.setup.anchorSecondsAfterIssue)} s later;`,
    "each setup then starts fresh processes on its own copy of that data, so both see the same applicants, one application",
    "each. Both setups stay up; the chain's endpoints name the one measured (the other's CPU meanwhile is in the tables), and",
    `the runs alternate rate by rate so that the rest of the machine's load weighs on both alike: ${(d.setup.order as string[]).join(", ")}.`,
    "",
    "## Results",
    "",
    "| Figure | Across processes | One process | Ratio (across / one) |",
    "| --- | ---: | ---: | ---: |",
    `| applications/s sustained with 0 errors (of the rates run) | ${r.sustainedRate.acrossProcesses} | ${r.sustainedRate.oneProcess} | ${r.sustainedRate.ratio ?? "—"} |`,
    ...r.ratios.map((x, i) => {
      const ra = a.runs[i];
      const rb = b.runs[i];
      return `| p99 at ${x.rate}/s (ms) | ${fmt(ra?.p99Ms ?? Number.NaN)} | ${fmt(rb?.p99Ms ?? Number.NaN)} | ${x.p99} |`;
    }),
    "",
    "## Targets",
    "",
    "| Target | Measured | Result |",
    "| --- | ---: | --- |",
    ...(r.targets ?? []).map((t) => `| ${t.name} | ${t.value} | ${t.pass ? "PASS" : "FAIL"} |`),
    "",
    `## Across processes: ${a.processes.map((p) => p.join(", ")).join(" · ")}`,
    "",
    ...runTable(a),
    "",
    "Errors:",
    ...errorLines(a),
    "",
    `## One process: ${b.processes[0]?.join(", ") ?? ""}`,
    "",
    ...runTable(b),
    "",
    "Errors:",
    ...errorLines(b),
    "",
    ...floorLines(r),
    "## Ratios per rate (across processes / one process)",
    "",
    "| offered /s | p50 | p99 | achieved /s | CPU per application |",
    "| ---: | ---: | ---: | ---: | ---: |",
    ...r.ratios.map((x) => `| ${x.rate} | ${x.p50} | ${x.p99} | ${x.achievedRate} | ${x.cpuPerApplication} |`),
    "",
    "CPU per application: user + system time of each process from /proc over the run, divided by the applications the",
    "consumer evaluated in it (under overload many are evaluated after the client gave up on them); the load generator is",
    "this benchmark's own process. Ours / machine busy: the CPU of those processes over the run, and all the machine's busy",
    "CPU, in cores (of 2); the machine is shared, so the difference is other work. CPU-bound /s: cores ÷ total CPU per",
    "application, the rate the machine could carry at that cost with nothing else running (a loaded machine also raises",
    "the CPU an application costs, through shared caches and cores).",
    "",
  ].join("\n");
}

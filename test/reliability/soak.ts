// npm run test:soak [-- <run>...]: the long versions of the reliability tests (docs/RELIABILITY.md), each printing its
// figures and whether each promise held; the figures are written to bench/results/soak.json (a run given by name
// replaces only its own entry). Exits 1 when a promise failed. Not part of npm test: the short versions are.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { crashDuringIssuance } from "./crashDuringIssuance.ts";

interface SoakRun {
  title: string;
  run(say: (line: string) => void): Promise<object>;
  /** The figures that must be exactly these values (most of them 0). */
  promises(figures: Record<string, unknown>): Record<string, unknown>;
}

const RUNS: Record<string, SoakRun> = {
  crash: {
    title: "SIGKILL of the gateway process during 10,000 issuances, 100 times",
    run: (say) => crashDuringIssuance({ issuances: 10_000, kills: 100, clients: 8, onProgress: say }),
    promises: (f) => ({
      acknowledged: f.issuances,
      acknowledgedLost: 0,
      anchoredTwice: 0,
      differingAnswers: 0,
      unexpectedAnswers: 0,
      recordsOnChain: f.issuances,
    }),
  },
};

const file = new URL("../../bench/results/soak.json", import.meta.url);
const asked = process.argv.slice(2);
const unknown = asked.filter((name) => !(name in RUNS));
if (unknown.length > 0) {
  console.error(`unknown run: ${unknown.join(", ")} (the runs: ${Object.keys(RUNS).join(", ")})`);
  process.exit(2);
}
const names = asked.length > 0 ? asked : Object.keys(RUNS);
const results: Record<string, unknown> = existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) : {};
let failed = 0;
for (const name of names) {
  const soak = RUNS[name] as SoakRun;
  const started = Date.now();
  const say = (line: string) => console.log(`  [${name} ${((Date.now() - started) / 1000).toFixed(0)} s] ${line}`);
  console.log(`${name}: ${soak.title}`);
  const figures = (await soak.run(say)) as Record<string, unknown>;
  const checks = Object.entries(soak.promises(figures)).map(([figure, promised]) => ({
    figure,
    promised,
    measured: figures[figure],
    held: figures[figure] === promised,
  }));
  for (const [figure, value] of Object.entries(figures)) console.log(`  ${figure}: ${JSON.stringify(value)}`);
  for (const check of checks.filter((c) => !c.held)) {
    console.log(`  ✘ ${check.figure}: promised ${check.promised}, measured ${JSON.stringify(check.measured)}`);
  }
  failed += checks.filter((c) => !c.held).length;
  console.log(`  ${checks.every((c) => c.held) ? "✔ every promise held" : "✘ a promise failed"}`);
  results[name] = {
    title: soak.title,
    at: new Date().toISOString(),
    seconds: Math.round((Date.now() - started) / 1000),
    figures,
    promisesHeld: checks.every((c) => c.held),
  };
  mkdirSync(new URL(".", file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
}
console.log(`wrote bench/results/soak.json (${names.join(", ")})`);
process.exit(failed > 0 ? 1 : 0);

import { spawnSync } from "node:child_process";
import { appendFileSync, existsSync, mkdtempSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { afterAll, describe, expect, it } from "vitest";
import { removeHandedOut, removeTestDir } from "../support/leftBehind.ts";
import { copyCheckout, removeCheckoutCopy } from "./checkoutCopy.ts";
import { expectCommitmentStory, expectDisclosure } from "./demoOutput.ts";
import { freePort, runNpm, type Started } from "./processes.ts";

/** Where npm start records itself for other terminals (scripts/lib/runningSystem.ts), as the README says. */
const runningFile = (root: string) => `${root}.oncechain/running.json`;

/** Every file under the build's output directories, with its modification time. */
function buildOutputTimes(root: string): Record<string, number> {
  const times: Record<string, number> = {};
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory()) walk(path);
      else times[path.slice(root.length)] = statSync(path).mtimeMs;
    }
  };
  for (const dir of ["artifacts", "cache", "types/ethers-contracts"]) walk(`${root}${dir}`);
  return times;
}

/** The longest silence, in ms, between two lines of output up to the first line matching `until`. */
function longestSilence(run: Started, until: RegExp): number {
  const lines = run.lines();
  const end = lines.findIndex((line) => until.test(line.text));
  let longest = 0;
  for (let i = 1; i <= end; i++) longest = Math.max(longest, (lines[i]?.at ?? 0) - (lines[i - 1]?.at ?? 0));
  return longest;
}

const TOTALS = /This run's \d+ applications .*: \d+ of their \d+ materials no longer collected.*/;

describe("a fresh checkout, as a newcomer finds it", () => {
  const root = copyCheckout();
  const dataDir = mkdtempSync(`${tmpdir()}/oncechain-elsewhere-`);
  const ports = { chain: 0, gateway: 0 };
  let start: Started | undefined;
  const demoTotals: string[] = [];
  const startEnv = () => ({
    CHAIN_PORT: String(ports.chain),
    GATEWAY_PORT: String(ports.gateway),
    ONCECHAIN_DATA_DIR: dataDir,
  });

  afterAll(async () => {
    if (start) {
      start.interrupt();
      const timer = setTimeout(() => start?.interrupt("SIGKILL"), 20_000);
      await start.exited;
      clearTimeout(timer);
    }
    removeCheckoutCopy(root);
    // What the demo hands the shop (its licence's name and address, as a file and a QR code).
    removeHandedOut(`${dataDir}/demo`);
    removeTestDir(dataDir);
  });

  it("the first npm start says it compiles and prints a line at least every 10 s until ready, which counts the compile", async () => {
    ports.chain = await freePort();
    ports.gateway = await freePort();
    start = runNpm(root, ["start"], startEnv());
    await start.waitFor(/ready in .*Ctrl-C stops everything/, 290_000);
    expect(longestSilence(start, /ready in/)).toBeLessThan(10_000);
    expect(start.output()).toContain("contracts: compiling (no build yet); the first compile takes about");
    const [, ready, compiling] = /ready in ([\d.]+) s \(([\d.]+) s of it compiling the contracts\)/.exec(
      start.output(),
    ) ?? [undefined, "0", "0"];
    expect(Number(compiling)).toBeGreaterThan(0);
    expect(Number(ready)).toBeGreaterThan(Number(compiling));
  }, 300_000);

  it("npm run status with nothing changed since the last build does not rebuild: no build output is rewritten", async () => {
    const before = buildOutputTimes(root);
    const status = runNpm(root, ["run", "-s", "status", "--", "--json"], startEnv());
    expect(await status.exited).toBe(0);
    expect(status.output()).not.toContain("compiling");
    expect(buildOutputTimes(root)).toEqual(before);
  });

  it("a second terminal with no environment finds an npm start running on other ports and another data directory", async () => {
    const status = runNpm(root, ["run", "-s", "status", "--", "--json"]);
    expect(await status.exited).toBe(0);
    expect(JSON.parse(status.stdout()).rpcUrl).toBe(`http://127.0.0.1:${ports.chain}`);

    const key = runNpm(root, ["run", "-s", "dev-key", "--", "market-regulation", "consumer"]);
    expect(await key.exited).toBe(0);
    const { TOKEN, URL } = Object.fromEntries(
      key
        .stdout()
        .trim()
        .split("\n")
        .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]),
    );
    expect(URL).toBe(`http://127.0.0.1:${ports.gateway}/departments/market-regulation`);
    const scenario = await fetch(`${URL}/catalogue/scenarios/open-convenience-store`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(scenario.status).toBe(200);

    const demo = runNpm(root, ["run", "demo"]);
    expect(await demo.exited, demo.output()).toBe(0);
    expect(demo.output()).toContain(`oncechain demo against http://127.0.0.1:${ports.gateway}`);
    demoTotals.push(TOTALS.exec(demo.output())?.[0] ?? "no totals line");
  }, 120_000);

  it("a location variable set in the second terminal wins over what npm start recorded", async () => {
    const elsewhere = await freePort();
    const status = runNpm(root, ["run", "-s", "status"], { CHAIN_PORT: String(elsewhere) });
    expect(await status.exited).toBe(1);
    expect(status.output()).toContain(`no chain answers at http://127.0.0.1:${elsewhere}`);
  });

  it("the demo says in a sentence each what its matters and materials are and what its synthetic applicants are", async () => {
    const demo = runNpm(root, ["run", "demo"], startEnv());
    expect(await demo.exited, demo.output()).toBe(0);
    const output = demo.output();
    expect(output).toMatch(/我要开便利店 \(Open a convenience store\): 8 matters, 5 materials\n/);
    expect(output).toContain(
      "(a matter is one department's approval step, such as a licence or a registration; the materials are the documents those steps ask for, 5 different ones here)",
    );
    expect(output).toMatch(
      /synthetic applicants of run (\d+);.*\nEach run makes up a new applicant and shop \(run \1's\)/,
    );
    demoTotals.push(TOTALS.exec(output)?.[0] ?? "no totals line");
    expectCommitmentStory(output);
    expectDisclosure(output);
  }, 120_000);

  it("the demo's totals count only its own run's applications: every run prints the same totals", async () => {
    expect(demoTotals).toHaveLength(2);
    expect(demoTotals[0]).toMatch(/^This run's 4 applications \(market-regulation 2, tobacco 1, culture-tourism 1\)/);
    expect(demoTotals[1]).toBe(demoTotals[0]);
  });

  it("one Ctrl-C (SIGINT to the whole process group, as a terminal sends it) stops npm start cleanly, removing its record", async () => {
    expect(existsSync(runningFile(root))).toBe(true);
    start?.interrupt();
    await start?.exited;
    expect(start?.output()).toMatch(/stopping…\nstopped; the chain and the gateways' data stay in /);
    expect(existsSync(runningFile(root))).toBe(false);
  }, 60_000);

  it("a record whose npm start is gone is ignored, with a message saying so", async () => {
    const gone = spawnSync(process.execPath, ["-e", ""]).pid;
    const chainRpcUrl = `http://127.0.0.1:${ports.chain}`;
    const record = { pid: gone, startedAt: "2026-01-01T00:00:00.000Z", chainRpcUrl, gatewayUrl: "", dataDir };
    writeFileSync(runningFile(root), JSON.stringify(record));
    const status = runNpm(root, ["run", "-s", "status"]);
    await status.exited;
    expect(status.output()).toContain(`the npm start that wrote it (pid ${gone}, started 2026-01-01`);
    expect(status.output()).toContain("is no longer running; using the environment and the defaults");
    expect(status.output()).not.toContain(chainRpcUrl);
  });

  it("a contract changed since the last build is compiled again before a command runs, naming the file", async () => {
    appendFileSync(`${root}contracts/RegistryDirectory.sol`, "// changed\n");
    const status = runNpm(root, ["run", "-s", "status"], startEnv());
    await status.exited;
    expect(status.output()).toContain(
      "contracts: compiling (contracts/RegistryDirectory.sol changed since the last build)",
    );
    expect(status.output()).toMatch(/contracts: compiled in [\d.]+ s/);
  }, 120_000);
});

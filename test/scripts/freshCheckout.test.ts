import { appendFileSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { afterAll, describe, expect, it } from "vitest";
import { copyCheckout, removeCheckoutCopy } from "./checkoutCopy.ts";
import { freePort, runNpm, type Started } from "./processes.ts";

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

describe("a fresh checkout, as a newcomer finds it", () => {
  const root = copyCheckout();
  const dataDir = mkdtempSync(`${tmpdir()}/oncechain-elsewhere-`);
  const ports = { chain: 0, gateway: 0 };
  let start: Started | undefined;
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
    rmSync(dataDir, { recursive: true, force: true });
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

  it("one Ctrl-C (SIGINT to the whole process group, as a terminal sends it) stops npm start cleanly", async () => {
    start?.interrupt();
    await start?.exited;
    expect(start?.output()).toMatch(/stopping…\nstopped; the chain and the gateways' data stay in /);
  }, 60_000);

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

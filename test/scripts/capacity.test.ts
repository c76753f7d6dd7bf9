// docs/CAPACITY.md is what npm run capacity makes of the committed benchmark results: rerun it after a benchmark.
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { expect, it } from "vitest";
import { projectRoot } from "../../scripts/lib/paths.ts";
import { removeTestDir } from "../support/leftBehind.ts";
import { runScript } from "./processes.ts";

it("docs/CAPACITY.md is what npm run capacity makes of bench/results, the catalogue and the consortium's genesis", async () => {
  const dir = mkdtempSync(`${tmpdir()}/oncechain-capacity-`);
  try {
    const run = runScript("capacity.ts", ["--out", `${dir}/CAPACITY.md`], {});
    expect(await run.exited, run.output()).toBe(0);
    expect(readFileSync(`${dir}/CAPACITY.md`, "utf8")).toBe(readFileSync(`${projectRoot}docs/CAPACITY.md`, "utf8"));
  } finally {
    removeTestDir(dir);
  }
});

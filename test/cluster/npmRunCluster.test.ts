// npm run cluster as a user runs it, in a copy of the checkout (so that its running record is the only one there):
// the chain and one gateway process per department, found by npm run demo from another terminal.
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { JsonRpcProvider } from "ethers";
import { afterAll, describe, expect, it } from "vitest";
import { loadCatalogue } from "../../lib/catalogue/loadCatalogue.ts";
import { readDeployment } from "../../lib/chain/deploymentStore.ts";
import { connectRegistries } from "../../lib/chain/registries.ts";
import { codeKey } from "../../lib/encoding/codeKey.ts";
import { themeDepartments } from "../../scripts/lib/cluster/departments.ts";
import { seedsDir } from "../../scripts/lib/paths.ts";
import { processAlive } from "../../scripts/lib/processAlive.ts";
import type { RunningRecord } from "../../scripts/lib/runningSystem.ts";
import { copyCheckout, removeCheckoutCopy } from "../scripts/checkoutCopy.ts";
import { expectCommitmentStory, expectDisclosure } from "../scripts/demoOutput.ts";
import { freePort, runNpm, type Started } from "../scripts/processes.ts";
import { removeHandedOut, removeTestDir } from "../support/leftBehind.ts";

const canListen = (port: number) =>
  new Promise<boolean>((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });

/** A base port with the 32 ports above it free now, for the cluster's department ports. */
async function freeRange(): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    // Below Linux's ephemeral range (32768 up), where outgoing connections would take ports from under the cluster.
    const base = 20_000 + Math.floor(Math.random() * 12_000);
    const free = await Promise.all(Array.from({ length: 32 }, (_, i) => canListen(base + i)));
    if (free.every(Boolean)) return base;
  }
  throw new Error("found no 32 free ports in a row");
}

/** The parent of a process, as Linux tells it: that each gateway is a child process of the cluster's. */
const parentOf = (pid: number) => Number(readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ")[1]);

describe("npm run cluster, then npm run demo from another terminal", () => {
  const root = copyCheckout({ built: true });
  const dataDir = mkdtempSync(`${tmpdir()}/oncechain-cluster-`);
  let cluster: Started | undefined;

  afterAll(async () => {
    if (cluster) {
      cluster.interrupt();
      const timer = setTimeout(() => cluster?.interrupt("SIGKILL"), 30_000);
      await cluster.exited;
      clearTimeout(timer);
    }
    removeCheckoutCopy(root);
    // What the demo hands the shop (its licence's name and address, as a file and a QR code).
    removeHandedOut(`${dataDir}/demo`);
    removeTestDir(dataDir);
  }, 60_000);

  it("starts the chain and one gateway process per department of the theme scenarios, each at its endpoint on chain; the demo tells the story across them; one killed is reported and the rest run on; Ctrl-C stops them all", async () => {
    const basePort = await freeRange();
    const env = {
      ONCECHAIN_DATA_DIR: dataDir,
      CHAIN_PORT: String(await freePort()),
      CLUSTER_BASE_PORT: String(basePort),
    };
    cluster = runNpm(root, ["run", "cluster"], env);
    await cluster.waitFor(/ready in [\d.]+ s/, 300_000);

    const record = JSON.parse(readFileSync(`${root}.oncechain/running.json`, "utf8")) as RunningRecord;
    expect(record).toMatchObject({ command: "npm run cluster", dataDir });
    const catalogue = await loadCatalogue(seedsDir);
    const expected = themeDepartments(catalogue);
    expect(expected).toEqual(expect.arrayContaining(["market-regulation", "psb", "tobacco", "culture-tourism"]));
    const departments = record.departments ?? {};
    expect(Object.keys(departments).sort()).toEqual([...expected].sort());
    const pids = Object.values(departments).map((d) => d.pid);
    expect(new Set(pids).size).toBe(expected.length);
    for (const pid of pids) {
      expect(processAlive(pid)).toBe(true);
      expect(parentOf(pid)).toBe(record.pid);
    }

    const provider = new JsonRpcProvider(record.chainRpcUrl, undefined, { staticNetwork: true });
    try {
      const deployment = readDeployment(dataDir, 31337n);
      if (!deployment) throw new Error("no deployment recorded");
      const registry = connectRegistries(deployment, provider).departments;
      for (const [code, { url }] of Object.entries(departments)) {
        const index = catalogue.departments.findIndex((d) => d.code === code);
        expect(url, code).toBe(`http://127.0.0.1:${basePort + index}`);
        const onChain = await registry.department(await registry.departmentIdOf(codeKey(code)));
        expect(onChain.endpoint, code).toBe(`${url}/departments/${code}`);
        // Each process serves the web page, and its figures are its own department's.
        const app = await fetch(`${url}/app/`);
        expect(app.status, code).toBe(200);
        expect(app.headers.get("content-security-policy"), code).toContain("script-src 'self'");
        const figures = await fetch(`${url}/departments/${code}/public/figures`);
        expect(((await figures.json()) as { departments: string[] }).departments, code).toEqual([code]);
      }
    } finally {
      provider.destroy();
    }

    const refused = runNpm(root, ["start"], { ONCECHAIN_DATA_DIR: dataDir });
    expect(await refused.exited).toBe(1);
    expect(refused.output()).toContain(`npm run cluster (pid ${record.pid}) is running on the data directory`);

    // Nothing set: the demo finds every department's process through the running record, as a second terminal would.
    const demo = runNpm(root, ["run", "demo"]);
    expect(await demo.exited, demo.output()).toBe(0);
    const output = demo.output();
    expect(output).toContain(`oncechain demo against the ${expected.length} gateway processes of npm run cluster`);
    expect(output).toMatch(
      /This run's 4 applications \(market-regulation 2, tobacco 1, culture-tourism 1\), as last evaluated: \d+ of their \d+ materials no longer collected, \d+ still to submit, 0 could not be checked now\./,
    );
    expect(output).toContain("✔ waived    居民身份证 Resident identity card: from psb, data shared");
    expectCommitmentStory(output);
    expectDisclosure(output);

    // A gateway that dies is reported, and the cluster keeps the others running.
    const psb = departments.psb?.pid ?? 0;
    process.kill(psb, "SIGKILL");
    await cluster.waitFor(new RegExp(`the gateway of psb \\(pid ${psb}\\) exited unexpectedly \\(SIGKILL\\)`), 30_000);
    for (const pid of pids.filter((pid) => pid !== psb)) expect(processAlive(pid), `gateway pid ${pid}`).toBe(true);
    expect(processAlive(record.pid)).toBe(true);

    // Ctrl-C signals npm too, which then ends by the signal: what the cluster itself did is in what it printed.
    cluster.interrupt();
    await cluster.exited;
    expect(cluster.output()).toContain(`stopped; the chain and the gateways' data stay in ${dataDir}`);
    for (const pid of pids) expect(processAlive(pid), `gateway pid ${pid}`).toBe(false);
    expect(existsSync(`${root}.oncechain/running.json`)).toBe(false);
  }, 420_000);
});

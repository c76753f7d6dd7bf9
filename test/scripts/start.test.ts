import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { afterAll, describe, expect, it } from "vitest";
import { copySeeds, editSeedJson, removeSeedCopies } from "../catalogue/seedCopies.ts";
import { removeTestDir } from "../support/leftBehind.ts";
import { freePort, runScript } from "./processes.ts";

interface StatusJson {
  chainId: number;
  rpcUrl: string;
  blockNumber: number;
  blockHash: string;
  counts: Record<string, number>;
}

describe("npm start, the embedded default", () => {
  const dataDir = mkdtempSync(`${tmpdir()}/oncechain-start-`);
  afterAll(async () => {
    removeTestDir(dataDir);
    await removeSeedCopies();
  });

  async function status(env: Record<string, string>): Promise<StatusJson> {
    const run = runScript("status.ts", ["--json"], env);
    expect(await run.exited).toBe(0);
    return JSON.parse(run.output()) as StatusJson;
  }

  it("brings up a chain with the whole catalogue, and comes back to the same chain after Ctrl-C", async () => {
    const port = String(await freePort());
    const env = {
      ONCECHAIN_DATA_DIR: dataDir,
      CHAIN_PORT: port,
      GATEWAY_PORT: String(await freePort()),
      CHAIN_RPC_URL: "",
    };
    delete (env as Partial<typeof env>).CHAIN_RPC_URL;
    const first = runScript("start.ts", [], env);
    await first.waitFor(/ready in [\d.]+ s/, 180_000);
    const live = await status(env);
    expect(live.counts).toMatchObject({
      activeCredentialTypes: 46,
      themeScenarios: 2,
      filmCategories: 6,
      filmItems: 59,
    });
    expect(live.counts.scenarios).toBeGreaterThanOrEqual(32);
    // It prints the web page's address, and the page is there.
    const page = first.output().match(/web page \(.*\): (http\S+\/app\/)/)?.[1];
    expect(page, first.output()).toBe(`http://127.0.0.1:${env.GATEWAY_PORT}/app/`);
    const app = await fetch(page as string);
    expect(app.status).toBe(200);
    expect(await app.text()).toContain('<script type="module"');
    first.child.kill("SIGINT");
    expect(await first.exited).toBe(0);

    const second = runScript("start.ts", [], env);
    await second.waitFor(/ready in [\d.]+ s/, 60_000);
    expect(second.output()).toContain("registries found on chain 31337");
    expect(second.output()).toMatch(/seed: 0 registered, 0 updated, \d+ already present, 0 drifted \(0 transactions\)/);
    const resumed = await status(env);
    expect(resumed.blockNumber).toBe(live.blockNumber);
    expect(resumed.blockHash).toBe(live.blockHash);
    second.child.kill("SIGINT");
    expect(await second.exited).toBe(0);
  });

  it("stops with the file, the entry and the field of a broken seed, before touching any chain", async () => {
    const seeds = await copySeeds();
    await editSeedJson(seeds, "credential-types/business-licence.json", (type) => {
      type.issuers = ["markt-regulation"];
    });
    const port = String(await freePort());
    const run = runScript("seed.ts", [], { ONCECHAIN_SEEDS_DIR: seeds, CHAIN_RPC_URL: `http://127.0.0.1:${port}` });
    expect(await run.exited).toBe(1);
    expect(run.output()).toContain(
      'seeds/credential-types/business-licence.json: credential type "business-licence": field "issuers[0]": unknown department "markt-regulation"',
    );
    expect(run.output()).not.toContain("no chain answers");
  });
});

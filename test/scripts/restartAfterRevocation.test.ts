// npm start again after a batched record was revoked: the anvil node reloaded from its state file has no state at
// past blocks, and the gateway's chain index must not need any (issue 8, item 1).
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { afterAll, describe, expect, it } from "vitest";
import { idCardRequest, residentId } from "../gateway/support.ts";
import { removeTestDir } from "../support/leftBehind.ts";
import { freePort, runScript } from "./processes.ts";

describe("npm start on a chain reloaded from its state file", () => {
  const dataDir = mkdtempSync(`${tmpdir()}/oncechain-restart-`);
  afterAll(() => removeTestDir(dataDir));

  it("comes back ready after two records anchored in one batch, one revoked and a block mined, and reads it revoked", async () => {
    const chainPort = await freePort();
    const gatewayPort = await freePort();
    const env = {
      ONCECHAIN_DATA_DIR: dataDir,
      CHAIN_PORT: String(chainPort),
      GATEWAY_PORT: String(gatewayPort),
      // Two records per batch, and no anchoring before both are there.
      GATEWAY_BATCH_SIZE: "2",
      GATEWAY_BATCH_WAIT_MS: "600000",
    };
    const base = `http://127.0.0.1:${gatewayPort}/departments/psb`;
    const first = runScript("start.ts", [], env);
    await first.waitFor(/ready in [\d.]+ s/, 240_000);
    const tokens = JSON.parse(readFileSync(`${dataDir}/gateway/dev-api-keys.json`, "utf8"));
    const headers = { authorization: `Bearer ${tokens.psb.issuer}`, "content-type": "application/json" };
    const post = async (path: string, body: unknown) => {
      const response = await fetch(`${base}${path}`, { method: "POST", headers, body: JSON.stringify(body) });
      // biome-ignore lint/suspicious/noExplicitAny: the test reads whatever JSON the gateway answered.
      return { status: response.status, body: (await response.json()) as any };
    };
    const read = async (recordHash: string) =>
      (await fetch(`${base}/records/${recordHash}`, { headers })).json() as Promise<{
        record: unknown;
        anchor: { state: string; batchRoot?: string; proof?: string[]; revokedAt?: number };
      }>;
    const issued = await Promise.all([
      post("/records", idCardRequest(residentId(901))),
      post("/records", idCardRequest(residentId(902))),
    ]);
    for (const r of issued) expect(r.status, JSON.stringify(r.body)).toBe(202);
    const [revoked, kept] = issued.map((r) => r.body.recordHash as string) as [string, string];
    const deadline = Date.now() + 60_000;
    while ((await read(revoked)).anchor.state !== "anchored" && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const [before, sibling] = [await read(revoked), await read(kept)];
    expect(before.anchor.batchRoot).toMatch(/^0x[0-9a-f]{64}$/);
    expect(sibling.anchor.batchRoot).toBe(before.anchor.batchRoot);
    expect((await post(`/records/${revoked}/revoke`, { reason: 3 })).status).toBe(200);
    const mined = await fetch(`http://127.0.0.1:${chainPort}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "evm_mine", params: [] }),
    });
    expect(((await mined.json()) as { error?: unknown }).error).toBeUndefined();
    first.interrupt();
    expect(await first.exited).toBe(0);

    const second = runScript("start.ts", [], env);
    try {
      await second.waitFor(/ready in [\d.]+ s/, 120_000);
      expect(second.output()).not.toContain("missing revert data");
      const verify = async (stored: typeof before) => {
        const response = await fetch(`${base}/verify`, {
          method: "POST",
          headers: { authorization: `Bearer ${tokens.psb.consumer}`, "content-type": "application/json" },
          body: JSON.stringify({
            record: stored.record,
            anchor: { batchRoot: stored.anchor.batchRoot, proof: stored.anchor.proof },
          }),
        });
        return ((await response.json()) as { status: string }).status;
      };
      expect(await verify(before)).toBe("revoked");
      expect(await verify(sibling)).toBe("valid");
      expect((await read(revoked)).anchor.revokedAt).toEqual(expect.any(Number));
    } finally {
      second.interrupt();
      await second.exited;
    }
    // Each start may take its 240 s and 120 s to be ready on a cold machine.
  }, 400_000);
});

// npm run operator against a running npm start: the emergency stop and a roll-out, as the district's operator does them.
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { afterAll, describe, expect, it } from "vitest";
import { idCardRequest, residentId } from "../gateway/support.ts";
import { removeTestDir } from "../support/leftBehind.ts";
import { freePort, runScript } from "./processes.ts";

describe("npm run operator", () => {
  const dataDir = mkdtempSync(`${tmpdir()}/oncechain-operator-`);
  afterAll(() => removeTestDir(dataDir));

  it("closes and opens the record registry, and rolls out a new one that the running gateway follows", async () => {
    const gatewayPort = await freePort();
    const env = {
      ONCECHAIN_DATA_DIR: dataDir,
      CHAIN_PORT: String(await freePort()),
      GATEWAY_PORT: String(gatewayPort),
      GATEWAY_BATCH_SIZE: "1",
    };
    const system = runScript("start.ts", [], env);
    try {
      await system.waitFor(/ready in [\d.]+ s/, 240_000);
      const tokens = JSON.parse(readFileSync(`${dataDir}/gateway/dev-api-keys.json`, "utf8"));
      const base = `http://127.0.0.1:${gatewayPort}/departments/psb`;
      const headers = { authorization: `Bearer ${tokens.psb.issuer}`, "content-type": "application/json" };
      // biome-ignore lint/suspicious/noExplicitAny: the test reads whatever JSON the gateway answered.
      const json = async (response: Response): Promise<any> => response.json();
      const issue = async (n: number) =>
        (
          await json(
            await fetch(`${base}/records`, {
              method: "POST",
              headers,
              body: JSON.stringify(idCardRequest(residentId(n))),
            }),
          )
        ).recordHash as string;
      const anchor = async (recordHash: string) =>
        (await json(await fetch(`${base}/records/${recordHash}`, { headers }))).anchor as {
          state: string;
          registry: string;
        };
      const operator = async (...args: string[]) => {
        const run = runScript("operator.ts", args, env);
        const code = await run.exited;
        return { code, output: run.output() };
      };
      const eventually = async (what: string, check: () => Promise<boolean>) => {
        const deadline = Date.now() + 30_000;
        while (!(await check())) {
          if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
          await new Promise((resolve) => setTimeout(resolve, 250));
        }
      };

      const closed = await operator("close", "CredentialRecordRegistry");
      expect(closed, closed.output).toMatchObject({ code: 0 });
      expect(closed.output).toContain("is closed");
      const held = await issue(911);
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      expect((await anchor(held)).state).toBe("queued");
      expect((await operator("open", "CredentialRecordRegistry")).code).toBe(0);
      await eventually("the held record is anchored", async () => (await anchor(held)).state === "anchored");
      const before = (await anchor(held)).registry;

      const rolled = await operator("roll-out", "CredentialRecordRegistry");
      expect(rolled.code, rolled.output).toBe(0);
      const address = /CredentialRecordRegistry: (0x[0-9a-fA-F]{40})/.exec(rolled.output)?.[1]?.toLowerCase();
      expect(address).toBeDefined();
      expect(address).not.toBe(before);
      expect(rolled.output).toContain("the directory now names this checkout's registries");
      // The replaced registry is closed by the roll-out: the gateway's queue goes to the new one.
      expect(rolled.output.toLowerCase()).toContain(`${before} is closed`);
      const stranger = await operator("close", "CredentialRecordRegistry", "--address", `0x${"ab".repeat(20)}`);
      expect(stranger.code).not.toBe(0);
      expect(stranger.output).toContain("is no CredentialRecordRegistry the directory has named");
      await eventually("a new record lands in the new registry", async () => {
        const next = await issue(912 + Math.floor(Math.random() * 80));
        await eventually("it is anchored", async () => (await anchor(next)).state === "anchored");
        return (await anchor(next)).registry === address;
      });
      expect((await operator("roll-out", "DepartmentRegistry")).output).toContain("cannot be rolled out");
    } finally {
      system.interrupt();
      await system.exited;
    }
    // npm start may take its 240 s to be ready on a cold machine, and each operator command is a process of its own.
  }, 400_000);
});

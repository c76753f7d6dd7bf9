// A system whose parts are OS processes, for the tests that claim so: anvil on its own, deployed and seeded by the
// project's scripts run as processes, and department gateways each in a process of its own (as npm run cluster runs
// them), all on free loopback ports.
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { expect } from "vitest";
import type { DevKeys } from "../../lib/chain/devKeys.ts";
import { type GatewayProcess, startGatewayProcess } from "../../scripts/lib/cluster/gatewayProcess.ts";
import { FIELDS } from "../../scripts/lib/demo/samples.ts";
import { readDevApiKeys } from "../../scripts/lib/devApiKeys.ts";
import { type LocalChain, startLocalChain } from "../../scripts/lib/localChain.ts";
import { call } from "../gateway/gatewayFixture.ts";
import { freePort, runScript } from "../scripts/processes.ts";
import { removeTestDir } from "../support/leftBehind.ts";

export interface ProcessSystem {
  dataDir: string;
  rpcUrl: string;
  chain: LocalChain;
  gateways: Map<string, GatewayProcess>;
  ports: Map<string, number>;
  /** Starts (or starts again, on its port and data) the gateway process of `code`. */
  start(code: string, env?: Record<string, string>): Promise<GatewayProcess>;
  /** `${url}/departments/${code}` on the process that hosts it. */
  base(code: string): string;
  /** The dev API key of a department and role, as its gateway wrote it. */
  key(code: string, role: string): string;
  devKeys(): DevKeys;
  /** Kills whatever still runs (SIGKILL: also when a test failed half way) and removes the data. */
  cleanup(): Promise<void>;
}

/** anvil, then `deploy.ts` and `seed.ts` as processes against it, in a fresh data directory. */
export async function processSystem(): Promise<ProcessSystem> {
  const dataDir = mkdtempSync(`${tmpdir()}/oncechain-processes-`);
  const chain = await startLocalChain({ dataDir, port: await freePort() });
  const env = { CHAIN_RPC_URL: chain.rpcUrl, ONCECHAIN_DATA_DIR: dataDir };
  try {
    for (const script of ["deploy.ts", "seed.ts"]) {
      const run = runScript(script, [], env);
      expect(await run.exited, run.output()).toBe(0);
    }
  } catch (error) {
    await chain.stop();
    removeTestDir(dataDir);
    throw error;
  }
  const gateways = new Map<string, GatewayProcess>();
  const ports = new Map<string, number>();
  const system: ProcessSystem = {
    dataDir,
    rpcUrl: chain.rpcUrl,
    chain,
    gateways,
    ports,
    async start(code, extra = {}) {
      const port = ports.get(code) ?? (await freePort());
      ports.set(code, port);
      const gateway = await startGatewayProcess({ code, port, rpcUrl: chain.rpcUrl, dataDir, env: extra });
      gateways.set(code, gateway);
      return gateway;
    },
    base(code) {
      const gateway = gateways.get(code);
      if (!gateway) throw new Error(`no gateway process for ${code}`);
      return `${gateway.url}/departments/${code}`;
    },
    key: (code, role) => readDevApiKeys(dataDir)[code]?.[role] ?? "",
    devKeys: () => JSON.parse(readFileSync(`${dataDir}/keys/dev-keys.json`, "utf8")) as DevKeys,
    async cleanup() {
      for (const gateway of gateways.values()) gateway.child.kill("SIGKILL");
      await Promise.all([...gateways.values()].map((g) => g.exited));
      await chain.stop();
      removeTestDir(dataDir);
    },
  };
  return system;
}

/** Waits until the gateway of `code` has indexed the chain up to its head: it then knows every endpoint set so far. */
export async function untilIndexed(system: ProcessSystem, code: string, timeoutMs = 20_000): Promise<void> {
  const rpc = await fetch(system.rpcUrl, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_blockNumber", params: [] }),
  });
  const head = Number(((await rpc.json()) as { result: string }).result);
  const gateway = system.gateways.get(code);
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ready = (await (await fetch(`${gateway?.url}/readyz`)).json()) as { checks?: { indexedBlock?: number } };
    if ((ready.checks?.indexedBlock ?? -1) >= head) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the gateway of ${code} did not index block ${head} within ${timeoutMs} ms`);
}

/** Waits until a record of the department is anchored, read through its own gateway; its answer (record and anchor). */
export async function untilAnchored(system: ProcessSystem, code: string, recordHash: string) {
  for (let i = 0; i < 150; i++) {
    const read = await call("GET", `${system.base(code)}/records/${recordHash}`, system.key(code, "issuer"));
    if (read.body.anchor?.state === "anchored") return read.body;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`record ${recordHash} was not anchored at ${code}`);
}

/** Issues a record of `type` with the demo's sample fields at its issuer's gateway process and waits until anchored. */
export async function issueAnchored(
  system: ProcessSystem,
  code: string,
  type: string,
  subject: { idType: string; idNumber: string },
) {
  const issued = await call("POST", `${system.base(code)}/records`, system.key(code, "issuer"), {
    credentialType: type,
    subject,
    fields: FIELDS[type],
  });
  expect(issued.status, JSON.stringify(issued.body)).toBe(202);
  return untilAnchored(system, code, issued.body.recordHash);
}

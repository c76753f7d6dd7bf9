// Issue 13, item 3: the gateway's data directory on a tmpfs of 3 MiB that fills during issuance. Issuance answers 503
// STORAGE_UNAVAILABLE naming the cause, nothing is half-written, nothing acknowledged is lost (also across a restart),
// and the gateway takes records again by itself once there is room. Mounting needs root: CI runs as root; elsewhere
// without it the test is skipped.
import { execFileSync } from "node:child_process";
import { mkdirSync, rmSync, statfsSync, writeFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, type RunningGateway, type SeededChain, seededChain, startGateway } from "../gateway/gatewayFixture.ts";
import {
  anchorQueued,
  expectProblem,
  idCardRequest,
  residentId,
  runtimeOf,
  storeCounts,
  until,
} from "../gateway/support.ts";

const canMount = (() => {
  if (process.getuid?.() !== 0) return false;
  try {
    execFileSync("mount", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();
if (!canMount && process.env.CI) throw new Error("CI must run as root: the full-disk test mounts a tmpfs");

const DATA_KEY = new Uint8Array(32).fill(0x5a);
const ANCHORING = { batchSize: 8, maxWaitMs: 100, pollMs: 20 };

describe.skipIf(!canMount)("a gateway whose disk fills during issuance (a 3 MiB tmpfs)", () => {
  let chain: SeededChain;
  let gw: RunningGateway;
  let mountPoint = "";
  const filler = () => `${mountPoint}/filler`;
  const start = (port?: number) =>
    startGateway(chain, ["psb"], {
      dataSubdir: "full/gateway",
      dataKeys: { psb: DATA_KEY },
      anchoring: ANCHORING,
      port,
    });
  let token = "";
  const issue = (n: number) => call("POST", `${gw.base("psb")}/records`, token, idCardRequest(residentId(n % 1000)));

  beforeAll(async () => {
    chain = await seededChain();
    mountPoint = `${chain.dataDir}/full`;
    mkdirSync(mountPoint, { recursive: true });
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=3m", "tmpfs", mountPoint]);
    gw = await start();
    token = gw.key("psb", "issuer");
  });
  afterAll(async () => {
    await gw?.close();
    if (mountPoint) execFileSync("umount", ["-l", mountPoint]);
    chain?.cleanup();
  });

  const acknowledged: string[] = [];

  it("answers 503 STORAGE_UNAVAILABLE naming the cause once the disk is full, and a 202 before it meant stored", async () => {
    for (let n = 0; n < 20; n++) acknowledged.push((await issue(n)).body.recordHash);
    await anchorQueued(gw, "psb");
    // Leave about 300 KB: a few hundred records, then no space.
    const { bavail, bsize } = statfsSync(mountPoint);
    writeFileSync(filler(), Buffer.alloc(Math.max(0, bavail * bsize - 300 * 1024)));
    const refusals: Awaited<ReturnType<typeof issue>>[] = [];
    for (let n = 20; n < 5000 && refusals.length < 20; n += 4) {
      // Four at a time, as clients would send them: some are in one synced batch when the disk fills.
      for (const answer of await Promise.all([0, 1, 2, 3].map((k) => issue(n + k)))) {
        if (answer.status === 202) acknowledged.push(answer.body.recordHash);
        else refusals.push(answer);
      }
    }
    expect(refusals.length).toBeGreaterThan(0);
    for (const refusal of refusals) {
      expectProblem(refusal, "STORAGE_UNAVAILABLE");
      expect(refusal.body.detail).toContain("No space left on device");
      expect(refusal.headers.get("retry-after")).toBe("5");
    }
    expect(acknowledged.length).toBeGreaterThan(20);
    // The gateway itself is still there: it says so, and reads go on.
    expect((await fetch(`${gw.url}/healthz`)).status).toBe(200);
  });

  it("takes records again by itself once there is room, and loses none acknowledged before or after, across a restart", async () => {
    rmSync(filler());
    let after: Awaited<ReturnType<typeof issue>> | undefined;
    await until(
      "the gateway takes a record again",
      async () => {
        after = await issue(4000);
        return after.status === 202;
      },
      15_000,
    );
    for (let n = 4001; n < 4011; n++) {
      const answer = await issue(n);
      expect(answer.status).toBe(202);
      acknowledged.push(answer.body.recordHash);
    }
    acknowledged.push(after?.body.recordHash);
    await anchorQueued(gw, "psb");
    const { stopped, reopened } = runtimeOf(gw, "psb").store.db.storageState();
    expect(stopped).toBeGreaterThan(0);
    expect(reopened).toBe(stopped);
    const port = Number(new URL(gw.url).port);
    await gw.close();
    // LevelDB dropped the writes after a partial one at its next open, until the gateway learnt to reopen it first.
    gw = await start(port);
    token = gw.key("psb", "issuer");
    await anchorQueued(gw, "psb");
    const lost: string[] = [];
    for (const recordHash of acknowledged) {
      const held = await call("GET", `${gw.base("psb")}/records/${recordHash}`, token);
      if (held.status !== 200 || held.body.anchor.state !== "anchored") lost.push(recordHash);
    }
    expect(lost).toEqual([]);
    // Nothing half-written: each record has its anchor state and subject entry, and none waits to be anchored.
    const counts = await storeCounts(runtimeOf(gw, "psb").store);
    expect(counts.records).toBe(acknowledged.length);
    expect(counts).toMatchObject({ anchors: counts.records, "by-subject": counts.records, outbox: 0 });
    // The access log's hash chain holds across the refused writes.
    const audit = await call("GET", `${gw.base("psb")}/access-log/audit`, gw.key("psb", "auditor"));
    expect(audit.status, JSON.stringify(audit.body)).toBe(200);
    expect(audit.body.ok, JSON.stringify(audit.body)).toBe(true);
  });
});

// Backup and restore (issue 13, item 11): a backup of psb's data taken while its gateway issues and anchors, restored
// into a fresh data directory (another machine's), and a gateway there: it serves the backup's records, finds on chain
// what the first gateway anchored after the backup (a batch and a single record) instead of sending it again, and
// anchors what was never anchored, once.
import { createHash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectRegistries } from "../../lib/chain/registries.ts";
import { codeKey } from "../../lib/encoding/codeKey.ts";
import type { AnchoringOptions } from "../../services/gateway/src/chain/anchorWorker.ts";
import { backupsDir, readBackup, restoreBackup } from "../../services/gateway/src/store/backup.ts";
import { call, type RunningGateway, type SeededChain, seededChain, startGateway } from "../gateway/gatewayFixture.ts";
import { anchoringEvents, idCardRequest, PERSON, residentId, runtimeOf } from "../gateway/support.ts";

/** Nothing is anchored until the test flushes: the batch is never full and never old enough. */
const HOLD: AnchoringOptions = { batchSize: 8, maxWaitMs: 3_600_000, pollMs: 20 };

let chain: SeededChain;
let psbId: number;
let subjects = 300;
beforeAll(async () => {
  chain = await seededChain();
  const departments = connectRegistries(chain.deployment, chain.connection.ethers.provider).departments;
  psbId = Number(await departments.departmentIdOf(codeKey("psb")));
});
afterAll(() => chain?.cleanup());

async function issue(gw: RunningGateway, count: number): Promise<string[]> {
  const hashes: string[] = [];
  for (let i = 0; i < count; i++) {
    const response = await call(
      "POST",
      `${gw.base("psb")}/records`,
      gw.key("psb", "issuer"),
      idCardRequest(residentId(++subjects)),
    );
    expect(response.status).toBe(202);
    hashes.push(response.body.recordHash);
  }
  return hashes;
}

async function backUp(gw: RunningGateway) {
  const response = await call("POST", `${gw.base("psb")}/backup`, gw.key("psb", "operator"), {});
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return { ...response.body, path: `${backupsDir(runtimeOf(gw, "psb"))}/${response.body.file}` };
}

/** Each record's anchor as the gateway gives it, and its verdict as a holder would present it. */
async function served(gw: RunningGateway, hashes: string[]) {
  return Promise.all(
    hashes.map(async (hash) => {
      const { status, body } = await call("GET", `${gw.base("psb")}/records/${hash}`, gw.key("psb", "auditor"));
      if (status !== 200) return { status };
      const proof = body.anchor.batchRoot
        ? { anchor: { batchRoot: body.anchor.batchRoot, proof: body.anchor.proof } }
        : {};
      const verdict = await call("POST", `${gw.base("psb")}/verify`, gw.key("psb", "consumer"), {
        record: body.record,
        ...proof,
      });
      return { status, state: body.anchor.state, txHash: body.anchor.txHash, verdict: verdict.body.status };
    }),
  );
}

describe("a department's backup taken while its gateway runs, restored on a fresh data directory", () => {
  it.each([
    [5, "a batch"],
    [1, "a single record"],
  ])(
    "serves the backup's records and finds on chain what was anchored after it (%i queued at the backup, anchored as %s), sending none of it again",
    async (queuedCount) => {
      const original = await startGateway(chain, ["psb"], { dataSubdir: `original-${queuedCount}`, anchoring: HOLD });
      let backup: Awaited<ReturnType<typeof backUp>>;
      let anchoredBefore: string[];
      let queuedAtBackup: string[];
      let after: string[];
      let firstAnswers: Awaited<ReturnType<typeof served>>;
      try {
        anchoredBefore = await issue(original, 6);
        await runtimeOf(original, "psb").worker.flush();
        queuedAtBackup = await issue(original, queuedCount);
        backup = await backUp(original);
        expect(backup).toMatchObject({ queued: queuedCount });
        // Issued after the backup, then all anchored by the first gateway: without the backup's cut, one batch would
        // have held the records queued at the backup together with these.
        after = await issue(original, 3);
        await runtimeOf(original, "psb").worker.flush();
        firstAnswers = await served(original, [...anchoredBefore, ...queuedAtBackup]);
      } finally {
        await original.close();
      }
      const sent = await anchoringEvents(chain, psbId);
      // What the first gateway sent after the backup: the records queued at it, apart from the three taken later.
      if (queuedCount > 1) expect(sent.batches.map((b) => b.recordCount).slice(-3)).toEqual([6, queuedCount, 3]);
      else expect(sent.singles.at(-1)).toBe(queuedAtBackup[0]?.toLowerCase());

      // Nothing of a person in the file: records and answers are sealed.
      const text = readFileSync(backup.path, "utf8");
      for (let n = 301; n <= subjects; n++) expect(text).not.toContain(residentId(n));
      expect(text).not.toContain(PERSON.name);
      expect((await readBackup(backup.path)).entries).toBe(backup.entries);

      await restoreBackup(backup.path, `${chain.dataDir}/restored-${queuedCount}/psb`);
      const restored = await startGateway(chain, ["psb"], { dataSubdir: `restored-${queuedCount}`, anchoring: HOLD });
      try {
        await runtimeOf(restored, "psb").worker.flush();
        expect(await runtimeOf(restored, "psb").worker.queued()).toBe(0);
        expect(await anchoringEvents(chain, psbId)).toEqual(sent);
        // The same records, anchored by the same transactions, valid.
        const answers = await served(restored, [...anchoredBefore, ...queuedAtBackup]);
        expect(answers).toEqual(firstAnswers);
        expect(answers.every((a) => a.state === "anchored" && a.verdict === "valid")).toBe(true);
        // What the first gateway took after the backup is not in it: on chain, but not held here.
        for (const hash of after) {
          expect(
            (await call("GET", `${restored.base("psb")}/records/${hash}`, restored.key("psb", "auditor"))).status,
          ).toBe(404);
        }
      } finally {
        await restored.close();
      }
    },
  );

  it("anchors, once, what was queued in the backup and never anchored, and refuses to restore over a database", async () => {
    const original = await startGateway(chain, ["psb"], { dataSubdir: "original-queued", anchoring: HOLD });
    let backup: Awaited<ReturnType<typeof backUp>>;
    let queued: string[];
    try {
      queued = await issue(original, 3);
      backup = await backUp(original);
    } finally {
      await original.close();
    }
    const before = await anchoringEvents(chain, psbId);
    await restoreBackup(backup.path, `${chain.dataDir}/restored-queued/psb`);
    await expect(restoreBackup(backup.path, `${chain.dataDir}/restored-queued/psb`)).rejects.toThrow(
      /already holds a database/,
    );
    for (let run = 0; run < 2; run++) {
      const restored = await startGateway(chain, ["psb"], { dataSubdir: "restored-queued", anchoring: HOLD });
      try {
        await runtimeOf(restored, "psb").worker.flush();
        const answers = await served(restored, queued);
        expect(answers.map((a) => a.verdict)).toEqual(["valid", "valid", "valid"]);
      } finally {
        await restored.close();
      }
    }
    const afterwards = await anchoringEvents(chain, psbId);
    expect(afterwards.batches.slice(before.batches.length)).toEqual([{ root: expect.any(String), recordCount: 3 }]);
    expect(afterwards.singles).toEqual(before.singles);
  });

  it("keeps every backup's cut: two backups before the worker reaches the first, and the first restored", async () => {
    const original = await startGateway(chain, ["psb"], { dataSubdir: "original-twice", anchoring: HOLD });
    let first: Awaited<ReturnType<typeof backUp>>;
    try {
      await issue(original, 3);
      first = await backUp(original);
      await issue(original, 3);
      await backUp(original);
      await issue(original, 2);
      await runtimeOf(original, "psb").worker.flush();
    } finally {
      await original.close();
    }
    const sent = await anchoringEvents(chain, psbId);
    // Without the first cut, the second backup's would have let one batch hold the records of both sides of it.
    expect(sent.batches.map((b) => b.recordCount).slice(-3)).toEqual([3, 3, 2]);
    await restoreBackup(first.path, `${chain.dataDir}/restored-twice/psb`);
    const restored = await startGateway(chain, ["psb"], { dataSubdir: "restored-twice", anchoring: HOLD });
    try {
      await runtimeOf(restored, "psb").worker.flush();
      expect(await runtimeOf(restored, "psb").worker.queued()).toBe(0);
    } finally {
      await restored.close();
    }
    expect(await anchoringEvents(chain, psbId)).toEqual(sent);
  });

  it("refuses a backup file cut short, changed or forged, naming the file and the line, and writes nothing", async () => {
    const original = await startGateway(chain, ["psb"], { dataSubdir: "original-broken", anchoring: HOLD });
    let backup: Awaited<ReturnType<typeof backUp>>;
    try {
      await issue(original, 1);
      backup = await backUp(original);
    } finally {
      await original.close();
    }
    const lines = readFileSync(backup.path, "utf8")
      .split("\n")
      .filter((l) => l !== "");
    const named = (file: string, why: string) =>
      new RegExp(`${file.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}, line \\d+: ${why}`);
    const cut = `${backup.path}.cut`;
    writeFileSync(cut, `${lines.slice(0, -2).join("\n")}\n`);
    await expect(readBackup(cut)).rejects.toThrow(named(cut, "no trailer"));
    const changed = `${backup.path}.changed`;
    writeFileSync(
      changed,
      `${lines.map((l, i) => (i === 2 ? l.replace(/[A-Za-z]/, (c) => (c === "A" ? "B" : "A")) : l)).join("\n")}\n`,
    );
    await expect(readBackup(changed)).rejects.toThrow(named(changed, "the trailer's SHA-256 does not match"));
    // A forged file with a trailer that holds: each line's form is checked, the manifest's too.
    const forge = (body: string[]) => {
      const hash = createHash("sha256");
      for (const l of body) hash.update(`${l}\n`);
      return `${[...body, JSON.stringify({ end: true, entries: body.length - 1, sha256: hash.digest("hex") })].join("\n")}\n`;
    };
    const manifest = JSON.parse(lines[0] as string);
    for (const [name, body, why] of [
      [
        "no-directory",
        [JSON.stringify({ ...manifest, directory: undefined }), ...lines.slice(1, -1)],
        "not a backup manifest",
      ],
      [
        "bad-block",
        [JSON.stringify({ ...manifest, fromBlock: "soon" }), ...lines.slice(1, -1)],
        "not a backup manifest",
      ],
      ["bad-base64", [lines[0] as string, JSON.stringify(["!!", "AA=="])], "not an entry"],
      ["empty-key", [lines[0] as string, JSON.stringify(["", "AA=="])], "an entry with an empty key"],
    ] as const) {
      const file = `${backup.path}.${name}`;
      writeFileSync(file, forge([...body]));
      await expect(restoreBackup(file, `${chain.dataDir}/forged-${name}/psb`)).rejects.toThrow(named(file, why));
      expect(existsSync(`${chain.dataDir}/forged-${name}/psb/db`)).toBe(false);
    }
  });
});

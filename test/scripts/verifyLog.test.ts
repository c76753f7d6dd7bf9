// verify-log against JSON-RPC: an export from a gateway on anvil (its own process) passes as it came, and each edit
// of a copy (an entry deleted, reordered, altered, forged, a proof or a commitment edited) fails naming the entry.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { entryHashOf } from "../../lib/audit/accessLogEntry.ts";
import type { AccessLogExport } from "../../lib/audit/accessLogExport.ts";
import type { ExportVerdict } from "../../lib/audit/verifyAccessLogExport.ts";
import { loadCatalogue } from "../../lib/catalogue/loadCatalogue.ts";
import { type AuditContext, AuditInputError, type AuditReport } from "../../scripts/lib/audit/command.ts";
import { verifyLog } from "../../scripts/lib/audit/verifyLog.ts";
import { operatorSigner } from "../../scripts/lib/operatorSigner.ts";
import { seedsDir } from "../../scripts/lib/paths.ts";
import { rollOut } from "../../scripts/lib/rollOut.ts";
import { call } from "../gateway/gatewayFixture.ts";
import { applicant, FIELDS, shop } from "../gateway/scenarioSupport.ts";
import { removeTestDir } from "../support/leftBehind.ts";
import { type AnvilSystem, startAnvilSystem } from "./anvilSystem.ts";
import { runScript } from "./processes.ts";

// biome-ignore lint/suspicious/noExplicitAny: the tests edit the export as the JSON it is.
type Edited = any;

describe("npm run audit -- verify-log on an export from a gateway on anvil", () => {
  let system: AnvilSystem;
  let context: AuditContext;
  let original: AccessLogExport;
  const dir = mkdtempSync(`${tmpdir()}/oncechain-verify-log-`);
  const person = applicant(61);
  let files = 0;

  const psb = () => system.serving.gateway.services.departments.get("psb");
  const apply = async () => {
    const response = await call(
      "POST",
      `${system.base("market-regulation")}/applications`,
      system.token("market-regulation", "consumer"),
      { scenario: "open-convenience-store", subject: person, organisation: shop(61) },
    );
    expect(response.status, JSON.stringify(response.body)).toBe(201);
  };
  const commit = async () => {
    const response = await call("POST", `${system.base("psb")}/access-log/commit`, system.token("psb", "operator"), {});
    expect(response.status, JSON.stringify(response.body)).toBe(200);
  };
  const exportNow = async (): Promise<AccessLogExport> => {
    const response = await call("GET", `${system.base("psb")}/access-log/export`, system.token("psb", "auditor"));
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    return response.body;
  };
  /** Writes `value` as the auditor saved it (or `text` as it is) and runs verify-log on the file. */
  const verify = async (value: unknown, text?: string): Promise<AuditReport & { details: ExportVerdict }> => {
    const file = `${dir}/export-${++files}.json`;
    writeFileSync(file, text ?? JSON.stringify(value, null, 2));
    return (await verifyLog(context, [file])) as AuditReport & { details: ExportVerdict };
  };
  const copy = (): Edited => structuredClone(original);
  const rehash = (entry: Edited) => Object.assign(entry, { entryHash: entryHashOf(entry) });

  beforeAll(async () => {
    system = await startAnvilSystem({ GATEWAY_ACCESS_LOG_COMMIT_MS: "0" });
    context = {
      provider: system.provider,
      directory: system.deployment.directory,
      progress: () => ({ tick() {}, stop() {} }),
    };
    const validFrom = Math.floor(Date.now() / 1000) - 86_400;
    const issued = await call("POST", `${system.base("psb")}/records`, system.token("psb", "issuer"), {
      credentialType: "resident-id-card",
      subject: person,
      fields: FIELDS["resident-id-card"],
      validFrom,
      validUntil: validFrom + 365 * 86_400,
    });
    expect(issued.status, JSON.stringify(issued.body)).toBe(202);
    await psb()?.worker.flush();
    await system.serving.gateway.services.index.syncNow();
    // Entries 1..3 committed, 4..6 committed (an own-API read among them), 7 not yet.
    for (let i = 0; i < 3; i++) await apply();
    await commit();
    await apply();
    const read = await call(
      "GET",
      `${system.base("psb")}/records/${issued.body.recordHash}`,
      system.token("psb", "auditor"),
    );
    expect(read.status).toBe(200);
    await apply();
    await commit();
    await apply();
    original = await exportNow();
  }, 240_000);
  afterAll(async () => {
    await system?.stop();
    removeTestDir(dir);
  });

  it("passes the export as the gateway gave it, and says which entries the chain does not vouch for yet", async () => {
    const report = await verify(original);
    expect(report.ok, report.lines.join("\n")).toBe(true);
    expect(report.details).toMatchObject({
      entries: 7,
      committed: 6,
      commitments: 2,
      uncommitted: 1,
      committedThrough: 6,
    });
    expect(report.lines).toContain("✔ entries: 7 present, in order, unaltered and chained");
    expect(report.lines.join("\n")).toContain("  1 not committed on chain yet (entry 7): only their hash chain");
  });

  it("passes as npm run audit runs it, its own process given the RPC URL and the directory, and fails an edited copy", async () => {
    const run = async (value: unknown) => {
      const file = `${dir}/export-${++files}.json`;
      writeFileSync(file, JSON.stringify(value, null, 2));
      const audit = runScript(
        "audit.ts",
        ["verify-log", file, "--rpc", system.rpcUrl, "--directory", context.directory],
        {},
      );
      return { code: await audit.exited, stdout: audit.stdout(), output: audit.output() };
    };
    const edited = copy();
    edited.entries[2].entry.purpose = "open-homestay";
    const [passed, failed] = await Promise.all([run(original), run(edited)]);
    expect(passed.code, passed.output).toBe(0);
    expect(passed.stdout).toMatch(/^verify-log: pass \(3 passed, 0 failed\)$/m);
    expect(failed.code, failed.output).toBe(1);
    expect(failed.stdout).toContain("✘ entries: entry 3 was altered: its content does not hash to its entryHash");
    expect(failed.stdout).toMatch(/^verify-log: FAIL \(1 passed, 1 failed\)$/m);
  }, 120_000);

  it("fails an export with an entry deleted, naming the missing entry", async () => {
    const edited = copy();
    edited.entries.splice(3, 1);
    const report = await verify(edited);
    expect(report.ok).toBe(false);
    expect(report.details.problem).toMatchObject({ kind: "missing", seq: 4 });
    expect(report.lines.at(-1)).toBe("✘ entries: entry 4 is missing: entry 5 follows entry 3");
  });

  it("fails an export with two entries swapped, naming the one out of order", async () => {
    const edited = copy();
    [edited.entries[1], edited.entries[2]] = [edited.entries[2], edited.entries[1]];
    const report = await verify(edited);
    expect(report.details.problem).toMatchObject({ kind: "out-of-order", seq: 3, position: 1 });
    expect(report.details.problem?.message).toBe("entry 3 follows entry 1: entry 2 comes later, at entries[2]");
  });

  it("fails an export with one field of an entry altered, naming the entry", async () => {
    const edited = copy();
    edited.entries[1].entry.outcome = "denied";
    const report = await verify(edited);
    expect(report.details.problem).toMatchObject({ kind: "altered", seq: 2 });
    expect(report.details.problem?.message).toContain("entry 2 was altered");
  });

  it("fails an export with an entry altered and its hash recomputed: its proof leads to no committed root", async () => {
    const edited = copy();
    rehash(Object.assign(edited.entries[4].entry, { role: "issuer" }));
    const report = await verify(edited);
    expect(report.details.problem).toMatchObject({ kind: "proof-invalid", seq: 5 });
  });

  it("fails an export with a forged entry inserted, chained and hashed, naming it", async () => {
    const edited = copy();
    const real = edited.entries[3];
    const forged = rehash({ ...structuredClone(real.entry), consumer: "tax" });
    edited.entries.splice(3, 0, { ...real, entry: forged });
    const report = await verify(edited);
    expect(report.details.problem).toMatchObject({ kind: "proof-invalid", seq: 4, position: 3 });
    expect(report.details.problem?.message).toMatch(/^entry 4: its proof does not lead to the root of commitment 1/);
  });

  it("fails an export with one element of a proof edited, naming the entry", async () => {
    const edited = copy();
    const proof: string[] = edited.entries[0].proof;
    proof[0] = `${proof[0]?.slice(0, -1)}${proof[0]?.endsWith("0") ? "1" : "0"}`;
    const report = await verify(edited);
    expect(report.details.problem).toMatchObject({ kind: "proof-invalid", seq: 1, position: 0 });
  });

  it("fails an export that points an entry at another commitment, naming the entry", async () => {
    const edited = copy();
    edited.entries[1].commitment.index = 1;
    const report = await verify(edited);
    expect(report.details.problem).toMatchObject({ kind: "not-in-commitment", seq: 2 });
    expect(report.details.problem?.message).toContain("(entries 4..6)");
  });

  it("fails an export whose commitment claims a range, a transaction or a block the chain does not hold", async () => {
    const range = copy();
    range.commitments[0].toSeq = 4;
    expect((await verify(range)).details.problem).toMatchObject({ kind: "commitment-mismatch", seq: 1 });
    const absent = copy();
    absent.commitments[1].index = 7;
    for (const e of absent.entries.slice(3, 6)) e.commitment.index = 7;
    const report = await verify(absent);
    expect(report.details.problem).toMatchObject({ kind: "commitment-mismatch", seq: 4 });
    expect(report.details.problem?.message).toContain("the chain holds no such commitment");
    const tx = copy();
    tx.commitments[0].txHash = tx.commitments[1].txHash;
    expect((await verify(tx)).details.problem).toMatchObject({ kind: "transaction-mismatch", seq: 1 });
    const block = copy();
    block.commitments[1].blockNumber += 1;
    expect((await verify(block)).details.problem).toMatchObject({ kind: "transaction-mismatch", seq: 4 });
  });

  it("fails an export that marks committed entries uncommitted to alter one unproved, naming the first", async () => {
    const edited = copy();
    for (const item of edited.entries.slice(3, 6)) {
      delete item.commitment;
      delete item.proof;
      item.uncommitted = true;
    }
    rehash(Object.assign(edited.entries[4].entry, { role: "issuer" }));
    for (const item of edited.entries.slice(5))
      rehash(Object.assign(item.entry, { prevHash: edited.entries[item.entry.seq - 2].entry.entryHash }));
    edited.commitments.splice(1, 1);
    const report = await verify(edited);
    expect(report.details.problem).toMatchObject({ kind: "hidden-commitment", seq: 4 });
  });

  it("fails an export of another department id or chain before it looks at an entry", async () => {
    const department = copy();
    department.department.id += 1;
    expect((await verify(department)).details.problem).toMatchObject({ kind: "wrong-department" });
    const chain = copy();
    chain.chainId = 1;
    expect((await verify(chain)).details.problem).toMatchObject({ kind: "wrong-chain" });
  });

  it("refuses what is not an export as bad input, naming the file and the line or field", async () => {
    const notJson = verify(undefined, '{\n  "format": "oncechain-access-log-export/1",\n  "entries": [\n}');
    await expect(notJson).rejects.toThrow(AuditInputError);
    await expect(verify(undefined, '{\n  "format": 1,\n  "x": }')).rejects.toThrow(
      /export-\d+\.json: line 3, column \d+/,
    );
    await expect(verify({ format: "something-else" })).rejects.toThrow(/not an access-log export/);
    const badProof = copy();
    badProof.entries[2].proof[0] = "not a hash";
    await expect(verify(badProof)).rejects.toThrow(/field "entries\[2\]\.proof\[0\]"/);
    await expect(verifyLog(context, [])).rejects.toThrow(/usage: npm run audit -- verify-log/);
    await expect(verifyLog(context, [`${dir}/absent.json`])).rejects.toThrow(/absent\.json: cannot read/);
  });

  it("passes the export once the gateway has committed its last entry since, from the root of that range", async () => {
    await commit();
    const report = await verify(original);
    expect(report.ok, report.lines.join("\n")).toBe(true);
    expect(report.details).toMatchObject({ committed: 6, committedSince: 1, uncommitted: 0 });
  });

  it("asks for the range again when a commitment made since reaches past the export's last entry", async () => {
    await apply();
    const stale = await exportNow();
    await apply();
    await commit();
    const report = await verify(stale);
    expect(report.details.problem).toMatchObject({ kind: "hidden-commitment", seq: 8 });
    expect(report.details.problem?.message).toContain("export the range again");
    const again = await verify(await exportNow());
    expect(again.ok, again.lines.join("\n")).toBe(true);
    expect(again.details).toMatchObject({ entries: 9, committed: 9, commitments: 4, uncommitted: 0 });
  });

  it("passes an export whose commitments run through an access-log registry and the one rolled out after it", async () => {
    const operator = await operatorSigner(system.provider, system.dataDir);
    // The roll-out waits with tx.wait(), which hangs on anvil when a receipt is not there at its first look and no
    // later block comes (anvil mines on demand): a block is mined every 200 ms while it runs.
    const mining = setInterval(() => void system.provider.send("evm_mine", []).catch(() => undefined), 200);
    const { replaced } = await rollOut(
      operator.signer,
      system.deployment,
      "AccessLogRegistry",
      await loadCatalogue(seedsDir),
    ).finally(() => clearInterval(mining));
    // The head asked of the node itself: ethers answers getBlockNumber from a cache for a moment.
    const head = Number(await system.provider.send("eth_blockNumber", []));
    expect(await system.serving.gateway.services.index.syncTo(head)).toBeGreaterThanOrEqual(head);
    await apply();
    await commit();
    const spanning = await exportNow();
    const [old, fresh] = [replaced[0]?.previous, replaced[0]?.address].map((a) => a?.toLowerCase());
    expect(spanning.commitments.map((c) => c.registry.toLowerCase())).toEqual([old, old, old, old, fresh]);
    expect(spanning.commitments.at(-1)).toMatchObject({ index: 0, fromSeq: 10, toSeq: 10 });
    const report = await verify(spanning);
    expect(report.ok, report.lines.join("\n")).toBe(true);
    expect(report.details).toMatchObject({ entries: 10, committed: 10, commitments: 5 });
    // A commitment claimed in a registry the department's sequence does not run through is no commitment of it.
    const elsewhere: Edited = structuredClone(spanning);
    const foreign = system.deployment.directory;
    elsewhere.commitments[0].registry = foreign;
    for (const item of elsewhere.entries.slice(0, 3)) item.commitment.registry = foreign;
    expect((await verify(elsewhere)).details.problem).toMatchObject({ kind: "commitment-mismatch", seq: 1 });
  });
});

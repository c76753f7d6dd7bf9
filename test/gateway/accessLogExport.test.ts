// The access-log export: each entry with the commitment on chain that covers it and a proof OpenZeppelin's own
// verifier accepts against the root the registry holds, uncommitted entries marked, in pages; bad ranges refused.
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { type Signer, Wallet } from "ethers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GENESIS_HASH } from "../../lib/audit/accessLogEntry.ts";
import type { AccessLogExport, ExportedEntry } from "../../lib/audit/accessLogExport.ts";
import { connectRegistries } from "../../lib/chain/registries.ts";
import { AccessLogRegistry__factory } from "../../types/ethers-contracts/index.ts";
import { call, type RunningGateway, type SeededChain, seededChain, startGateway } from "./gatewayFixture.ts";
import { anchorAll, applicant, expectProblem, issue, runtime, shop } from "./scenarioSupport.ts";

const EVENTS = AccessLogRegistry__factory.createInterface();

describe("the export of the public security bureau's access log", () => {
  let chain: SeededChain;
  let gw: RunningGateway;
  let auditor: string;
  let recordHash: string;
  const person = applicant(51);
  const exported = async (query = ""): Promise<AccessLogExport> => {
    const response = await call("GET", `${gw.base("psb")}/access-log/export${query}`, auditor);
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    return response.body;
  };
  const apply = async () => {
    const consumer = gw.key("market-regulation", "consumer");
    const response = await call("POST", `${gw.base("market-regulation")}/applications`, consumer, {
      scenario: "open-convenience-store",
      subject: person,
      organisation: shop(51),
    });
    expect(response.status, JSON.stringify(response.body)).toBe(201);
  };
  const commit = async () => {
    const response = await call("POST", `${gw.base("psb")}/access-log/commit`, gw.key("psb", "operator"), {});
    expect(response.status, JSON.stringify(response.body)).toBe(200);
  };
  const committed = (item: ExportedEntry | undefined) =>
    item && "commitment" in item ? item : expect.unreachable(`entry ${item?.entry.seq} is not committed`);

  beforeAll(async () => {
    chain = await seededChain();
    gw = await startGateway(chain, ["psb", "market-regulation"], { accessLogCommitMs: 0 });
    auditor = gw.key("psb", "auditor");
    ({ recordHash } = await issue(gw, "resident-id-card", person));
    await anchorAll(gw, ["psb"]);
    for (let i = 0; i < 3; i++) await apply();
    await commit();
    await apply();
    expect((await call("GET", `${gw.base("psb")}/records/${recordHash}`, auditor)).status).toBe(200);
    await commit();
    await apply();
    expect((await call("GET", `${gw.base("psb")}/records/${recordHash}`, auditor)).status).toBe(200);
  });
  afterAll(async () => {
    await gw?.close();
    chain?.cleanup();
  });

  it("names the chain, the directory, the department, the log's end and the hash before the range", async () => {
    const all = await exported();
    expect(all).toMatchObject({
      format: "oncechain-access-log-export/1",
      chainId: chain.deployment.chainId,
      directory: chain.deployment.directory,
      department: { code: "psb", id: runtime(gw, "psb").id },
      lastSeq: 7,
      from: 1,
      to: 7,
      previous: { seq: 0, entryHash: GENESIS_HASH },
    });
    expect(all.next).toBeUndefined();
    expect(all.asOfBlock).toBeGreaterThan(0);
    const later = await exported("?from=3");
    expect(later.previous).toEqual({ seq: 2, entryHash: all.entries[1]?.entry.entryHash });
    expect(later.entries.map((e) => e.entry.seq)).toEqual([3, 4, 5, 6, 7]);
  });

  it("gives each committed entry a proof StandardMerkleTree.verify accepts against the root the registry holds", async () => {
    const all = await exported();
    const registries = connectRegistries(chain.deployment, chain.connection.ethers.provider);
    const psbId = runtime(gw, "psb").id;
    expect(all.commitments.map((c) => [c.index, c.fromSeq, c.toSeq])).toEqual([
      [0, 1, 3],
      [1, 4, 5],
    ]);
    for (const c of all.commitments) {
      const onChain = await registries.accessLog.commitmentAt(psbId, c.index);
      expect(c.registry).toBe(await registries.accessLog.getAddress());
      expect([Number(onChain.fromSeq), Number(onChain.toSeq), onChain.root]).toEqual([c.fromSeq, c.toSeq, c.root]);
      const receipt = await chain.connection.ethers.provider.getTransactionReceipt(c.txHash);
      expect(receipt?.blockNumber).toBe(c.blockNumber);
      const event = receipt?.logs.map((log) => EVENTS.parseLog(log)).find((e) => e?.name === "AccessLogCommitted");
      expect([Number(event?.args.index), Number(event?.args.fromSeq), event?.args.root]).toEqual([
        c.index,
        c.fromSeq,
        c.root,
      ]);
    }
    for (const item of all.entries.slice(0, 5)) {
      const { commitment, proof, entry } = committed(item);
      const c = all.commitments.find((x) => x.index === commitment.index);
      expect(entry.seq).toBeGreaterThanOrEqual(c?.fromSeq ?? 0);
      expect(StandardMerkleTree.verify(c?.root ?? "", ["bytes32"], [entry.entryHash], proof)).toBe(true);
    }
  });

  it("marks the entries no commitment covers yet as uncommitted, own-API reads among them", async () => {
    const all = await exported();
    expect(all.entries.slice(5).map((e) => [e.entry.seq, e.entry.channel, "uncommitted" in e])).toEqual([
      [6, "peer", true],
      [7, "api", true],
    ]);
    expect(all.entries[4]?.entry).toMatchObject({ channel: "api", outcome: "read", recordHash });
  });

  it("pages through the log, each page with the proofs of its entries against whole commitments", async () => {
    const first = await exported("?from=2&limit=2");
    expect(first.entries.map((e) => e.entry.seq)).toEqual([2, 3]);
    expect(first).toMatchObject({ from: 2, to: 3, next: 4, lastSeq: 7 });
    expect(first.commitments.map((c) => c.index)).toEqual([0]);
    const { proof, entry } = committed(first.entries[0]);
    expect(StandardMerkleTree.verify(first.commitments[0]?.root ?? "", ["bytes32"], [entry.entryHash], proof)).toBe(
      true,
    );
    const seen: number[] = [];
    let next: number | undefined = 1;
    while (next !== undefined) {
      const page = await exported(`?from=${next}&limit=3`);
      seen.push(...page.entries.map((e) => e.entry.seq));
      next = page.next;
    }
    expect(seen).toEqual([1, 2, 3, 4, 5, 6, 7]);
    const bounded = await exported("?from=2&to=4");
    // The range asked for ends at 4: no next page, though the log goes on.
    expect(bounded).toMatchObject({ from: 2, to: 4, lastSeq: 7 });
    expect(bounded.next).toBeUndefined();
    expect(bounded.commitments.map((c) => c.index)).toEqual([0, 1]);
    expect((await exported("?from=8")).entries).toEqual([]);
  });

  it("refuses a bad range with 400 VALIDATION_FAILED naming the parameter", async () => {
    const base = `${gw.base("psb")}/access-log/export`;
    for (const [query, field] of [
      ["?from=0", "query.from"],
      ["?from=two", "query.from"],
      ["?to=1.5", "query.to"],
      ["?from=5&to=3", "query.to"],
      ["?limit=10001", "query.limit"],
      ["?from=9", "query.from"],
    ] as const) {
      expectProblem(await call("GET", `${base}${query}`, auditor), "VALIDATION_FAILED", field);
    }
  });

  it("is for auditor keys alone", async () => {
    for (const role of ["operator", "consumer", "issuer"] as const) {
      const response = await call("GET", `${gw.base("psb")}/access-log/export`, gw.key("psb", role));
      expectProblem(response, "FORBIDDEN_ROLE");
    }
  });
});

describe("the export after a commitment is set aside", () => {
  let chain: SeededChain;
  let gw: RunningGateway;
  afterAll(async () => {
    await gw?.close();
    chain?.cleanup();
  });

  it("lists the commitment in force on chain, the bogus one while it stands and the gateway's once it replaces it", async () => {
    chain = await seededChain();
    gw = await startGateway(chain, ["psb", "market-regulation"], { accessLogCommitMs: 0 });
    await issue(gw, "resident-id-card", applicant(52));
    await anchorAll(gw, ["psb"]);
    for (let i = 0; i < 2; i++) {
      await call("POST", `${gw.base("market-regulation")}/applications`, gw.key("market-regulation", "consumer"), {
        scenario: "open-convenience-store",
        subject: applicant(52),
      });
    }
    const psb = runtime(gw, "psb");
    const [deployer] = await chain.connection.ethers.getSigners();
    const asOperator = connectRegistries(chain.deployment, deployer as unknown as Signer);
    const misused = Wallet.createRandom().connect(chain.connection.ethers.provider);
    await chain.connection.ethers.provider.send("hardhat_setBalance", [misused.address, "0x3635C9ADC5DEA00000"]);
    await (await asOperator.departments.addSigner(psb.id, misused.address)).wait();
    const bogus = `0x${"66".repeat(32)}`;
    await (await connectRegistries(chain.deployment, misused).accessLog.commit(1, 2, bogus)).wait();
    const exportNow = async (): Promise<AccessLogExport> =>
      (await call("GET", `${gw.base("psb")}/access-log/export`, gw.key("psb", "auditor"))).body;
    const before = await exportNow();
    expect(before.commitments).toMatchObject([{ index: 0, fromSeq: 1, toSeq: 2, root: bogus }]);
    const { entry, proof } = before.entries[0] as Extract<ExportedEntry, { proof: unknown }>;
    expect(StandardMerkleTree.verify(bogus, ["bytes32"], [entry.entryHash], proof)).toBe(false);
    await (await asOperator.accessLog.rejectCommitments(psb.id, 0, 1)).wait();
    expect((await exportNow()).entries.every((e) => "uncommitted" in e)).toBe(true);
    const commit = await call("POST", `${gw.base("psb")}/access-log/commit`, gw.key("psb", "operator"), {});
    expect(commit.status, JSON.stringify(commit.body)).toBe(200);
    const after = await exportNow();
    expect(after.commitments).toMatchObject([
      { index: 0, fromSeq: 1, toSeq: 2, root: commit.body.committed.root, txHash: commit.body.committed.txHash },
    ]);
    const item = after.entries[1] as Extract<ExportedEntry, { proof: unknown }>;
    expect(StandardMerkleTree.verify(commit.body.committed.root, ["bytes32"], [item.entry.entryHash], item.proof)).toBe(
      true,
    );
  });
});

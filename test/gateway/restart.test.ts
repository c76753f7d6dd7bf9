import { id, type Signer, Wallet } from "ethers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectRegistries, currentRegistries, deployRegistry } from "../../lib/chain/registries.ts";
import type { Hex32 } from "../../lib/encoding/canonical.ts";
import { codeKey } from "../../lib/encoding/codeKey.ts";
import { buildRecordTree } from "../../lib/encoding/recordLeaf.ts";
import { rollOut } from "../../scripts/lib/rollOut.ts";
import type { AnchoringOptions } from "../../services/gateway/src/chain/anchorWorker.ts";
import { anchorOf, type CanonicalRecord } from "../../services/gateway/src/records/canonicalRecord.ts";
import { openDepartmentStore } from "../../services/gateway/src/store/departmentStore.ts";
import {
  CredentialRecordRegistry__factory,
  DistrictAccessManager__factory,
  RegistryDirectory__factory,
} from "../../types/ethers-contracts/index.ts";
import { call, type RunningGateway, type SeededChain, seededChain, startGateway } from "./gatewayFixture.ts";
import { anchoringEvents, idCardRequest, residentId, runtimeOf, switchableChain, until } from "./support.ts";

const DATA_KEY = new Uint8Array(32).fill(0x3c);
/** Nothing is anchored while the gateway runs: the batch is never full and never old enough. */
const HOLD: AnchoringOptions = { batchSize: 100, maxWaitMs: 3_600_000, pollMs: 20 };
const BATCH: AnchoringOptions = { batchSize: 8, maxWaitMs: 10, pollMs: 20 };

type Issued = { recordHash: Hex32; record: CanonicalRecord };

let chain: SeededChain;
let psbId: number;
let subjects = 0;
beforeAll(async () => {
  chain = await seededChain();
  const departments = connectRegistries(chain.deployment, chain.connection.ethers.provider).departments;
  psbId = Number(await departments.departmentIdOf(codeKey("psb")));
});
afterAll(() => chain?.cleanup());

const start = (dataSubdir: string, anchoring: AnchoringOptions) =>
  startGateway(chain, ["psb"], { dataSubdir, anchoring, dataKeys: { psb: DATA_KEY } });

/** Issues `count` records at psb in a gateway that anchors none of them, and stops it with them queued. */
async function stoppedWithQueued(dataSubdir: string, count: number): Promise<Issued[]> {
  const gw = await start(dataSubdir, HOLD);
  const issuer = gw.key("psb", "issuer");
  const issued: Issued[] = [];
  for (let i = 0; i < count; i++) {
    const response = await call("POST", `${gw.base("psb")}/records`, issuer, idCardRequest(residentId(++subjects)));
    expect(response.status).toBe(202);
    issued.push(response.body);
  }
  expect(await runtimeOf(gw, "psb").worker.queued()).toBe(count);
  await gw.close();
  return issued;
}

async function drained(gw: RunningGateway): Promise<void> {
  await until("the outbox is empty", async () => (await runtimeOf(gw, "psb").worker.queued()) === 0);
  await gw.gateway.services.index.syncNow();
}

/** The anchoring receipt of each record, as the gateway hands it out. */
async function receipts(gw: RunningGateway, issued: Issued[]) {
  const auditor = gw.key("psb", "auditor");
  return Promise.all(
    issued.map(async ({ recordHash }) => (await call("GET", `${gw.base("psb")}/records/${recordHash}`, auditor)).body),
  );
}

/** Verifies each record as a holder would present it, with its batch proof when it has one. */
async function verdicts(gw: RunningGateway, issued: Issued[]): Promise<string[]> {
  const consumer = gw.key("psb", "consumer");
  return Promise.all(
    (await receipts(gw, issued)).map(async ({ record, anchor }) => {
      const proof = anchor.batchRoot ? { anchor: { batchRoot: anchor.batchRoot, proof: anchor.proof } } : {};
      return (await call("POST", `${gw.base("psb")}/verify`, consumer, { record, ...proof })).body.status;
    }),
  );
}

/** Writes the note a worker writes just before it sends, for everything queued; the batch root (none for one record). */
async function noteBatchInFlight(dataSubdir: string): Promise<Hex32 | undefined> {
  const store = await openDepartmentStore(`${chain.dataDir}/${dataSubdir}/psb/db`, DATA_KEY);
  const entries = [];
  for await (const entry of store.outbox.values()) entries.push(entry);
  const anchors = await Promise.all(
    entries.map(async (e) => anchorOf((await store.getRecord(e.recordHash)) ?? fail(), e.recordHash)),
  );
  const root = anchors.length > 1 ? (buildRecordTree(anchors).root as Hex32) : undefined;
  await store.sublevel("anchor-inflight").put("current", {
    registry: entries[0]?.registry,
    root,
    recordHashes: entries.map((e) => e.recordHash),
    seqs: entries.map((e) => e.seq),
  });
  await store.close();
  return root;
}

function departmentRecords() {
  const signer = new Wallet(chain.signerKeys.psb ?? "", chain.connection.ethers.provider);
  return connectRegistries(chain.deployment, signer as unknown as Signer).records;
}

function fail(): never {
  throw new Error("a queued record is not stored");
}

describe("after a restart", () => {
  it("anchors the records that were still queued when the gateway stopped, exactly once", async () => {
    const issued = await stoppedWithQueued("queued", 5);
    const before = await anchoringEvents(chain, psbId);
    const gw = await start("queued", BATCH);
    try {
      await drained(gw);
      const after = await anchoringEvents(chain, psbId);
      const newBatches = after.batches.slice(before.batches.length);
      expect(newBatches).toEqual([{ root: expect.any(String), recordCount: 5 }]);
      expect(after.singles).toEqual(before.singles);
      for (const { anchor } of await receipts(gw, issued)) {
        expect(anchor).toMatchObject({ state: "anchored", batchRoot: newBatches[0]?.root });
      }
      expect(await verdicts(gw, issued)).toEqual(issued.map(() => "valid"));
    } finally {
      await gw.close();
    }
    const again = await start("queued", BATCH);
    await new Promise((resolve) => setTimeout(resolve, 200));
    await again.close();
    expect((await anchoringEvents(chain, psbId)).batches).toHaveLength(before.batches.length + 1);
  });

  it("recognises a batch that reached the chain before a crash and does not anchor it again", async () => {
    const issued = await stoppedWithQueued("crashed-batch", 4);
    const root = await noteBatchInFlight("crashed-batch");
    if (!root) throw new Error("four records make a batch");
    const sent = await (await departmentRecords().anchorBatch(root, issued.length)).wait();
    const gw = await start("crashed-batch", HOLD);
    try {
      await drained(gw);
      const { batches } = await anchoringEvents(chain, psbId);
      expect(batches.filter((b) => b.root === root)).toEqual([{ root, recordCount: 4 }]);
      expect(await runtimeOf(gw, "psb").store.sublevel("anchor-inflight").get("current")).toBeUndefined();
      // The receipts name the transaction that anchored the batch before the crash, found by its event.
      for (const { anchor } of await receipts(gw, issued)) {
        expect(anchor).toMatchObject({
          state: "anchored",
          batchRoot: root,
          txHash: sent?.hash,
          blockNumber: sent?.blockNumber,
        });
      }
      expect(await verdicts(gw, issued)).toEqual(issued.map(() => "valid"));
    } finally {
      await gw.close();
    }
  });

  it("recognises a single record that reached the chain before a crash and does not anchor it again", async () => {
    const [issued] = (await stoppedWithQueued("crashed-single", 1)) as [Issued];
    expect(await noteBatchInFlight("crashed-single")).toBeUndefined();
    const leaf = anchorOf(issued.record, issued.recordHash);
    const sent = await (
      await departmentRecords().anchor(
        leaf.recordHash,
        leaf.subjectRef,
        leaf.credentialType,
        leaf.validFrom,
        leaf.validUntil,
      )
    ).wait();
    const gw = await start("crashed-single", HOLD);
    try {
      await drained(gw);
      const { singles } = await anchoringEvents(chain, psbId);
      expect(singles.filter((hash) => hash === issued.recordHash)).toHaveLength(1);
      const [{ anchor }] = (await receipts(gw, [issued])) as [{ anchor: Record<string, unknown> }];
      expect(anchor).toMatchObject({ state: "anchored", txHash: sent?.hash, blockNumber: sent?.blockNumber });
      expect(await verdicts(gw, [issued])).toEqual(["valid"]);
    } finally {
      await gw.close();
    }
  });

  it("sends a batch that was noted but never sent before a crash", async () => {
    const issued = await stoppedWithQueued("noted-batch", 3);
    const root = await noteBatchInFlight("noted-batch");
    const gw = await start("noted-batch", HOLD);
    try {
      await drained(gw);
      const { batches } = await anchoringEvents(chain, psbId);
      expect(batches.filter((b) => b.root === root)).toEqual([{ root, recordCount: 3 }]);
      expect(await verdicts(gw, issued)).toEqual(issued.map(() => "valid"));
    } finally {
      await gw.close();
    }
  });
});

describe("when the node forgets a sent transaction", () => {
  it("sends the batch again once the node no longer knows its transaction, and anchors it once", async () => {
    const provider = chain.connection.ethers.provider;
    const signer = new Wallet(chain.signerKeys.psb ?? "").address;
    const before = await anchoringEvents(chain, psbId);
    // The batch's transaction waits in the node's pool, and is dropped from it there: as a node that restarts without
    // its pool, or evicts it, forgets a transaction it had answered for.
    await provider.send("evm_setAutomine", [false]);
    // The three records make one batch however long each issuance takes.
    const gw = await start("dropped", { ...BATCH, batchSize: 3, maxWaitMs: 60_000 });
    try {
      const issuer = gw.key("psb", "issuer");
      const issued: Issued[] = [];
      for (let i = 0; i < 3; i++) {
        const response = await call("POST", `${gw.base("psb")}/records`, issuer, idCardRequest(residentId(++subjects)));
        issued.push(response.body);
      }
      let pending: string[] = [];
      await until("the batch's transaction waits in the pool", async () => {
        const block = await provider.send("eth_getBlockByNumber", ["pending", true]);
        pending = block.transactions.filter((tx: { from: string }) => tx.from.toLowerCase() === signer.toLowerCase());
        return pending.length > 0;
      });
      for (const tx of pending)
        expect(await provider.send("hardhat_dropTransaction", [(tx as unknown as { hash: string }).hash])).toBe(true);
      await provider.send("evm_setAutomine", [true]);
      await until("the outbox is empty", async () => (await runtimeOf(gw, "psb").worker.queued()) === 0, 30_000);
      await gw.gateway.services.index.syncNow();
      const after = await anchoringEvents(chain, psbId);
      expect(after.batches.slice(before.batches.length)).toEqual([{ root: expect.any(String), recordCount: 3 }]);
      expect(await verdicts(gw, issued)).toEqual(["valid", "valid", "valid"]);
    } finally {
      await provider.send("evm_setAutomine", [true]);
      await gw.close();
    }
  }, 60_000);
});

describe("while the chain is unreachable", () => {
  it("keeps issued records queued, loses none, and anchors each once the chain is back", async () => {
    const link = await switchableChain(chain);
    const gw = await startGateway(chain, ["psb"], {
      provider: link.provider,
      dataSubdir: "unreachable",
      anchoring: { batchSize: 1, maxWaitMs: 0, pollMs: 20 },
    });
    try {
      const issuer = gw.key("psb", "issuer");
      const worker = runtimeOf(gw, "psb").worker;
      link.disconnect();
      const issued: Issued[] = [];
      for (let i = 0; i < 3; i++) {
        const response = await call("POST", `${gw.base("psb")}/records`, issuer, idCardRequest(residentId(++subjects)));
        expect(response.status).toBe(202);
        issued.push(response.body);
      }
      await until("the worker has failed to reach the chain", () => worker.lastError() !== undefined);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(await worker.queued()).toBe(3);
      for (const { anchor } of await receipts(gw, issued)) expect(anchor.state).toBe("queued");

      link.reconnect();
      await until("the outbox is empty", async () => (await worker.queued()) === 0);
      await gw.gateway.services.index.syncNow();
      const { singles } = await anchoringEvents(chain, psbId);
      for (const { recordHash } of issued) expect(singles.filter((h) => h === recordHash)).toHaveLength(1);
      expect(await verdicts(gw, issued)).toEqual(["valid", "valid", "valid"]);
    } finally {
      await gw.close();
      await link.close();
    }
  });
});

describe("after a restart across a roll-out of the record registry", () => {
  it("sends a batch noted for the registry the roll-out closed to the new one, once, and not to the closed one", async () => {
    const issued = await stoppedWithQueued("noted-then-rolled-out", 3);
    const root = (await noteBatchInFlight("noted-then-rolled-out")) as Hex32;
    const [operator] = await chain.connection.ethers.getSigners();
    const report = await rollOut(
      operator as unknown as Signer,
      chain.deployment,
      "CredentialRecordRegistry",
      chain.catalogue,
    );
    const { previous, address } = report.replaced[0] ?? { previous: "", address: "" };
    expect(report.closed).toEqual([previous]);
    const gw = await start("noted-then-rolled-out", HOLD);
    try {
      await drained(gw);
      for (const { anchor } of await receipts(gw, issued)) {
        expect(anchor).toMatchObject({ state: "anchored", registry: address.toLowerCase(), batchRoot: root });
      }
      expect(await verdicts(gw, issued)).toEqual(issued.map(() => "valid"));
      const provider = chain.connection.ethers.provider;
      expect((await CredentialRecordRegistry__factory.connect(address, provider).batch(psbId, root)).issuer).toBe(
        BigInt(psbId),
      );
      expect((await CredentialRecordRegistry__factory.connect(previous, provider).batch(psbId, root)).issuer).toBe(0n);
    } finally {
      await gw.close();
    }
  });

  it("keeps a noted batch that lands in the replaced registry while the worker looks there, and sends it nowhere else", async () => {
    const issued = await stoppedWithQueued("landed-while-looking", 2);
    const root = (await noteBatchInFlight("landed-while-looking")) as Hex32;
    const provider = chain.connection.ethers.provider;
    const [first] = await chain.connection.ethers.getSigners();
    const operator = first as unknown as Signer;
    // A roll-out under way: the directory names a new record registry, and the old one is not closed yet.
    const live = await currentRegistries(chain.deployment, provider);
    const old = live.registries.CredentialRecordRegistry.toLowerCase();
    const manager = DistrictAccessManager__factory.connect(chain.deployment.accessManager, operator);
    const fresh = await deployRegistry(operator, manager, "CredentialRecordRegistry", live.registries);
    await (
      await RegistryDirectory__factory.connect(chain.deployment.directory, operator).setRegistry(
        id("CredentialRecordRegistry"),
        fresh,
      )
    ).wait();
    // While the restarted worker first asks the old registry whether it is closed, the batch sent before the crash
    // lands there (it was still pending), and then the roll-out closes the old registry.
    const isClosed = CredentialRecordRegistry__factory.createInterface().getFunction("isClosed").selector;
    let landed = false;
    const node = await switchableChain(chain, {
      hold(request) {
        const call = request.params?.[0] as { to?: string; data?: string } | undefined;
        if (landed || request.method !== "eth_call" || call?.to?.toLowerCase() !== old) return undefined;
        if (!call.data?.startsWith(isClosed)) return undefined;
        landed = true;
        return (async () => {
          const signer = new Wallet(chain.signerKeys.psb ?? "", provider);
          await (await CredentialRecordRegistry__factory.connect(old, signer).anchorBatch(root, issued.length)).wait();
          await (await manager.setTargetClosed(old, true)).wait();
        })();
      },
    });
    const gw = await startGateway(chain, ["psb"], {
      dataSubdir: "landed-while-looking",
      anchoring: HOLD,
      dataKeys: { psb: DATA_KEY },
      provider: node.provider,
    });
    try {
      await drained(gw);
      expect(landed).toBe(true);
      for (const { anchor } of await receipts(gw, issued)) {
        expect(anchor).toMatchObject({ state: "anchored", registry: old, batchRoot: root });
      }
      expect(await verdicts(gw, issued)).toEqual(issued.map(() => "valid"));
      expect((await CredentialRecordRegistry__factory.connect(fresh, provider).batch(psbId, root)).issuer).toBe(0n);
    } finally {
      await gw.close();
      await node.close();
    }
  });
});

// Issue 14: one chain through several JSON-RPC nodes. anvil processes, proxies in front of them that this test turns into
// a node down, failing, stalling or dropping an answer, and (for the gateway) psb's gateway as a process of its own on
// two RPC URLs. Nothing of Hardhat's in-process network.
import { readFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { JsonRpcProvider, Wallet } from "ethers";
import { afterEach, describe, expect, it } from "vitest";
import { loadOrCreateDevKeys } from "../../lib/chain/devKeys.ts";
import { connectFailover, type RpcSwitch, requestTarget } from "../../lib/chain/failoverProvider.ts";
import { receiptOf } from "../../lib/chain/receipt.ts";
import { idCardRequest, residentId } from "../gateway/support.ts";
import { psbGateway } from "../reliability/psbProcess.ts";
import { type SeededAnvil, startSeededAnvil } from "../scripts/anvilSystem.ts";
import { freePort } from "../scripts/processes.ts";
import { anchoringOnChain } from "../support/anchoringOnChain.ts";
import { rpcProxy } from "../support/rpcProxy.ts";
import { fetchWithinQuota } from "../support/withinQuota.ts";

let chain: SeededAnvil | undefined;
afterEach(async () => {
  await chain?.stop();
  chain = undefined;
});

const blockOf = async (url: string) => {
  const provider = new JsonRpcProvider(url, undefined, { staticNetwork: true });
  try {
    return await provider.getBlockNumber();
  } finally {
    provider.destroy();
  }
};
const rpc = (url: string, method: string, params: unknown[] = []) =>
  fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  }).then(async (r) => ((await r.json()) as { result: unknown }).result);

/**
 * Makes `to` hold `from`'s blocks after `after`: each block's transactions, then a block of them, one by one. `to`
 * mines only when told to meanwhile: a node that mines as transactions come could put two of them in one block under
 * load, and end up holding every transaction at a lower block number than `from`.
 */
async function replay(from: string, to: string, after: number): Promise<void> {
  const head = await blockOf(from);
  await rpc(to, "evm_setAutomine", [false]);
  try {
    for (let n = after + 1; n <= head; n++) {
      const block = (await rpc(from, "eth_getBlockByNumber", [`0x${n.toString(16)}`, false])) as {
        transactions: string[];
      };
      for (const hash of block.transactions) {
        await rpc(to, "eth_sendRawTransaction", [await rpc(from, "eth_getRawTransactionByHash", [hash])]);
        // Taken now, or given to it before (a gateway gives the node it moves to what it sent and has not seen mined).
        expect(
          await rpc(to, "eth_getTransactionByHash", [hash]),
          `transaction ${hash} on the node caught up`,
        ).not.toBeNull();
      }
      await rpc(to, "anvil_mine", ["0x1"]);
      expect(await blockOf(to), `block ${n} made on the node caught up`).toBe(n);
    }
  } finally {
    await rpc(to, "evm_setAutomine", [true]);
    // What came meanwhile (a gateway that moved to it at the last block) is mined too, as it would have been.
    const pool = (await rpc(to, "txpool_status")) as { pending: string };
    if (Number(pool.pending) > 0) await rpc(to, "anvil_mine", ["0x1"]);
  }
}

/** psb's signer's address on a chain that startSeededAnvil made (its dev keys). */
const psbSigner = (dataDir: string) => new Wallet(loadOrCreateDevKeys(dataDir, []).departments.psb as string);

/**
 * A second node of the chain, the chain's own node behind a proxy first, a FailoverProvider over the two, and psb's
 * signer on it: what the tests of a transaction sent through a node that then goes start from.
 */
async function twoNodesAndPsb(seeded: SeededAnvil) {
  const second = await seeded.secondNode();
  const first = await rpcProxy(seeded.rpcUrl);
  seeded.also(() => first.close());
  const { provider } = await connectFailover([first.url, second.rpcUrl], { headCheckMs: 0 });
  seeded.also(() => provider.destroy());
  return { first, second, provider, wallet: psbSigner(seeded.dataDir).connect(provider) };
}

/** psb's system at a gateway of psb's: issues an ID card record, reads its anchor, verifies it. */
function psbSystem(base: string, dataDir: string) {
  const tokens = JSON.parse(readFileSync(`${dataDir}/gateway/dev-api-keys.json`, "utf8"));
  return {
    async issue(n: number) {
      const response = await fetchWithinQuota(`${base}/records`, {
        method: "POST",
        headers: { authorization: `Bearer ${tokens.psb.issuer}`, "content-type": "application/json" },
        body: JSON.stringify(idCardRequest(residentId(n))),
      });
      expect(response.status).toBe(202);
      return (await response.json()) as { recordHash: string; record: { issuerId: number } };
    },
    async anchorOf(recordHash: string) {
      const read = await fetch(`${base}/records/${recordHash}`, {
        headers: { authorization: `Bearer ${tokens.psb.issuer}` },
      });
      return ((await read.json()) as { anchor: { state: string; blockNumber?: number } }).anchor;
    },
    /** The HTTP status, and a verdict's status or a problem's code (a problem's own "status" is its HTTP status). */
    async verify(recordHash: string, issuerId: number, fresh = false) {
      const response = await fetch(`${base}/verify${fresh ? "?fresh=true" : ""}`, {
        method: "POST",
        headers: { authorization: `Bearer ${tokens.psb.consumer}`, "content-type": "application/json" },
        body: JSON.stringify({ recordHash, issuerId }),
      });
      const answer = (await response.json()) as { status?: string; code?: string; asOfBlock?: number };
      return { http: response.status, verdict: answer.code ?? answer.status, asOfBlock: answer.asOfBlock };
    },
    async anchored(recordHash: string) {
      while ((await this.anchorOf(recordHash)).state !== "anchored") await sleep(50);
    },
  };
}

describe("FailoverProvider over anvil processes", () => {
  it("never answers an older block than it has seen: a node behind is skipped until it catches up, and the switch is told", async () => {
    chain = await startSeededAnvil();
    const behind = await chain.secondNode();
    const ahead = await rpcProxy(chain.rpcUrl);
    chain.also(() => ahead.close());
    await rpc(chain.rpcUrl, "anvil_mine", ["0x5"]);
    const { provider } = await connectFailover([ahead.url, behind.rpcUrl], { retryAfterMs: 0, headCheckMs: 0 });
    chain.also(() => provider.destroy());
    const switches: RpcSwitch[] = [];
    provider.onSwitch((event) => switches.push(event));

    // Asked as JSON-RPC each time: ethers' getBlockNumber would answer from its cache of the last quarter second.
    const head = async () => Number(await provider.send("eth_blockNumber", []));
    const seen = await head();
    expect(seen).toBe(await blockOf(chain.rpcUrl));
    expect(await blockOf(behind.rpcUrl)).toBe(seen - 5);
    ahead.mode("cut");
    // The other node is five blocks behind: no answer rather than an older one.
    await expect(head()).rejects.toThrow(/no node of the chain answered/);
    expect(switches).toEqual([]);
    expect(provider.highestHead).toBe(seen);

    await rpc(behind.rpcUrl, "anvil_mine", ["0x5"]);
    expect(await head()).toBe(seen);
    expect(switches).toEqual([
      {
        from: new URL(ahead.url).origin,
        to: new URL(behind.rpcUrl).origin,
        reason: expect.stringMatching(/unreachable/),
      },
    ]);
  });

  it("checks a node's head at every switch to it: a node used while level with the other, and behind since, is not used again", async () => {
    chain = await startSeededAnvil();
    const second = await chain.secondNode();
    const [first, other] = [await rpcProxy(chain.rpcUrl), await rpcProxy(second.rpcUrl)];
    chain.also(() => first.close());
    chain.also(() => other.close());
    const { provider } = await connectFailover([first.url, other.url], { retryAfterMs: 0, headCheckMs: 0 });
    chain.also(() => provider.destroy());
    const head = async () => Number(await provider.send("eth_blockNumber", []));
    const level = await head();
    // Away to the other node and back, while both hold the same blocks.
    first.mode("http500");
    expect(await head()).toBe(level);
    expect(provider.currentNode).toBe(new URL(other.url).origin);
    first.mode("pass");
    other.mode("cut");
    expect(await head()).toBe(level);
    expect(provider.currentNode).toBe(new URL(first.url).origin);
    other.mode("pass");
    // The first node moves on; the other, used before, is now behind it.
    await rpc(chain.rpcUrl, "anvil_mine", ["0x2"]);
    expect(await head()).toBe(level + 2);
    first.mode("cut");
    await expect(head()).rejects.toThrow(/no node of the chain answered/);
    expect(provider.switches).toBe(2);
  });

  it("moves requests that fail together to the next node once, as one switch", async () => {
    chain = await startSeededAnvil();
    const first = await rpcProxy(chain.rpcUrl);
    chain.also(() => first.close());
    // One request per JSON-RPC call (no batching): twelve calls fail at the first node at once.
    const { provider } = await connectFailover([first.url, chain.rpcUrl], { headCheckMs: 0 }, { batchMaxCount: 1 });
    chain.also(() => provider.destroy());
    const head = await blockOf(chain.rpcUrl);
    first.mode("cut");
    const answers = await Promise.all(
      Array.from({ length: 12 }, (_, i) => provider.send(i % 2 ? "eth_blockNumber" : "eth_chainId", [])),
    );
    expect(answers.filter((_, i) => i % 2).map(Number)).toEqual(Array(6).fill(head));
    expect(provider.switches).toBe(1);
  });

  it("gives the node it moves to a transaction the node before took and went away with: the sender finds it mined there, one transaction", async () => {
    chain = await startSeededAnvil();
    const { first, second, provider, wallet } = await twoNodesAndPsb(chain);
    const nonce = Number(await rpc(second.rpcUrl, "eth_getTransactionCount", [wallet.address, "latest"]));
    // The first node takes the transaction, mines it, and goes before its block reaches the other.
    await rpc(chain.rpcUrl, "evm_setAutomine", [false]);
    const tx = await wallet.sendTransaction({ to: wallet.address, value: 1n });
    await rpc(chain.rpcUrl, "anvil_mine", ["0x1"]);
    first.mode("cut");
    const receipt = await receiptOf(tx);
    expect(receipt?.hash).toBe(tx.hash);
    expect(Number(await rpc(second.rpcUrl, "eth_getTransactionCount", [wallet.address, "latest"]))).toBe(nonce + 1);
    expect(provider.switches).toBe(1);
  });

  it("gives the node its comparison of heads moves it to the transactions sent and not yet seen mined", async () => {
    chain = await startSeededAnvil();
    const { first, second, provider, wallet } = await twoNodesAndPsb(chain);
    await rpc(chain.rpcUrl, "evm_setAutomine", [false]);
    const tx = await wallet.sendTransaction({ to: wallet.address, value: 1n });
    first.mode("cut");
    await provider.checkHeads();
    expect(provider.currentNode).toBe(new URL(second.rpcUrl).origin);
    expect(await rpc(second.rpcUrl, "eth_getTransactionByHash", [tx.hash])).not.toBeNull();
  });

  it("sends a URL's user and password as HTTP Basic authentication, and names the node without them", async () => {
    chain = await startSeededAnvil();
    const port = new URL(chain.rpcUrl).port;
    expect(requestTarget(`http://district:p%40ss@127.0.0.1:${port}/rpc`)).toEqual({
      url: `http://127.0.0.1:${port}/rpc`,
      headers: { authorization: `Basic ${Buffer.from("district:p@ss").toString("base64")}` },
    });
    const { provider } = await connectFailover([`http://district:secret@127.0.0.1:${port}`], {});
    chain.also(() => provider.destroy());
    expect(Number(await provider.send("eth_chainId", []))).toBe(31337);
    expect(provider.currentNode).toBe(`http://127.0.0.1:${port}`);
    const nowhere = `http://district:secret@127.0.0.1:${await freePort()}`;
    const refused = await connectFailover([nowhere], {}).catch((error: Error & { reasons?: string[] }) => error);
    expect(
      JSON.stringify({ message: (refused as Error).message, reasons: (refused as { reasons?: string[] }).reasons }),
    ).not.toContain("secret");
  });

  it("moves to the node ahead when the one it uses has fallen behind another, at its comparison of heads", async () => {
    chain = await startSeededAnvil();
    const behind = await chain.secondNode();
    await rpc(chain.rpcUrl, "anvil_mine", ["0x3"]);
    const { provider } = await connectFailover([behind.rpcUrl, chain.rpcUrl], { headCheckMs: 0 });
    chain.also(() => provider.destroy());
    expect(provider.currentNode).toBe(new URL(behind.rpcUrl).origin);
    await provider.checkHeads();
    expect(provider.currentNode).toBe(new URL(chain.rpcUrl).origin);
    expect(await provider.getBlockNumber()).toBe(await blockOf(chain.rpcUrl));
  });

  it("refuses RPC URLs of two chains, and names a node that does not answer", async () => {
    chain = await startSeededAnvil();
    await expect(connectFailover([chain.rpcUrl], { chainId: 1 })).rejects.toThrow(/not of one chain \(1 expected\)/);
    const nowhere = `http://127.0.0.1:${await freePort()}`;
    const { provider, unreachable } = await connectFailover([nowhere, chain.rpcUrl], {});
    chain.also(() => provider.destroy());
    expect(unreachable).toEqual([expect.stringContaining(`${nowhere}: ECONNREFUSED`)]);
    // The first node that answered is asked first.
    expect(provider.currentNode).toBe(new URL(chain.rpcUrl).origin);
  });
});

describe("a gateway process on two RPC URLs of one anvil", () => {
  it("issues, anchors and verifies through a first node that is down, answers HTTP 500 or JSON-RPC errors, or stalls, and one that drops a sent transaction's answer: each record anchored once, nothing reverted, each switch logged and counted", async () => {
    chain = await startSeededAnvil();
    const seeded = chain;
    const nodes = [await rpcProxy(seeded.rpcUrl), await rpcProxy(seeded.rpcUrl)];
    for (const node of nodes) seeded.also(() => node.close());
    const port = await freePort();
    const gateway = await psbGateway(
      seeded,
      port,
      { CHAIN_RPC_TIMEOUT_MS: "1000", GATEWAY_BATCH_SIZE: "1", LOG_LEVEL: "info" },
      nodes.map((n) => n.url).join(","),
    );
    seeded.also(() => gateway.stop());
    await gateway.start();
    const psb = psbSystem(gateway.base, seeded.dataDir);
    const issued: string[] = [];
    let issuerId = 0;
    const issueAndVerify = async (n: number) => {
      const { recordHash, record } = await psb.issue(n);
      issued.push(recordHash);
      issuerId = record.issuerId;
      await psb.anchored(recordHash);
      expect(await psb.verify(recordHash, issuerId)).toMatchObject({ http: 200, verdict: "valid" });
    };
    const switches = async () => {
      const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      return text
        .split("\n")
        .filter((line) => line.startsWith("oncechain_rpc_node_switches_total{"))
        .reduce((sum, line) => sum + Number(line.split(" ").at(-1)), 0);
    };

    await issueAndVerify(1);
    let current = 0;
    let n = 2;
    for (const fault of ["cut", "http500", "rpcError", "hang"] as const) {
      const before = await switches();
      const node = nodes[current] as (typeof nodes)[number];
      node.mode(fault);
      await issueAndVerify(n++);
      await issueAndVerify(n++);
      expect(await switches(), `a switch away from the node that ${fault}`).toBeGreaterThan(before);
      node.mode("pass");
      current = 1 - current;
    }
    // The answer to a sent transaction lost on its way back (the node took it): the gateway asks the same node again,
    // with the same signed transaction, which the node knows; nothing is sent twice.
    const node = nodes[current] as (typeof nodes)[number];
    const sendsBefore = node.sendsForwarded();
    node.dropNextSend();
    await issueAndVerify(n++);
    expect(node.dropped()).toBe(1);
    expect(node.sendsForwarded() - sendsBefore).toBeGreaterThanOrEqual(2);
    const signer = psbSigner(seeded.dataDir).address;
    const onChain = await anchoringOnChain(seeded.provider, seeded.deployment, issuerId, signer);
    expect(onChain).toEqual({ records: issued.length, sent: issued.length, reverted: 0, pending: 0 });
    await gateway.stop();
    const log = readFileSync(gateway.logFile(), "utf8");
    const moved = log.split("\n").filter((line) => line.includes("chain requests moved to another RPC node"));
    expect(moved.length).toBeGreaterThanOrEqual(4);
    for (const node of nodes) expect(log).toContain(new URL(node.url).origin);
  });

  it("does not send to a node behind when the one ahead goes away: records wait in the queue, verification answers from the index, and anchoring resumes once, when the node catches up", async () => {
    chain = await startSeededAnvil();
    const seeded = chain;
    const behind = await seeded.secondNode();
    const ahead = await rpcProxy(seeded.rpcUrl);
    seeded.also(() => ahead.close());
    const start = await blockOf(seeded.rpcUrl);
    const gateway = await psbGateway(
      seeded,
      await freePort(),
      { CHAIN_RPC_TIMEOUT_MS: "1000", GATEWAY_BATCH_SIZE: "1", LOG_LEVEL: "info" },
      `${ahead.url},${behind.rpcUrl}`,
    );
    seeded.also(() => gateway.stop());
    await gateway.start();
    const psb = psbSystem(gateway.base, seeded.dataDir);
    const first = await psb.issue(1);
    await psb.anchored(first.recordHash);
    const aheadHead = await blockOf(seeded.rpcUrl);
    expect(aheadHead).toBeGreaterThan(start);
    expect(await blockOf(behind.rpcUrl)).toBe(start);

    ahead.mode("cut");
    const second = await psb.issue(2);
    await sleep(3000);
    expect((await psb.anchorOf(second.recordHash)).state).toBe("queued");
    // Nothing went to the node behind: its chain is still the seeded one.
    expect(await blockOf(behind.rpcUrl)).toBe(start);
    // From the index, as of the block it has seen; read from the chain, none: the node behind would say "unknown".
    const verify = (fresh: boolean) => psb.verify(first.recordHash, first.record.issuerId, fresh);
    expect(await verify(false)).toEqual({ http: 200, verdict: "valid", asOfBlock: aheadHead });
    expect(await verify(true)).toEqual({ http: 503, verdict: "CHAIN_UNAVAILABLE", asOfBlock: undefined });

    await replay(seeded.rpcUrl, behind.rpcUrl, start);
    // Caught up; the gateway may already have moved to it and sent the queued record.
    expect(await blockOf(behind.rpcUrl)).toBeGreaterThanOrEqual(aheadHead);
    await psb.anchored(second.recordHash);
    const signer = psbSigner(seeded.dataDir).address;
    const onBehind = new JsonRpcProvider(behind.rpcUrl, undefined, { staticNetwork: true });
    seeded.also(() => onBehind.destroy());
    expect(await anchoringOnChain(onBehind, seeded.deployment, first.record.issuerId, signer)).toEqual({
      records: 2,
      sent: 2,
      reverted: 0,
      pending: 0,
    });
  });
});

describe("a chain's confirmations (CHAIN_CONFIRMATIONS)", () => {
  it("a gateway process on a chain asking 3 confirmations counts a record anchored only once two blocks are on top of its own, and its index follows that far behind", async () => {
    chain = await startSeededAnvil();
    const seeded = chain;
    // A chain that makes a block a second, as QBFT makes one every block period, whether or not anything is sent.
    await rpc(seeded.rpcUrl, "evm_setAutomine", [false]);
    await rpc(seeded.rpcUrl, "evm_setIntervalMining", [1]);
    const gateway = await psbGateway(seeded, await freePort(), { CHAIN_CONFIRMATIONS: "3", GATEWAY_BATCH_SIZE: "1" });
    seeded.also(() => gateway.stop());
    await gateway.start();
    const psb = psbSystem(gateway.base, seeded.dataDir);
    const signer = psbSigner(seeded.dataDir).address;
    const sent = Number(await rpc(seeded.rpcUrl, "eth_getTransactionCount", [signer, "latest"]));
    const { recordHash, record } = await psb.issue(7);
    const anchorOf = () => psb.anchorOf(recordHash);
    const verify = () => psb.verify(recordHash, record.issuerId);
    let minedNotCounted = 0;
    for (let tries = 0; ; tries++) {
      expect(tries, "anchored within 20 s").toBeLessThan(200);
      const anchor = await anchorOf();
      const verdict = await verify();
      // Read after the gateway's answers: a block made meanwhile only raises the head.
      const mined = Number(await rpc(seeded.rpcUrl, "eth_getTransactionCount", [signer, "latest"])) > sent;
      const head = await blockOf(seeded.rpcUrl);
      // The index is never nearer the head than the confirmations allow.
      expect(verdict.asOfBlock).toBeLessThanOrEqual(head - 2);
      if (anchor.state === "anchored") {
        expect(head).toBeGreaterThanOrEqual((anchor.blockNumber ?? Number.POSITIVE_INFINITY) + 2);
        break;
      }
      if (mined) minedNotCounted++;
      await sleep(100);
    }
    // Seen mined on chain and not yet counted, while the blocks on top of it came.
    expect(minedNotCounted).toBeGreaterThan(3);
    for (let tries = 0; (await verify()).verdict !== "valid"; tries++) {
      expect(tries, "valid within 10 s").toBeLessThan(100);
      await sleep(100);
    }
  });
});

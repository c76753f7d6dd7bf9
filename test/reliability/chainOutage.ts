// Issue 13, item 2: the gateway's JSON-RPC connection cut under load by a proxy the test controls, the answer to one
// sent transaction dropped, and the node restarted from its state file, while clients issue and verify. anvil, the
// proxy's test process and the gateway are separate processes. Run short in npm test, long in npm run test:soak.
import { readFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { Wallet } from "ethers";
import { loadOrCreateDevKeys } from "../../lib/chain/devKeys.ts";
import { idCardRequest, residentId } from "../gateway/support.ts";
import { startSeededAnvil } from "../scripts/anvilSystem.ts";
import { freePort } from "../scripts/processes.ts";
import { anchoringOnChain } from "../support/anchoringOnChain.ts";
import { rpcProxy } from "../support/rpcProxy.ts";
import { fetchWithinQuota } from "../support/withinQuota.ts";
import { psbGateway } from "./psbProcess.ts";

export interface OutageOptions {
  /** How long the connection is cut. */
  outageSeconds: number;
  /** Issuances a second, alongside verifications at half that rate. */
  rate: number;
  /** How long the load runs before the cut and between the steps after it (default 3 s). */
  settleMs?: number;
  onProgress?: (line: string) => void;
}

export interface OutageFigures {
  outageSeconds: number;
  issuedDuringOutage: number;
  /** Issuances answered otherwise than 202 at any time (the gateway takes records whatever the chain does). */
  issuanceRefused: number;
  /** Verifications during the outage answered from the index (200, with the block the answer is as of). */
  verifiedFromIndex: number;
  /** `?fresh=true` verifications during the outage answered 503 CHAIN_UNAVAILABLE. */
  freshChainUnavailable: number;
  /** The same answer after the cut or the restart ended, while the gateway's connection came back. */
  freshChainUnavailableAfter: number;
  /** Verification answers that were neither of those, at any time. */
  verificationOther: number;
  droppedSendResponses: number;
  nodeRestarts: number;
  /** The gateway's transactions the node held unmined when it was restarted, and how many of them it forgot. */
  heldAtRestart: number;
  forgottenAtRestart: number;
  acknowledged: number;
  acknowledgedLost: number;
  anchoredTwice: number;
  /** Anchoring transactions of psb's signer that reverted (a second send of work already on chain would). */
  revertedTransactions: number;
  /** Transactions of psb's signer the node's pool holds unmined, pending or queued: a nonce gap leaves them there. */
  pendingTransactions: number;
  /** From the end of the outage until every record accepted during it was anchored. */
  backlogAnchoredMs: number;
  /** The first few verification answers counted in verificationOther, for the report. */
  otherVerificationAnswers: string[];
  /** When records were lost, for the report: how many in each state, and the end of the gateway's log. */
  lostStates?: Record<string, number>;
  gatewayLog?: string[];
}

/** The figures every run must measure, and their values. */
export const OUTAGE_PROMISES = {
  issuanceRefused: 0,
  verificationOther: 0,
  droppedSendResponses: 1,
  acknowledgedLost: 0,
  anchoredTwice: 0,
  revertedTransactions: 0,
  pendingTransactions: 0,
} as const;

export async function chainOutage(options: OutageOptions): Promise<OutageFigures> {
  const say = options.onProgress ?? (() => {});
  const chain = await startSeededAnvil();
  try {
    const proxy = await rpcProxy(chain.rpcUrl);
    chain.also(() => proxy.close());
    const gateway = await psbGateway(
      chain,
      await freePort(),
      { GATEWAY_BATCH_SIZE: "8", GATEWAY_BATCH_WAIT_MS: "200" },
      proxy.url,
    );
    chain.also(() => gateway.stop());
    await gateway.start();
    say("gateway started");
    const tokens = JSON.parse(readFileSync(`${chain.dataDir}/gateway/dev-api-keys.json`, "utf8"));
    const headers = (role: string) => ({
      authorization: `Bearer ${tokens.psb[role]}`,
      "content-type": "application/json",
    });
    const acknowledged: { recordHash: string; at: number }[] = [];
    let issuerId = 0;
    let refused = 0;
    /** "outage": the connection is cut; "restart": the node is stopped and started again. */
    let phase: "before" | "outage" | "after" | "restart" = "before";
    const other: string[] = [];
    let outageEnded = 0;
    const figures = {
      issuedDuringOutage: 0,
      verifiedFromIndex: 0,
      freshChainUnavailable: 0,
      freshChainUnavailableAfter: 0,
      verificationOther: 0,
    };
    let running = true;
    let n = 0;

    async function issueLoop() {
      while (running) {
        const tick = sleep(1000 / options.rate);
        const response = await fetch(`${gateway.base}/records`, {
          method: "POST",
          headers: headers("issuer"),
          body: JSON.stringify(idCardRequest(residentId(n++ % 1000))),
        }).catch(() => undefined);
        if (response?.status === 202) {
          const body = (await response.json()) as { recordHash: string; record: { issuerId: number } };
          acknowledged.push({ recordHash: body.recordHash, at: Date.now() });
          issuerId ||= body.record.issuerId;
          if (phase === "outage") figures.issuedDuringOutage++;
        } else refused++;
        await tick;
      }
    }

    async function verifyLoop() {
      let k = 0;
      while (running) {
        const tick = sleep(2000 / options.rate);
        const target = acknowledged[k++ % Math.max(1, acknowledged.length)];
        if (target) {
          const fresh = k % 4 === 0;
          const response = await fetch(`${gateway.base}/verify${fresh ? "?fresh=true" : ""}`, {
            method: "POST",
            headers: headers("consumer"),
            body: JSON.stringify({ recordHash: target.recordHash, issuerId }),
          }).catch(() => undefined);
          const body = (await response?.json().catch(() => undefined)) as
            | { asOfBlock?: number; source?: string; code?: string }
            | undefined;
          if (response?.status === 200 && (fresh ? body?.source === "chain" : typeof body?.asOfBlock === "number")) {
            if (phase === "outage" && !fresh) figures.verifiedFromIndex++;
          } else if (fresh && response?.status === 503 && body?.code === "CHAIN_UNAVAILABLE") {
            // Outside the cut, too: the gateway's connection takes a moment to come back after the node does.
            if (phase === "outage" || phase === "restart") figures.freshChainUnavailable++;
            else figures.freshChainUnavailableAfter++;
          } else {
            figures.verificationOther++;
            if (other.length < 5) other.push(`${phase} fresh=${fresh}: ${response?.status} ${JSON.stringify(body)}`);
          }
        }
        await tick;
      }
    }

    const stateOf = async (recordHash: string) => {
      // The issuer's key is busy issuing meanwhile: reading back is a client within its quota too.
      const response = await fetchWithinQuota(`${gateway.base}/records/${recordHash}`, {
        headers: headers("issuer"),
      }).catch(() => undefined);
      if (response?.status !== 200) return `HTTP ${response?.status}`;
      return ((await response.json()) as { anchor: { state: string } }).anchor.state;
    };
    /** The hashes of `from`'s transactions the node holds unmined, once there is one (automine off). */
    const pendingOf = async (from: string): Promise<string[]> => {
      const until = Date.now() + 30_000;
      for (;;) {
        const block = await chain.provider.send("eth_getBlockByNumber", ["pending", true]);
        const hashes = (block?.transactions ?? [])
          .filter((tx: { from: string }) => tx.from.toLowerCase() === from.toLowerCase())
          .map((tx: { hash: string }) => tx.hash);
        if (hashes.length > 0) return hashes;
        if (Date.now() > until) throw new Error("the gateway sent no transaction within 30 s of mining being held");
        await sleep(20);
      }
    };
    const loops = [issueLoop(), verifyLoop()];
    await sleep(options.settleMs ?? 3000);
    phase = "outage";
    proxy.mode("cut");
    say(`connection cut for ${options.outageSeconds} s`);
    await sleep(options.outageSeconds * 1000);
    proxy.mode("pass");
    phase = "after";
    outageEnded = Date.now();
    const backlog = acknowledged.filter((a) => a.at < outageEnded).map((a) => a.recordHash);
    say(`connection restored; ${backlog.length} records accepted so far`);
    // How long the backlog takes to be anchored: until the last record accepted before the connection came back is.
    let backlogAnchoredMs = Number.NaN;
    const watch = (async () => {
      const last = backlog.at(-1);
      while (last && Number.isNaN(backlogAnchoredMs) && Date.now() - outageEnded < 120_000) {
        if ((await stateOf(last)) === "anchored") backlogAnchoredMs = Date.now() - outageEnded;
        else await sleep(50);
      }
    })();
    await sleep(options.settleMs ?? 3000);
    proxy.dropNextSend();
    await sleep(options.settleMs ?? 3000);
    // The node restarts while it holds a transaction of the gateway's unmined, as a node restarting without its pool
    // forgets one it has answered for: the gateway must send that work again, once.
    const signer = new Wallet(loadOrCreateDevKeys(chain.dataDir, []).departments.psb as string).address;
    await chain.provider.send("evm_setAutomine", [false]);
    const held = await pendingOf(signer);
    phase = "restart";
    await chain.restartNode();
    phase = "after";
    const forgotten = (await Promise.all(held.map((hash) => chain.provider.getTransaction(hash)))).filter(
      (tx) => tx === null,
    ).length;
    say(`node restarted from its state file, holding ${held.length} transaction(s) unmined; it forgot ${forgotten}`);
    await sleep(options.settleMs ?? 3000);
    running = false;
    await Promise.all([...loops, watch]);

    const deadline = Date.now() + 120_000;
    let lost = 0;
    const lostStates: Record<string, number> = {};
    for (const { recordHash } of acknowledged) {
      let state = await stateOf(recordHash);
      while (state === "queued" && Date.now() < deadline) {
        await sleep(100);
        state = await stateOf(recordHash);
      }
      if (state !== "anchored") {
        lost++;
        lostStates[state] = (lostStates[state] ?? 0) + 1;
      }
    }

    const onChain = await anchoringOnChain(chain.provider, chain.deployment, issuerId, signer);
    return {
      outageSeconds: options.outageSeconds,
      ...figures,
      issuanceRefused: refused,
      droppedSendResponses: proxy.dropped(),
      nodeRestarts: 1,
      heldAtRestart: held.length,
      forgottenAtRestart: forgotten,
      acknowledged: acknowledged.length,
      acknowledgedLost: lost,
      anchoredTwice: Math.max(0, onChain.records - new Set(acknowledged.map((a) => a.recordHash)).size),
      revertedTransactions: onChain.reverted,
      pendingTransactions: onChain.pending,
      backlogAnchoredMs,
      otherVerificationAnswers: other,
      ...(lost > 0 ? { lostStates, gatewayLog: readFileSync(gateway.logFile(), "utf8").split("\n").slice(-40) } : {}),
    };
  } finally {
    await chain.stop();
  }
}

// Issue 13, item 1: a gateway process killed (SIGKILL) at random moments while clients issue records and retry each
// request with its Idempotency-Key until they get an answer. anvil runs as its own process; the gateway is restarted
// on the same data directory after each kill. Run short in npm test, long in npm run test:soak.
import { readFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { percentile } from "../../bench/support/openLoop.ts";
import { connectRegistries } from "../../lib/chain/registries.ts";
import { idCardRequest, residentId } from "../gateway/support.ts";
import { startSeededAnvil } from "../scripts/anvilSystem.ts";
import { freePort } from "../scripts/processes.ts";
import { psbGateway } from "./psbProcess.ts";

export interface CrashOptions {
  issuances: number;
  kills: number;
  /** Clients issuing side by side. */
  clients: number;
  /** Records per batch (the gateway's GATEWAY_BATCH_SIZE). */
  batchSize?: number;
  onProgress?: (line: string) => void;
}

export interface CrashFigures {
  issuances: number;
  kills: number;
  /** Requests that found no gateway (killed, or not yet up again) and were sent again with their key. */
  retriedRequests: number;
  acknowledged: number;
  /** Acknowledged (202) records the gateway no longer holds, or never anchored. */
  acknowledgedLost: number;
  /** Records on chain (batch counts and single anchors) beyond the distinct records the gateway anchored. */
  anchoredTwice: number;
  /** Each acknowledged key sent again after the last restart: answers that differ from the first answer to it. */
  differingAnswers: number;
  /** Answers other than 202 to an issuance (none is expected: every request is valid). */
  unexpectedAnswers: number;
  recordsOnChain: number;
  batchesOnChain: number;
  restartToReadyMs: { p50: number; p99: number; max: number };
}

interface Answer {
  status: number;
  recordHash?: string;
  record?: unknown;
}

async function send(url: string, token: string, key: string, body: unknown): Promise<Answer | undefined> {
  try {
    const response = await fetch(url, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json", "idempotency-key": key },
      body: JSON.stringify(body),
    });
    const answer = (await response.json()) as { recordHash?: string; record?: unknown };
    // 503: the gateway is up but not ready to take it (its chain index is catching up): sent again, as a client would.
    if (response.status === 503) return undefined;
    return { status: response.status, recordHash: answer.recordHash, record: answer.record };
  } catch {
    return undefined;
  }
}

const sameAnswer = (a: Answer, b: Answer) =>
  a.status === b.status && a.recordHash === b.recordHash && JSON.stringify(a.record) === JSON.stringify(b.record);

export async function crashDuringIssuance(options: CrashOptions): Promise<CrashFigures> {
  const { issuances, kills, clients, batchSize = 16 } = options;
  const say = options.onProgress ?? (() => {});
  const chain = await startSeededAnvil();
  try {
    // Eight clients on one key, each sending again the moment it has no answer: this run is about crashes, so the
    // key's quota (keyQuota.test.ts, the load soak) is lifted.
    const gateway = await psbGateway(chain, await freePort(), {
      GATEWAY_BATCH_SIZE: String(batchSize),
      GATEWAY_KEY_RATE: "0",
    });
    chain.also(() => gateway.stop());
    const restarts = [await gateway.start()];
    say("gateway started");
    const tokens = JSON.parse(readFileSync(`${chain.dataDir}/gateway/dev-api-keys.json`, "utf8"));
    const token = tokens.psb.issuer as string;
    const request = (i: number) => idCardRequest(residentId(i % 1000));
    const first = new Map<number, Answer>();
    let retried = 0;
    let unexpected = 0;
    let next = 0;

    async function client() {
      for (let i = next++; i < issuances; i = next++) {
        for (;;) {
          const answer = await send(`${gateway.base}/records`, token, `crash-${i}`, request(i));
          if (answer) {
            if (answer.status !== 202) unexpected++;
            first.set(i, answer);
            break;
          }
          retried++;
          await sleep(25);
        }
      }
    }

    async function killer() {
      const share = issuances / (kills + 1);
      for (let k = 0; k < kills; k++) {
        // Spread over the run: the k-th kill once a number of records chosen at random in the first half of the
        // (k+1)-th share is acknowledged. Chosen by count, not by time: a few hundred milliseconds were enough for a
        // fast machine to acknowledge every record before the kill, which then fell on no request at all.
        const at = (k + 1) * share + Math.random() * (share / 2);
        while (first.size < at && next < issuances) await sleep(1);
        await gateway.kill();
        restarts.push(await gateway.start());
        if ((k + 1) % 10 === 0 || k + 1 === kills) say(`${k + 1} kills, ${first.size} acknowledged`);
      }
    }

    await Promise.all([killer(), ...Array.from({ length: clients }, client)]);
    say(`issued: ${first.size}`);
    // Once more after the last answer, so that every key below is sent again across a crash.
    await gateway.kill();
    restarts.push(await gateway.start());

    let differing = 0;
    const acknowledged = [...first.entries()].filter(([, a]) => a.status === 202);
    for (let at = 0; at < acknowledged.length; at += clients) {
      await Promise.all(
        acknowledged.slice(at, at + clients).map(async ([i, answer]) => {
          let again: Answer | undefined;
          while (!again) again = await send(`${gateway.base}/records`, token, `crash-${i}`, request(i));
          if (!sameAnswer(answer, again)) differing++;
        }),
      );
    }

    say(`replayed, ${differing} differing`);
    // Every acknowledged record held and anchored, once the queue has drained.
    const headers = { authorization: `Bearer ${token}` };
    const stateOf = async (recordHash: string) => {
      const response = await fetch(`${gateway.base}/records/${recordHash}`, { headers });
      if (response.status !== 200) return { state: `HTTP ${response.status}` };
      return ((await response.json()) as { anchor: { state: string } }).anchor;
    };
    let lost = 0;
    let issuerId = 0;
    const deadline = Date.now() + 120_000 + issuances * 20;
    for (const [, answer] of acknowledged) {
      let anchor = await stateOf(answer.recordHash as string);
      while (anchor.state === "queued" && Date.now() < deadline) {
        await sleep(100);
        anchor = await stateOf(answer.recordHash as string);
      }
      if (anchor.state !== "anchored") lost++;
      issuerId ||= (answer.record as { issuerId: number }).issuerId;
    }

    const records = connectRegistries(chain.deployment, chain.provider).records;
    const singles = await records.queryFilter(records.filters.CredentialAnchored(undefined, undefined, issuerId));
    const batches = await records.queryFilter(records.filters.CredentialBatchAnchored(undefined, issuerId));
    const onChain = singles.length + batches.reduce((sum, e) => sum + Number(e.args.recordCount), 0);
    const distinct = new Set(acknowledged.map(([, a]) => a.recordHash)).size;
    const spans = restarts.slice(1).sort((a, b) => a - b);
    return {
      issuances,
      kills,
      retriedRequests: retried,
      acknowledged: acknowledged.length,
      acknowledgedLost: lost,
      anchoredTwice: Math.max(0, onChain - distinct),
      differingAnswers: differing,
      unexpectedAnswers: unexpected,
      recordsOnChain: onChain,
      batchesOnChain: batches.length,
      restartToReadyMs: {
        p50: Math.round(percentile(spans, 50)),
        p99: Math.round(percentile(spans, 99)),
        max: Math.round(spans.at(-1) ?? Number.NaN),
      },
    };
  } finally {
    await chain.stop();
  }
}

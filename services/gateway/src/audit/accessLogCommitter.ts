// Commits a department's access log to the chain: a Merkle root per contiguous range, so later edits show.
import type { ContractTransactionReceipt, NonceManager } from "ethers";
import { accessLogRoot, entryHashOf, GENESIS_HASH } from "../../../../lib/audit/accessLogEntry.ts";
import { receiptOf } from "../../../../lib/chain/receipt.ts";
import type { Hex32 } from "../../../../lib/encoding/canonical.ts";
import type { ChainIndex } from "../chain/chainIndex.ts";
import type { LiveRegistries } from "../chain/liveRegistries.ts";
import { GatewayError } from "../errors/GatewayError.ts";
import { type DepartmentStore, seqKey } from "../store/departmentStore.ts";
import { type AccessLog, accessLogEntries } from "./accessLog.ts";

/** A range this gateway committed. */
export interface CommittedRange {
  /** The AccessLogRegistry that holds it. */
  registry: string;
  index: number;
  fromSeq: number;
  toSeq: number;
  root: Hex32;
  committedAt: number;
  txHash?: string;
  blockNumber?: number;
}

export interface AccessLogCommitter {
  start(): void;
  stop(): Promise<void>;
  /** Commits every entry not yet committed (at most `maxRange`); undefined when there is nothing to commit. */
  commitNow(): Promise<CommittedRange | undefined>;
  /** The last range this gateway committed since it started, if any. */
  last(): CommittedRange | undefined;
}

export interface AccessLogCommitterDeps {
  departmentId: number;
  store: DepartmentStore;
  log: AccessLog;
  /** Registries bound to the department's own signer: the registry takes commitments from department signers only. */
  registries: LiveRegistries;
  /** Where the directory's access-log registries are: a replacement continues the sequence of the one before. */
  index: Pick<ChainIndex, "history">;
  signer: NonceManager;
  /** How often to commit; 0 = only on demand. */
  intervalMs: number;
  /** The most entries per commitment (the registry takes at most 65,536). */
  maxRange?: number;
  onError?: (error: unknown) => void;
}

export function createAccessLogCommitter(deps: AccessLogCommitterDeps): AccessLogCommitter {
  const { store, registries, departmentId } = deps;
  const entries = accessLogEntries(store);
  let current: Promise<unknown> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  /** The newest commitment found to match this log (registry, index and root), so it is checked once. */
  let checked = "";
  let lastCommitted: CommittedRange | undefined;

  /** The entries' hashes, recomputed and checked against the chain of hashes: a broken log is never committed. */
  async function hashesOf(fromSeq: number, toSeq: number): Promise<Hex32[]> {
    let prev = fromSeq === 1 ? GENESIS_HASH : (await entries.get(seqKey(fromSeq - 1)))?.entryHash;
    const hashes: Hex32[] = [];
    for await (const entry of entries.values({ gte: seqKey(fromSeq), lte: seqKey(toSeq) })) {
      const hash = entryHashOf(entry);
      if (entry.seq !== fromSeq + hashes.length || entry.prevHash !== prev || hash !== entry.entryHash) {
        throw new GatewayError("ACCESS_LOG_BROKEN", { detail: `entry ${fromSeq + hashes.length} does not chain` });
      }
      hashes.push(hash);
      prev = hash;
    }
    if (hashes.length !== toSeq - fromSeq + 1)
      throw new GatewayError("ACCESS_LOG_BROKEN", { detail: "entries missing" });
    return hashes;
  }

  /**
   * The chain's newest commitment of this department must be this log's: one made with another of its keys (misused)
   * would otherwise be built on. Nothing is committed after a commitment that is not; the operator sets it aside.
   */
  async function checkNewest(next: number): Promise<void> {
    if (next === 1) return;
    for (const address of [...deps.index.history("AccessLogRegistry")].reverse()) {
      const accessLog = registries.accessLogAt(address);
      if (Number(await accessLog.commitmentCount(departmentId)) === 0) continue;
      const [index, c] = await accessLog.commitmentFor(departmentId, next - 1);
      const seen = `${address}:${index}:${c.root}`;
      if (seen === checked) return;
      const last = await deps.log.lastSeq();
      const ours =
        Number(c.toSeq) <= last ? accessLogRoot(await hashesOf(Number(c.fromSeq), Number(c.toSeq))) : undefined;
      if (ours !== c.root) {
        throw new GatewayError("ACCESS_LOG_DIVERGED", {
          detail:
            `commitment ${index} of the AccessLogRegistry at ${address} (entries ${c.fromSeq}..${c.toSeq}) is not ` +
            "this log's: nothing more is committed until the operator sets it aside (npm run operator -- reject-log-commitments)",
        });
      }
      checked = seen;
      return;
    }
  }

  async function commit(): Promise<CommittedRange | undefined> {
    const accessLog = registries.accessLog;
    const next = Number(await accessLog.nextSequence(departmentId));
    await checkNewest(next);
    const last = await deps.log.lastSeq();
    if (last < next) return undefined;
    const toSeq = Math.min(last, next + (deps.maxRange ?? 10_000) - 1);
    const root = accessLogRoot(await hashesOf(next, toSeq));
    let receipt: ContractTransactionReceipt | null;
    try {
      receipt = await receiptOf(await accessLog.commit(next, toSeq, root));
    } catch (cause) {
      deps.signer.reset();
      throw cause;
    }
    const block = receipt ? await receipt.getBlock() : null;
    const registry = await accessLog.getAddress();
    const index = Number(await accessLog.commitmentCount(departmentId)) - 1;
    checked = `${registry}:${index}:${root}`;
    lastCommitted = {
      registry,
      index,
      fromSeq: next,
      toSeq,
      root,
      committedAt: block?.timestamp ?? Math.floor(Date.now() / 1000),
      txHash: receipt?.hash,
      blockNumber: receipt?.blockNumber,
    };
    return lastCommitted;
  }

  /** Commits run one after another: two overlapping ranges would be refused by the registry anyway. */
  function commitNow(): Promise<CommittedRange | undefined> {
    const next = current.catch(() => undefined).then(commit);
    current = next;
    return next;
  }

  function schedule() {
    if (deps.intervalMs <= 0) return;
    timer = setTimeout(() => {
      commitNow()
        .catch((error) => deps.onError?.(error))
        .finally(() => {
          if (timer) schedule();
        });
    }, deps.intervalMs);
    timer.unref();
  }

  return {
    start: schedule,
    async stop() {
      if (timer) clearTimeout(timer);
      timer = undefined;
      await current.catch(() => undefined);
    },
    commitNow,
    last: () => lastCommitted,
  };
}

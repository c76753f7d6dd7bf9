// Commits a department's access log to the chain: a Merkle root per contiguous range, so later edits show.
import type { ContractTransactionReceipt, NonceManager } from "ethers";
import type { Registries } from "../../../../lib/chain/registries.ts";
import type { Hex32 } from "../../../../lib/encoding/canonical.ts";
import { receiptOf } from "../chain/receipt.ts";
import { GatewayError } from "../errors/GatewayError.ts";
import { type DepartmentStore, DURABLE, seqKey } from "../store/departmentStore.ts";
import { type AccessLog, accessLogEntries } from "./accessLog.ts";
import { accessLogRoot, entryHashOf, GENESIS_HASH } from "./accessLogEntry.ts";

/** A committed range as this gateway notes it; txHash is missing for a range recovered from the chain after a crash. */
export interface CommittedRange {
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
}

export interface AccessLogCommitterDeps {
  departmentId: number;
  store: DepartmentStore;
  log: AccessLog;
  /** Registries bound to the department's own signer: the registry takes commitments from department signers only. */
  registries: Registries;
  signer: NonceManager;
  /** How often to commit; 0 = only on demand. */
  intervalMs: number;
  maxRange?: number;
  onError?: (error: unknown) => void;
}

export const committedRanges = (store: DepartmentStore) => store.sublevel<CommittedRange>("access-log-commitments");

export function createAccessLogCommitter(deps: AccessLogCommitterDeps): AccessLogCommitter {
  const { store, registries, departmentId } = deps;
  const ranges = committedRanges(store);
  const entries = accessLogEntries(store);
  let current: Promise<unknown> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;

  /** Notes ranges the chain holds but this store does not (a commit whose note was lost to a crash). */
  async function reconcile(): Promise<number> {
    const onChain = Number(await registries.accessLog.commitmentCount(departmentId));
    let noted = 0;
    for await (const _ of ranges.keys()) noted++;
    for (let index = noted; index < onChain; index++) {
      const c = await registries.accessLog.commitmentAt(departmentId, index);
      const range = { index, fromSeq: Number(c.fromSeq), toSeq: Number(c.toSeq), root: c.root as Hex32 };
      await ranges.put(seqKey(index), { ...range, committedAt: Number(c.committedAt) }, DURABLE);
    }
    return Number(await registries.accessLog.nextSequence(departmentId));
  }

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

  async function commit(): Promise<CommittedRange | undefined> {
    const fromSeq = await reconcile();
    const last = await deps.log.lastSeq();
    if (last < fromSeq) return undefined;
    const toSeq = Math.min(last, fromSeq + (deps.maxRange ?? 10_000) - 1);
    const root = accessLogRoot(await hashesOf(fromSeq, toSeq));
    const index = Number(await registries.accessLog.commitmentCount(departmentId));
    let receipt: ContractTransactionReceipt | null;
    try {
      receipt = await receiptOf(await registries.accessLog.commit(fromSeq, toSeq, root));
    } catch (cause) {
      deps.signer.reset();
      throw cause;
    }
    const block = receipt ? await receipt.getBlock() : null;
    const range: CommittedRange = {
      index,
      fromSeq,
      toSeq,
      root,
      committedAt: block?.timestamp ?? Math.floor(Date.now() / 1000),
      txHash: receipt?.hash,
      blockNumber: receipt?.blockNumber,
    };
    await ranges.put(seqKey(index), range, DURABLE);
    return range;
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
  };
}

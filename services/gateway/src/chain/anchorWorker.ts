// Drains a department's outbox to the chain, singly or as Merkle batches, exactly once across crashes and restarts.
import type { NonceManager } from "ethers";
import { receiptOf } from "../../../../lib/chain/receipt.ts";
import type { Hex32 } from "../../../../lib/encoding/canonical.ts";
import { type RecordAnchor, recordTree } from "../../../../lib/encoding/recordLeaf.ts";
import { type AnchorState, anchorOf } from "../records/canonicalRecord.ts";
import { type BatchOp, type DepartmentStore, DURABLE, type OutboxEntry, seqKey } from "../store/departmentStore.ts";
import type { ChainIndex } from "./chainIndex.ts";
import type { LiveRegistries } from "./liveRegistries.ts";

export interface AnchoringOptions {
  /** Records per transaction at most; 1 anchors every record singly. */
  batchSize: number;
  /** How long the oldest queued record may wait for a fuller batch. */
  maxWaitMs: number;
  /** How often the worker looks at the outbox when idle. */
  pollMs?: number;
}

export interface AnchorWorker {
  start(): void;
  stop(): Promise<void>;
  /** Anchors whatever is queued now, regardless of batch fullness; resolves when the outbox is empty. */
  flush(): Promise<void>;
  queued(): Promise<number>;
  lastError(): unknown;
  /**
   * Runs `take` between two passes, so that no batch is being formed or sent meanwhile, and then keeps every batch
   * formed later from holding records up to `cutSeq` together with later ones (a backup's cut: see backup.ts).
   */
  cutAt<T>(take: () => Promise<{ cutSeq: number; result: T }>): Promise<T>;
}

/** Where a restored store says its backup was taken: the chain's head then (see backup.ts). */
export interface RestoredMark {
  /** Every batch anchored before the backup is in this block or an earlier one; every one after it, in a later one. */
  fromBlock: number;
}

export interface AnchorWorkerDeps {
  departmentId: number;
  store: DepartmentStore;
  /** Registries bound to the department's own signer (one writer per key). */
  registries: LiveRegistries;
  /** A batch counts as anchored once this index has seen it, so the gateway's own next read agrees. */
  index: Pick<ChainIndex, "syncTo" | "current" | "history" | "typeRegistryOf">;
  signer: NonceManager;
  options: AnchoringOptions;
  onAnchored?: (count: number, latencies: number[]) => void;
  /** Records that can be anchored nowhere (see strand): they are kept, marked, and counted here. */
  onStranded?: (count: number, registry: string) => void;
  onError?: (error: unknown) => void;
}

/** A batch's write-ahead note: written before its transaction is sent, so a restart resumes it instead of losing it. */
interface InFlight {
  /** The record registry the work is sent to, chosen when the note was written. */
  registry: string;
  root?: Hex32;
  recordHashes: Hex32[];
  seqs: number[];
  /** The chain's head when the note was written: the anchoring, if it happened, is in a later block. */
  fromBlock?: number;
}

const EMPTY_PROOF: Hex32[] = [];

export function createAnchorWorker(deps: AnchorWorkerDeps): AnchorWorker {
  const { store, registries } = deps;
  const inflight = store.sublevel<InFlight>("anchor-inflight");
  /** The last seq of the outbox each backup holds, by seq: no batch holds records on both sides of one. */
  const cuts = store.sublevel<number>("anchor-cut");
  /** Written by a restore: the work the backup's gateway anchored after it must be found on chain, not sent again. */
  const restored = store.sublevel<RestoredMark>("anchor-restored");
  let running = false;
  let timer: NodeJS.Timeout | undefined;
  /** Passes run one at a time: a timer's pass and a flush never anchor the same entries side by side. */
  let current: Promise<void> = Promise.resolve();
  let error: unknown;

  const currentRegistry = () => deps.index.current("CredentialRecordRegistry");

  /**
   * Where a queued record is anchored: the newest record registry the directory has named that reads the types its
   * type id is of. That is the current one, unless a type registry was rolled out since the record was issued; a
   * replaced registry that reads the same types is closed by its roll-out, and its successor takes its records.
   */
  function targetOf(entry: OutboxEntry): string {
    const issuedFor = entry.registry.toLowerCase();
    const types = deps.index.typeRegistryOf(issuedFor);
    const named = deps.index.history("CredentialRecordRegistry");
    return named.findLast((registry) => deps.index.typeRegistryOf(registry) === types) ?? issuedFor;
  }

  /** Whether a registry the directory no longer names is closed: the current one is never given up on. */
  const closedReplaced = async (registry: string) =>
    registry !== currentRegistry() && (await registries.recordsAt(registry).isClosed());

  /**
   * Takes records off the queue that can be anchored nowhere: their type ids are of a type registry no open record
   * registry reads (the operator closed the one they were issued for after a roll-out of the type registry). They are
   * kept, marked stranded, and counted: the department issues them again under the current types.
   */
  async function strand(entries: OutboxEntry[], registry: string, note?: InFlight): Promise<void> {
    const states = await store.anchors.getMany(entries.map((e) => e.recordHash));
    const ops: BatchOp[] = entries.flatMap((entry, i) => [
      {
        type: "put" as const,
        sublevel: store.anchors,
        key: entry.recordHash,
        value: {
          ...(states[i] ?? { acceptedAt: entry.acceptedAt }),
          state: "stranded",
          registry,
        } satisfies AnchorState,
      },
      { type: "del" as const, sublevel: store.outbox, key: seqKey(entry.seq) },
    ]);
    if (note) ops.push({ type: "del", sublevel: inflight, key: "current" });
    await store.db.batch(ops as never, DURABLE);
    deps.onStranded?.(entries.length, registry);
  }

  async function queuedEntries(limit: number): Promise<OutboxEntry[]> {
    const entries: OutboxEntry[] = [];
    for await (const value of store.outbox.values({ limit })) entries.push(value);
    return entries;
  }

  async function anchorsFor(entries: OutboxEntry[]): Promise<RecordAnchor[]> {
    return Promise.all(
      entries.map(async (entry) => {
        const record = await store.getRecord(entry.recordHash);
        if (!record) throw new Error(`record ${entry.recordHash} is queued but not stored`);
        return anchorOf(record, entry.recordHash);
      }),
    );
  }

  /** Whether the chain already holds this work (a previous run sent it and crashed before noting it). */
  async function alreadyOnChain(registry: string, anchors: RecordAnchor[], root?: Hex32): Promise<boolean> {
    const records = registries.recordsAt(registry);
    if (root) return (await records.batch(deps.departmentId, root)).issuer !== 0n;
    const [status] = await records.recordStatus(deps.departmentId, anchors[0]?.recordHash ?? "0x");
    return status !== 0n;
  }

  /** The transaction and block that anchored this work before a crash, from the registry's own event. */
  async function anchoredBy(registry: string, anchors: RecordAnchor[], root: Hex32 | undefined, fromBlock = 0) {
    const records = registries.recordsAt(registry);
    const filter = root
      ? records.filters.CredentialBatchAnchored(root, deps.departmentId)
      : records.filters.CredentialAnchored(anchors[0]?.recordHash, undefined, deps.departmentId);
    const [log] = await records.queryFilter(filter, fromBlock);
    return log ? { txHash: log.transactionHash, blockNumber: log.blockNumber } : {};
  }

  async function send(
    registry: string,
    anchors: RecordAnchor[],
    root?: Hex32,
  ): Promise<{ txHash: string; blockNumber: number }> {
    const records = registries.recordsAt(registry);
    try {
      const tx =
        root === undefined
          ? await records.anchor(
              anchors[0]?.recordHash ?? "",
              anchors[0]?.subjectRef ?? "",
              anchors[0]?.credentialType ?? 0,
              anchors[0]?.validFrom ?? 0,
              anchors[0]?.validUntil ?? 0,
            )
          : await records.anchorBatch(root, anchors.length);
      const receipt = await receiptOf(tx);
      return { txHash: receipt.hash, blockNumber: receipt.blockNumber };
    } catch (cause) {
      deps.signer.reset();
      throw cause;
    }
  }

  /** Anchors `entries`; `noted`: the note of an interrupted run of the same entries, kept as it was written. */
  async function anchorBatch(entries: OutboxEntry[], noted?: InFlight): Promise<void> {
    const anchors = await anchorsFor(entries);
    const tree = anchors.length > 1 ? recordTree(anchors) : undefined;
    const root = tree?.root;
    const provider = registries.directory.runner?.provider;
    const newNote = async (registry: string): Promise<InFlight> => {
      const written: InFlight = {
        registry,
        root,
        recordHashes: entries.map((e) => e.recordHash),
        seqs: entries.map((e) => e.seq),
        fromBlock: await provider?.getBlockNumber(),
      };
      await inflight.put("current", written, DURABLE);
      return written;
    };
    let note = noted ?? (await newNote(targetOf(entries[0] as OutboxEntry)));
    // For work noted before, in a registry the directory has replaced since, whether it is closed is read first: once
    // it is, nothing sent there before (a transaction still pending at a crash) can land any more, so what it holds
    // after that read is final. Work it does not hold then goes where it can, and none is anchored in two registries.
    const closed = noted !== undefined && (await closedReplaced(note.registry));
    let onChain = await alreadyOnChain(note.registry, anchors, root);
    if (!onChain && closed) {
      const target = targetOf({ ...(entries[0] as OutboxEntry), registry: note.registry });
      if (target === note.registry || (await closedReplaced(target))) return strand(entries, note.registry, note);
      note = await newNote(target);
      onChain = await alreadyOnChain(note.registry, anchors, root);
    }
    const { registry } = note;
    const where = onChain
      ? await anchoredBy(registry, anchors, root, note.fromBlock)
      : await send(registry, anchors, root);
    await markAnchored(entries, tree, registry, where);
  }

  /** Takes `entries` off the queue as anchored by `where`, in a batch of `tree` (or singly), with the in-flight note. */
  async function markAnchored(
    entries: OutboxEntry[],
    tree: ReturnType<typeof recordTree> | undefined,
    registry: string,
    where: { txHash?: string; blockNumber?: number },
  ): Promise<void> {
    const root = tree?.root;
    const provider = registries.directory.runner?.provider;
    const block = where.blockNumber ? await provider?.getBlock(where.blockNumber) : null;
    if (where.blockNumber) await deps.index.syncTo(where.blockNumber);
    const anchoredAt = block?.timestamp ?? Math.floor(Date.now() / 1000);
    const now = Date.now();
    const ops: BatchOp[] = [];
    const latencies: number[] = [];
    const previousStates = await store.anchors.getMany(entries.map((e) => e.recordHash));
    for (const [i, entry] of entries.entries()) {
      const previous = previousStates[i];
      const state: AnchorState = {
        ...(previous ?? { acceptedAt: entry.acceptedAt }),
        state: "anchored",
        registry,
        anchoredAt,
        txHash: where.txHash,
        blockNumber: where.blockNumber,
        batchRoot: root,
        proof: tree ? tree.proof(i) : EMPTY_PROOF,
      };
      latencies.push(now - entry.acceptedAt);
      ops.push({ type: "put", sublevel: store.anchors, key: entry.recordHash, value: state });
      ops.push({ type: "del", sublevel: store.outbox, key: seqKey(entry.seq) });
    }
    ops.push({ type: "del", sublevel: inflight, key: "current" });
    await store.db.batch(ops as never, DURABLE);
    deps.onAnchored?.(entries.length, latencies);
  }

  /**
   * After a restore: the backup's gateway may have anchored some of the queued records after the backup was taken. It
   * anchored the queue in order, in batches that never crossed a backup's cut, so the chain's anchorings of this
   * department since then are matched, in order, against the head of the queue: a single anchoring by its record hash,
   * a batch by the root of as many records as it counts. Those matched are marked anchored with the chain's transaction
   * and block. An anchoring that does not match is passed over: it holds records the backup never had, or records
   * already taken off the queue (a walk interrupted and run again), and a root matches nothing but its own records.
   * Records bound for a registry closed since are passed over too: the backup's gateway stranded them unsent.
   */
  async function reconcile(mark: RestoredMark): Promise<void> {
    const queue: OutboxEntry[] = [];
    for await (const value of store.outbox.values()) queue.push(value);
    const logs = [];
    for (const registry of new Set(deps.index.history("CredentialRecordRegistry"))) {
      const records = registries.recordsAt(registry);
      const singles = await records.queryFilter(
        records.filters.CredentialAnchored(undefined, undefined, deps.departmentId),
        mark.fromBlock + 1,
      );
      const batches = await records.queryFilter(
        records.filters.CredentialBatchAnchored(undefined, deps.departmentId),
        mark.fromBlock + 1,
      );
      logs.push(...singles.map((log) => ({ log, registry })), ...batches.map((log) => ({ log, registry })));
    }
    logs.sort((x, y) => x.log.blockNumber - y.log.blockNumber || x.log.index - y.log.index);
    let at = 0;
    for (const { log, registry } of logs) {
      while (at < queue.length && (await closedReplaced(targetOf(queue[at] as OutboxEntry)))) at++;
      const args = (log as unknown as { args: { recordHash?: string; root?: string; recordCount?: bigint } }).args;
      const count = args.recordCount === undefined ? 1 : Number(args.recordCount);
      const entries = queue.slice(at, at + count);
      if (entries.length < count) continue;
      const anchors = await anchorsFor(entries);
      const tree = count > 1 ? recordTree(anchors) : undefined;
      const matches =
        args.root === undefined
          ? anchors[0]?.recordHash.toLowerCase() === args.recordHash?.toLowerCase()
          : tree?.root.toLowerCase() === args.root.toLowerCase();
      if (!matches) continue;
      await markAnchored(entries, tree, registry, { txHash: log.transactionHash, blockNumber: log.blockNumber });
      at += count;
    }
    await restored.del("current", DURABLE);
  }

  /** The backup cut the batch starting at `first` must end at, if any; cuts behind the queue are forgotten. */
  async function cutFor(first: number): Promise<number | undefined> {
    const [lowest] = await cuts.values({ limit: 1 }).all();
    if (lowest === undefined || lowest >= first) return lowest;
    await cuts.clear({ lt: seqKey(first) });
    const [next] = await cuts.values({ limit: 1 }).all();
    return next;
  }

  /** One pass: resume an interrupted batch first, then anchor what is due. */
  async function pass(force: boolean): Promise<void> {
    // The interrupted batch first, also after a restore: its note knows its root, which the chain can be asked for.
    const interrupted = await inflight.get("current");
    if (interrupted) {
      const entries: OutboxEntry[] = [];
      for (const [i, seq] of interrupted.seqs.entries()) {
        const entry = await store.outbox.get(seqKey(seq));
        entries.push(
          entry ?? {
            seq,
            recordHash: interrupted.recordHashes[i] as Hex32,
            acceptedAt: Date.now(),
            registry: interrupted.registry,
          },
        );
      }
      await anchorBatch(entries, interrupted);
    }
    const mark = await restored.get("current");
    if (mark) await reconcile(mark);
    const { batchSize, maxWaitMs } = deps.options;
    for (;;) {
      // One batch goes to one registry: the queue is taken up to the first record bound for another.
      const queued = await queuedEntries(Math.max(1, batchSize));
      if (queued.length === 0) return;
      const bound = targetOf(queued[0] as OutboxEntry);
      const cut = await cutFor((queued[0] as OutboxEntry).seq);
      // One batch ends at another registry's record, and at a backup's cut.
      const other = queued.findIndex((e) => targetOf(e) !== bound || (cut !== undefined && e.seq > cut));
      const entries = other === -1 ? queued : queued.slice(0, other);
      if (await closedReplaced(bound)) {
        await strand(entries, bound);
        continue;
      }
      const oldest = entries[0]?.acceptedAt ?? Date.now();
      if (!force && other === -1 && entries.length < batchSize && Date.now() - oldest < maxWaitMs) return;
      await anchorBatch(entries);
    }
  }

  /** Runs `work` after whatever pass or cut is under way, and before any asked for later. */
  function serialised<T>(work: () => Promise<T>): Promise<T> {
    const next = current.catch(() => undefined).then(work);
    // What comes next waits for this, whichever way it ends; its caller sees how it ended.
    current = next.then(
      () => undefined,
      () => undefined,
    );
    return next;
  }

  const runPass = (force: boolean): Promise<void> => serialised(() => pass(force));

  function schedule(delay: number) {
    if (!running) return;
    timer = setTimeout(() => {
      runPass(false)
        .then(() => {
          error = undefined;
          schedule(deps.options.pollMs ?? 100);
        })
        .catch((cause) => {
          error = cause;
          deps.onError?.(cause);
          schedule(Math.min(5_000, (deps.options.pollMs ?? 100) * 10));
        });
    }, delay);
  }

  return {
    start() {
      running = true;
      schedule(0);
    },
    async stop() {
      running = false;
      if (timer) clearTimeout(timer);
      await current.catch(() => undefined);
    },
    flush: () => runPass(true),
    cutAt: (take) =>
      serialised(async () => {
        const taken = await take();
        if (taken.cutSeq > 0) await cuts.put(seqKey(taken.cutSeq), taken.cutSeq, DURABLE);
        return taken.result;
      }),
    async queued() {
      let n = 0;
      for await (const _ of store.outbox.keys()) n++;
      return n;
    },
    lastError: () => error,
  };
}

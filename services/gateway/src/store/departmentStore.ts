// One department's durable state in its own LevelDB: sealed records, anchoring state, the outbox, idempotency keys.
import { createHmac, createSecretKey, hkdfSync } from "node:crypto";
import type { AbstractSublevel } from "abstract-level";
import type { Level } from "level";
import { open, seal } from "../../../../lib/crypto/sealedBox.ts";
import type { Hex32 } from "../../../../lib/encoding/canonical.ts";
import type { AnchorState, CanonicalRecord } from "../records/canonicalRecord.ts";
import { GuardedLevel } from "./guardedLevel.ts";

type Sub<V> = AbstractSublevel<Level<string, string>, string | Uint8Array, string, V>;

// biome-ignore lint/suspicious/noExplicitAny: LevelDB batches mix sublevels with different value types.
export type BatchOp = { type: "put" | "del"; sublevel: Sub<any>; key: string; value?: unknown };

/** A record waiting to be anchored, in the order it was accepted. */
export interface OutboxEntry {
  seq: number;
  recordHash: Hex32;
  acceptedAt: number;
  /** The record registry it was issued for: whose types its type id is of. */
  registry: string;
}

/** A remembered response to a request made with an Idempotency-Key. */
export interface IdempotentResponse {
  bodyHash: string;
  status: number;
  body: unknown;
}

export interface DepartmentStore {
  db: GuardedLevel;
  anchors: Sub<AnchorState>;
  outbox: Sub<OutboxEntry>;
  bySubject: Sub<Hex32>;
  /**
   * The key an identifier a client chose (an Idempotency-Key) is stored under: its HMAC under a key derived from the
   * department's data key. Such identifiers are only looked up, so the store never needs them in clear, and whatever a
   * client put in one (an ID number, say) cannot be read back from the disk or guessed from its hash.
   */
  lookupKey(identifier: string): string;
  /** Remembered answers, sealed like records: an answer can carry a record's fields. Keys are lookup keys. */
  idempotency: {
    get(key: string): Promise<IdempotentResponse | undefined>;
    put(key: string, response: IdempotentResponse): Promise<void>;
    /** The batch operation that `put` performs, for a batch that must store the answer with what it answers. */
    putOp(key: string, response: IdempotentResponse): BatchOp;
  };
  meta: Sub<unknown>;
  /** Sublevels other modules own (access log, applications) hang off the same database for atomic writes. */
  sublevel<V>(name: string): Sub<V>;
  /** Encodes and seals a record for `records`; the record hash is the associated data, so a swap is detected. */
  sealRecord(record: CanonicalRecord, recordHash: Hex32): Uint8Array;
  getRecord(recordHash: Hex32): Promise<CanonicalRecord | undefined>;
  recordsSublevel(): Sub<Uint8Array>;
  /**
   * Commits the operations `build` returns for the next number of sequence `name` atomically and durably. Appends that
   * wait while a write is in progress go together in the next synced batch (each build still gets its own number, and
   * a build that throws gets none), so numbers are dense, in commit order, and never reused after a crash.
   */
  appendWithSeq<T>(name: string, build: (seq: number) => { ops: BatchOp[]; result: T }): Promise<T>;
  close(): Promise<void>;
}

/**
 * The write option for everything a gateway must not lose: LevelDB syncs its log to the disk before the write resolves,
 * so an accepted record survives a power cut as well as a crash of the process. Appends to a sequence share one synced
 * write when they arrive together (group commit), so a slow disk bounds how often the gateway syncs, not how many
 * records it accepts.
 */
// `sync` is classic-level's option; abstract-level's option types do not list it, though sublevels pass it through.
export const DURABLE = { sync: true } as never;

interface PendingAppend {
  build: (seq: number) => { ops: BatchOp[]; result: unknown };
  resolve: (result: unknown) => void;
  reject: (error: unknown) => void;
}

interface Sequence {
  pending: PendingAppend[];
  writing: boolean;
}

/** Outbox and subject-index keys sort by number: fixed-width decimal. */
export function seqKey(seq: number): string {
  return seq.toString().padStart(16, "0");
}

/** Opens (creating if needed) the department's database at `path`; `dataKey` seals records at rest (AES-256-GCM). */
export async function openDepartmentStore(path: string, dataKey: Uint8Array): Promise<DepartmentStore> {
  const db = new GuardedLevel(path, { valueEncoding: "utf8" });
  await db.open();
  // One sublevel per name, however often a module asks for it: the guard opens each again after it reopens the store.
  const sublevels = new Map<string, Sub<unknown>>();
  const json = <V>(name: string): Sub<V> => {
    let sublevel = sublevels.get(name);
    if (!sublevel) {
      sublevel = db.track(db.sublevel<string, unknown>(name, { valueEncoding: "json" }) as Sub<unknown>);
      sublevels.set(name, sublevel);
    }
    return sublevel as Sub<V>;
  };
  const records = db.track(db.sublevel<string, Uint8Array>("records", { valueEncoding: "view" }) as Sub<Uint8Array>);
  const meta = json<unknown>("meta");
  const idempotency = db.track(
    db.sublevel<string, Uint8Array>("idempotency", { valueEncoding: "view" }) as Sub<Uint8Array>,
  );
  const counters = new Map<string, number>();
  const sequences = new Map<string, Sequence>();
  const lookupSecret = createSecretKey(
    Buffer.from(hkdfSync("sha256", dataKey, new Uint8Array(0), "oncechain lookup keys", 32)),
  );
  const lookupKey = (identifier: string) => createHmac("sha256", lookupSecret).update(identifier, "utf8").digest("hex");

  /** Writes the waiting appends of a sequence, all that have arrived, one synced batch at a time. */
  async function writeGroups(name: string, sequence: Sequence): Promise<void> {
    sequence.writing = true;
    try {
      while (sequence.pending.length > 0) {
        const group = sequence.pending.splice(0);
        let seq: number;
        try {
          seq = counters.get(name) ?? ((await meta.get(`seq:${name}`)) as number | undefined) ?? 0;
        } catch (error) {
          for (const append of group) append.reject(error);
          continue;
        }
        const ops: BatchOp[] = [];
        const built: { append: PendingAppend; result: unknown }[] = [];
        for (const append of group) {
          try {
            const { ops: own, result } = append.build(seq + 1);
            ops.push(...own);
            seq += 1;
            built.push({ append, result });
          } catch (error) {
            append.reject(error);
          }
        }
        if (built.length === 0) continue;
        try {
          await db.batch([...ops, { type: "put", sublevel: meta, key: `seq:${name}`, value: seq }] as never, DURABLE);
          counters.set(name, seq);
          for (const { append, result } of built) append.resolve(result);
        } catch (error) {
          // A write LevelDB reports failed may still be on disk after it reopens (a sync that failed after the log
          // was written): the next number is read from the disk again, not assumed.
          counters.delete(name);
          for (const { append } of built) append.reject(error);
        }
      }
    } finally {
      sequence.writing = false;
    }
  }
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();
  return {
    db,
    anchors: json<AnchorState>("anchors"),
    outbox: json<OutboxEntry>("outbox"),
    bySubject: json<Hex32>("by-subject"),
    lookupKey,
    idempotency: {
      async get(key) {
        const sealed = await idempotency.get(key);
        if (sealed === undefined) return undefined;
        return JSON.parse(decoder.decode(open(dataKey, sealed, encoder.encode(`idempotency:${key}`))));
      },
      async put(key, response) {
        const op = this.putOp(key, response);
        await idempotency.put(op.key, op.value as Uint8Array, DURABLE);
      },
      putOp(key, response) {
        const value = seal(dataKey, encoder.encode(JSON.stringify(response)), encoder.encode(`idempotency:${key}`));
        return { type: "put", sublevel: idempotency, key, value };
      },
    },
    meta,
    sublevel: json,
    recordsSublevel: () => records,
    sealRecord(record, recordHash) {
      return seal(dataKey, encoder.encode(JSON.stringify(record)), encoder.encode(recordHash));
    },
    async getRecord(recordHash) {
      const sealed = await records.get(recordHash);
      if (sealed === undefined) return undefined;
      return JSON.parse(decoder.decode(open(dataKey, sealed, encoder.encode(recordHash)))) as CanonicalRecord;
    },
    appendWithSeq<T>(name: string, build: (seq: number) => { ops: BatchOp[]; result: T }): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        let sequence = sequences.get(name);
        if (!sequence) {
          sequence = { pending: [], writing: false };
          sequences.set(name, sequence);
        }
        sequence.pending.push({ build, resolve: resolve as (result: unknown) => void, reject });
        if (!sequence.writing) void writeGroups(name, sequence);
      });
    },
    close: () => db.close(),
  };
}

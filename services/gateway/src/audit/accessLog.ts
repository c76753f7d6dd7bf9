// A department's access log: who asked for which of its records, through which channel, for what purpose, and what they
// got, hash-chained.

import {
  type AccessLogEntry,
  type AccessLogInput,
  entryHashOf,
  GENESIS_HASH,
} from "../../../../lib/audit/accessLogEntry.ts";
import type { Hex32 } from "../../../../lib/encoding/canonical.ts";
import { type BatchOp, type DepartmentStore, seqKey } from "../store/departmentStore.ts";

const SEQUENCE = "access-log";

export interface AccessLog {
  /**
   * Appends an entry after the last one; resolves once it is durable. `alsoWrite` adds operations to the same atomic
   * write: a change whose entry must exist exactly when the change does (a step of a commitment).
   */
  append(input: AccessLogInput, alsoWrite?: BatchOp[]): Promise<AccessLogEntry>;
  /** The last sequence number written (0 when the log is empty). */
  lastSeq(): Promise<number>;
  /** Entries from `from` on, in order. */
  entries(from: number, limit: number): Promise<AccessLogEntry[]>;
  /** Entries about one subject from `from` on, in order. */
  entriesAbout(subjectRef: Hex32, from: number, limit: number): Promise<AccessLogEntry[]>;
  /** The newest `limit` entries about one subject, in order. */
  newestAbout(subjectRef: Hex32, limit: number): Promise<AccessLogEntry[]>;
}

/** Entries live in sublevel "access-log" under their fixed-width sequence number; this is where auditors read. */
export const accessLogEntries = (store: DepartmentStore) => store.sublevel<AccessLogEntry>("access-log");

export function createAccessLog(store: DepartmentStore, now: () => number = Date.now): AccessLog {
  const entries = accessLogEntries(store);
  const bySubject = store.sublevel<number>("access-log-by-subject");
  // Appends run one at a time here, so the hash of the previous entry can be kept in memory between them.
  let queue: Promise<unknown> = Promise.resolve();
  let lastHash: Hex32 | undefined;

  async function lastSeq(): Promise<number> {
    return ((await store.meta.get(`seq:${SEQUENCE}`)) as number | undefined) ?? 0;
  }

  async function previousHash(): Promise<Hex32> {
    if (lastHash) return lastHash;
    const seq = await lastSeq();
    return seq === 0 ? GENESIS_HASH : ((await entries.get(seqKey(seq)))?.entryHash ?? GENESIS_HASH);
  }

  async function write(input: AccessLogInput, alsoWrite: BatchOp[]): Promise<AccessLogEntry> {
    const prevHash = await previousHash();
    const entry = await store.appendWithSeq(SEQUENCE, (seq) => {
      // Only the fields the access has: an absent field is left out, never written as null, so old entries hash as before.
      const fields = Object.fromEntries(Object.entries(input).filter(([, value]) => value !== undefined));
      const content = { seq, at: new Date(now()).toISOString(), ...fields, prevHash } as Omit<
        AccessLogEntry,
        "entryHash"
      >;
      const result: AccessLogEntry = { ...content, entryHash: entryHashOf(content) };
      return {
        ops: [
          { type: "put", sublevel: entries, key: seqKey(seq), value: result },
          ...(input.subjectRef
            ? [{ type: "put" as const, sublevel: bySubject, key: `${input.subjectRef}!${seqKey(seq)}`, value: seq }]
            : []),
          ...alsoWrite,
        ],
        result,
      };
    });
    lastHash = entry.entryHash;
    return entry;
  }

  return {
    append(input, alsoWrite = []) {
      const next = queue.then(() =>
        write(input, alsoWrite).catch((error) => {
          // A failed write may have left the cached hash behind the database; read it again next time.
          lastHash = undefined;
          throw error;
        }),
      );
      queue = next.catch(() => undefined);
      return next;
    },
    lastSeq,
    async entries(from, limit) {
      const found: AccessLogEntry[] = [];
      for await (const value of entries.values({ gte: seqKey(Math.max(1, from)), limit })) found.push(value);
      return found;
    },
    async entriesAbout(subjectRef, from, limit) {
      const seqs: number[] = [];
      const range = { gte: `${subjectRef}!${seqKey(Math.max(1, from))}`, lt: `${subjectRef}!~`, limit };
      for await (const seq of bySubject.values(range)) seqs.push(seq);
      const found = await entries.getMany(seqs.map(seqKey));
      return found.filter((e): e is AccessLogEntry => e !== undefined);
    },
    async newestAbout(subjectRef, limit) {
      const seqs: number[] = [];
      const range = { gte: `${subjectRef}!`, lt: `${subjectRef}!~`, limit, reverse: true };
      for await (const seq of bySubject.values(range)) seqs.push(seq);
      const found = await entries.getMany(seqs.reverse().map(seqKey));
      return found.filter((e): e is AccessLogEntry => e !== undefined);
    },
  };
}

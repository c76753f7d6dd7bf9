// The nonces of signed peer requests a department has answered, kept in its own database while they could be replayed.
import type { DepartmentStore } from "../store/departmentStore.ts";

export interface SeenNonces {
  /** True the first time `sender` presents `nonce`; false ever after, until `until` (Unix ms) has passed. */
  rememberOnce(sender: string, nonce: string, until: number, now: number): Promise<boolean>;
}

/**
 * `sweepEveryMs`: how often nonces past their time are dropped, at most. The database is the truth (a restart still
 * refuses a nonce it has answered) and a copy of it in memory answers
 * whether a nonce was seen: read once when the department first meets a peer request, then kept with every write. The
 * copy holds what the window lets in, about 2 × 60 s of requests (12,000 at 100 requests a second).
 */
export async function seenNonces(store: DepartmentStore, sweepEveryMs: number): Promise<SeenNonces> {
  const seen = store.sublevel<number>("federation-nonces");
  const known = new Map<string, number>();
  for await (const [key, until] of seen.iterator()) known.set(key, until);
  /** Nonces being written right now: two copies of one request that arrive together cannot both pass. */
  const claiming = new Set<string>();
  let lastSweep = 0;

  async function sweep(now: number): Promise<void> {
    if (now - lastSweep < sweepEveryMs) return;
    lastSweep = now;
    const expired = [...known].filter(([, until]) => until < now).map(([key]) => key);
    if (expired.length === 0) return;
    await seen.batch(expired.map((key) => ({ type: "del" as const, key })));
    for (const key of expired) if ((known.get(key) ?? now) < now) known.delete(key);
  }

  return {
    async rememberOnce(sender, nonce, until, now) {
      const key = `${sender}!${nonce}`;
      if (claiming.has(key)) return false;
      const before = known.get(key);
      if (before !== undefined && before >= now) return false;
      claiming.add(key);
      try {
        // Written without a sync of its own: whatever the issuer answers a request with, shared, denied or refused, is
        // preceded by the synced append of its access-log entry to this same database, and LevelDB's log is one file
        // written in order, so that sync makes this write durable before any answer leaves. A nonce lost with a power
        // cut belongs to a request that was never answered.
        await seen.put(key, until);
        known.set(key, until);
        await sweep(now);
        return true;
      } finally {
        claiming.delete(key);
      }
    },
  };
}

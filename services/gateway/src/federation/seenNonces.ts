// The nonces of signed peer requests a department has answered, kept in its own database while they could be replayed.
import { type DepartmentStore, DURABLE } from "../store/departmentStore.ts";

export interface SeenNonces {
  /** True the first time `sender` presents `nonce`; false ever after, until `until` (Unix ms) has passed. */
  rememberOnce(sender: string, nonce: string, until: number, now: number): Promise<boolean>;
}

/** `sweepEveryMs`: how often nonces past their time are dropped, at most. */
export function seenNonces(store: DepartmentStore, sweepEveryMs: number): SeenNonces {
  const seen = store.sublevel<number>("federation-nonces");
  /** Nonces being written right now: two copies of one request that arrive together cannot both pass. */
  const claiming = new Set<string>();
  let lastSweep = 0;

  async function sweep(now: number): Promise<void> {
    if (now - lastSweep < sweepEveryMs) return;
    lastSweep = now;
    const expired: string[] = [];
    for await (const [key, until] of seen.iterator()) if (until < now) expired.push(key);
    if (expired.length > 0) await seen.batch(expired.map((key) => ({ type: "del" as const, key })));
  }

  return {
    async rememberOnce(sender, nonce, until, now) {
      const key = `${sender}!${nonce}`;
      if (claiming.has(key)) return false;
      claiming.add(key);
      try {
        const known = await seen.get(key);
        if (known !== undefined && known >= now) return false;
        await seen.put(key, until, DURABLE);
        await sweep(now);
        return true;
      } finally {
        claiming.delete(key);
      }
    },
  };
}

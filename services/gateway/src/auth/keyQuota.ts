// How many requests one API key (one department's system) may make a second: a token bucket per key, so that a system
// gone wrong, or a key in the wrong hands, is refused 429 and cannot take the gateway from the departments it shares
// it with. Checked when the key is, before the body is read or anything else is done. A refusal is answered after
// the Retry-After it gives (a second, mostly): a system that sends again the moment it is answered, as a retry loop gone
// wrong does, is slowed to about as many refusals a second as it has connections, instead of taking the process with
// thousands of 429s a second.
import { GatewayError } from "../errors/GatewayError.ts";

export interface QuotaSettings {
  /** Requests a second a key may make, on average; 0: no quota. */
  perSecond: number;
  /** Requests a key may make at once, beyond the average, after a quiet spell. */
  burst: number;
}

/** The default of a gateway process (GATEWAY_KEY_RATE, GATEWAY_KEY_BURST): a counter system makes a request a second. */
export const DEFAULT_KEY_QUOTA: QuotaSettings = { perSecond: 100, burst: 200 };

/** Quota refusals held back at once (each a timer and an open request); beyond, they are answered at once. */
export const MAX_HELD_REFUSALS = 256;

/** No quota: what a gateway made in process without one gets (a test, a benchmark); a gateway process has the default. */
export const NO_QUOTA: QuotaSettings = { perSecond: 0, burst: 0 };

export interface KeyQuota {
  /** Takes one request of `key`'s quota at `now` (ms), or says how long until the key has one again. */
  take(
    key: string,
    now: number,
  ): { admitted: true } | { admitted: false; retryAfterSeconds: number; error: GatewayError };
}

interface Bucket {
  tokens: number;
  at: number;
}

/**
 * A bucket of `burst` tokens per key, refilled at `perSecond`; a request takes one. Kept in memory, one per process: a
 * restart fills every bucket. The map holds one entry per key that has asked, and the keys are the departments' own.
 */
export function keyQuota(settings: QuotaSettings): KeyQuota | undefined {
  const { perSecond, burst } = settings;
  if (perSecond === 0) return undefined;
  const capacity = Math.max(1, burst);
  const buckets = new Map<string, Bucket>();
  return {
    take(key, now) {
      const bucket = buckets.get(key) ?? { tokens: capacity, at: now };
      bucket.tokens = Math.min(capacity, bucket.tokens + ((now - bucket.at) / 1000) * perSecond);
      bucket.at = now;
      buckets.set(key, bucket);
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return { admitted: true };
      }
      const waitMs = ((1 - bucket.tokens) / perSecond) * 1000;
      const retryAfterSeconds = Math.max(1, Math.ceil(waitMs / 1000));
      return {
        admitted: false,
        retryAfterSeconds,
        error: new GatewayError("KEY_QUOTA_EXCEEDED", {
          detail: `this key may make ${perSecond} requests a second (${capacity} at once); try again in ${retryAfterSeconds} s`,
          headers: { "Retry-After": String(retryAfterSeconds) },
        }),
      };
    },
  };
}

// A department's system as it should treat its gateway's quota (services/gateway/src/auth/keyQuota.ts): a 429 is asked
// again after the Retry-After it gives. What the soak's clients use where a refusal is not what they measure.
import { setTimeout as sleep } from "node:timers/promises";

/** fetch, asking again after each 429's Retry-After (at most `attempts` times in all). */
export async function fetchWithinQuota(url: string, init: RequestInit = {}, attempts = 30): Promise<Response> {
  for (let attempt = 1; ; attempt++) {
    const response = await fetch(url, init);
    const retryAfter = Number(response.headers.get("retry-after"));
    if (response.status !== 429 || attempt >= attempts || !(retryAfter > 0)) return response;
    await response.arrayBuffer();
    await sleep(retryAfter * 1000);
  }
}

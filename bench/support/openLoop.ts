// An open-loop load run: requests sent at a fixed arrival rate whether or not earlier ones have answered, each one's
// latency measured from the time it was due, so that queueing in the server (or in this process) is not hidden.

/** "ok", or what went wrong with one request (counted by label). */
export type Outcome = "ok" | string;

export interface OpenLoopResult {
  offeredRate: number;
  seconds: number;
  /** Requests due in the run: rate × seconds. */
  sent: number;
  ok: number;
  errors: Record<string, number>;
  /** OK answers per second, from the first request's due time to the last answer. */
  achievedRate: number;
  /** Over every request, ok or not, from its due time to its answer (or failure). */
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** How late this process sent a request after it was due, at most: its own share of any latency. */
  maxSendLagMs: number;
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

/**
 * Sends `send(i)` for i = 0 … rate × seconds − 1, the i-th at i / rate seconds after the start; resolves once all
 * answered. `keep`, when given, receives every latency, for percentiles over several runs.
 */
export async function openLoop(rate: number, seconds: number, send: (i: number) => Promise<Outcome>, keep?: number[]) {
  const count = Math.round(rate * seconds);
  const intervalMs = 1000 / rate;
  const latencies: number[] = [];
  const errors: Record<string, number> = {};
  const pending: Promise<void>[] = [];
  let ok = 0;
  let lastAnswer = 0;
  let maxSendLagMs = 0;
  const start = performance.now() + 5;
  const fire = (i: number) => {
    const due = start + i * intervalMs;
    maxSendLagMs = Math.max(maxSendLagMs, performance.now() - due);
    const settle = (outcome: Outcome) => {
      lastAnswer = performance.now();
      latencies.push(lastAnswer - due);
      if (outcome === "ok") ok++;
      else errors[outcome] = (errors[outcome] ?? 0) + 1;
    };
    pending.push(send(i).then(settle, (error: Error) => settle(`failed: ${error.message}`)));
  };
  await new Promise<void>((resolve) => {
    let next = 0;
    const tick = () => {
      // Every request due by now goes out in this turn, however late the timer woke.
      while (next < count && start + next * intervalMs <= performance.now()) fire(next++);
      if (next >= count) return resolve();
      setTimeout(tick, Math.max(0, start + next * intervalMs - performance.now()));
    };
    setTimeout(tick, Math.max(0, start - performance.now()));
  });
  await Promise.all(pending);
  latencies.sort((a, b) => a - b);
  keep?.push(...latencies);
  return {
    offeredRate: rate,
    seconds,
    sent: count,
    ok,
    errors,
    achievedRate: ok / ((lastAnswer - start) / 1000),
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    maxMs: latencies.at(-1) ?? Number.NaN,
    maxSendLagMs,
  } satisfies OpenLoopResult;
}

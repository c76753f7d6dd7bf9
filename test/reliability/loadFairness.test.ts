// The short run of load and fairness (issue 13, item 8): npm run test:soak -- load runs 5 minutes and measures the
// other department's p99 with and without the flood.
import { describe, expect, it } from "vitest";
import { figureAt, LOAD_PROMISES, loadFairness } from "./loadFairness.ts";

describe("verification at a steady rate beside issuance, and one key past its quota, across processes (anvil, the gateway, the flood client)", () => {
  it("answers every steady request, refuses the flooding key 429 with Retry-After past its quota only, and serves the others meanwhile", async () => {
    const figures = await loadFairness({
      steadySeconds: 3,
      verifyRate: 50,
      otherRate: 25,
      issueRate: 5,
      windows: 1,
      windowSeconds: 3,
      floodRate: 300,
      quotaRate: 100,
    });
    for (const [path, promised] of Object.entries(LOAD_PROMISES)) {
      expect(figureAt(figures, path), `${path}: ${JSON.stringify(figures)}`).toBe(promised);
    }
    expect(figures.steady.psbVerify.ok).toBe(150);
    expect(figures.fairness.flood.statuses["429"]).toBeGreaterThan(0);
    expect(figures.fairness.flood.statuses["200"]).toBeGreaterThan(0);
    expect(figures.fairness.otherWith.ok).toBe(75);
  }, 180_000);
});

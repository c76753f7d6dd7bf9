// The short run of the crash test (issue 13, item 1): npm run test:soak runs it with 10,000 issuances and 100 kills.
import { describe, expect, it } from "vitest";
import { crashDuringIssuance } from "./crashDuringIssuance.ts";

describe("a gateway process killed with SIGKILL during issuance, across processes (anvil, the gateway, the clients)", () => {
  it("loses no acknowledged record, anchors none twice and answers every retried key as it first did", async () => {
    const figures = await crashDuringIssuance({ issuances: 200, kills: 3, clients: 6 });
    expect(figures).toMatchObject({
      acknowledged: 200,
      acknowledgedLost: 0,
      anchoredTwice: 0,
      differingAnswers: 0,
      unexpectedAnswers: 0,
      recordsOnChain: 200,
    });
    // The kills fell while requests were on their way: some found no gateway and were sent again.
    expect(figures.retriedRequests).toBeGreaterThan(0);
  }, 300_000);
});

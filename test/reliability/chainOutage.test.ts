// The short run of the chain outage (issue 13, item 2): npm run test:soak cuts the connection for 60 s.
import { describe, expect, it } from "vitest";
import { chainOutage, OUTAGE_PROMISES } from "./chainOutage.ts";

describe("the gateway's JSON-RPC connection cut, a sent transaction's answer dropped and the node restarted without its pool, across processes", () => {
  it("keeps taking records, verifies from its index or says the chain is unavailable, and anchors the backlog once", async () => {
    const figures = await chainOutage({ outageSeconds: 4, rate: 20, settleMs: 2000 });
    expect(figures.otherVerificationAnswers).toEqual([]);
    expect(figures, JSON.stringify({ lost: figures.lostStates, log: figures.gatewayLog })).toMatchObject(
      OUTAGE_PROMISES,
    );
    // Records were taken, and verifications answered both ways, while the chain could not be reached.
    expect(figures.issuedDuringOutage).toBeGreaterThan(0);
    expect(figures.verifiedFromIndex).toBeGreaterThan(0);
    expect(figures.freshChainUnavailable).toBeGreaterThan(0);
    // The node was restarted holding a transaction of the gateway's unmined, and forgot it.
    expect(figures.forgottenAtRestart).toBeGreaterThan(0);
  }, 240_000);
});

// In the external project (npm run test:external), Hardhat's in-process network is out of reach: a helper that would
// start one fails the test that calls it. Run in that project only (test/externalSuite.ts).
import { expect, it } from "vitest";
import { seededChain } from "../gateway/gatewayFixture.ts";

it("refuses Hardhat's in-process network to the tests of the external suite", async () => {
  await expect(seededChain()).rejects.toThrow(
    "hardhat's network: the external suite (npm run test:external) reaches chains through JSON-RPC only",
  );
});

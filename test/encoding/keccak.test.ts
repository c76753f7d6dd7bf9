import { randomBytes } from "node:crypto";
import { keccak256 } from "ethers";
import { describe, expect, it } from "vitest";
import { keccak256Bytes } from "../../lib/encoding/keccak.ts";

describe("keccak256Bytes", () => {
  it("gives ethers' keccak256 for every length across the 136-byte rate, and a fresh buffer each time", () => {
    const digests: Buffer[] = [];
    for (let length = 0; length <= 300; length++) {
      const data = randomBytes(length);
      const digest = keccak256Bytes(data);
      expect(`0x${digest.toString("hex")}`).toBe(keccak256(data));
      digests.push(digest);
    }
    // Earlier digests are not overwritten by later calls (the hasher is reused).
    expect(`0x${digests[0]?.toString("hex")}`).toBe(keccak256(new Uint8Array(0)));
  });
});

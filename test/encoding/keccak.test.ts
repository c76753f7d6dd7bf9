import { randomBytes } from "node:crypto";
import { getAddress, hexlify, keccak256 } from "ethers";
import { describe, expect, it } from "vitest";
import { checksumAddress, keccak256Bytes } from "../../lib/encoding/keccak.ts";

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

describe("checksumAddress", () => {
  it("gives ethers' getAddress for random addresses in any case, and refuses what is not 40 hex digits", () => {
    for (let i = 0; i < 500; i++) {
      const address = hexlify(randomBytes(20));
      expect(checksumAddress(address)).toBe(getAddress(address));
      expect(checksumAddress(address.slice(2).toUpperCase())).toBe(getAddress(address));
    }
    for (const bad of ["", "0x", "0x123", `0x${"g".repeat(40)}`, `0x${"a".repeat(41)}`]) {
      expect(() => checksumAddress(bad)).toThrow(/40 hex digits/);
    }
  });
});

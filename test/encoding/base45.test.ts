// Base45 (RFC 9285) as the QR code of a disclosure carries it: RFC 9285's own examples, the npm package base45's
// encoder agreeing on random bytes, and every string that spells no bytes refused, where that package decodes it.
import base45 from "base45";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Base45Error, base45Decode, base45Encode } from "../../lib/encoding/base45.ts";

describe("Base45 (RFC 9285)", () => {
  it("encodes and decodes the examples of RFC 9285 section 4", () => {
    const examples: [string, string][] = [
      ["AB", "BB8"],
      ["Hello!!", "%69 VD92EX0"],
      ["base-45", "UJCLQE7W581"],
      ["ietf!", "QED8WEX0"],
    ];
    for (const [text, encoded] of examples) {
      expect(base45Encode(Buffer.from(text))).toBe(encoded);
      expect(base45Decode(encoded).toString()).toBe(text);
    }
  });

  it("agrees with the npm package base45 on any bytes, and decodes what it encodes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const encoded = base45Encode(bytes);
        expect(encoded).toBe(base45.encode(Buffer.from(bytes)));
        expect(base45Decode(encoded).equals(Buffer.from(bytes))).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it("refuses a character outside the alphabet, a triple above 65535, a pair above 255 and a dangling character", () => {
    const refusals: [string, RegExp][] = [
      ["GGW", /characters 1 to 3 spell 65536, more than two bytes hold/], // RFC 9285 section 6's example
      ["BB8a", /a length of 4 leaves one character over/],
      ["BB8:U", /characters 4 and 5 spell 1394, more than a byte holds/],
      ["B~8", /character 2 is not in the Base45 alphabet/],
      ["bb8", /character 1 is not in the Base45 alphabet/],
    ];
    for (const [text, why] of refusals) {
      expect(() => base45Decode(text)).toThrow(Base45Error);
      expect(() => base45Decode(text)).toThrow(why);
    }
  });
});

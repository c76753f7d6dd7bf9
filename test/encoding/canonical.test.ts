import reference from "canonicalize";
import { describe, expect, it } from "vitest";
import { canonicalize, contentHash } from "../../lib/encoding/canonical.ts";

/** A small seeded generator, so that a failure can be replayed. */
function prng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

const CHARS = [
  "1",
  "9",
  "a",
  "Z",
  "0",
  " ",
  '"',
  "\\",
  "/",
  "\n",
  "\u0000",
  "\u001f",
  "\u007f",
  "é",
  "€",
  "王",
  "营",
  "\u2028",
  "😀",
  "\ufb33",
  "_",
];
const NUMBERS = [
  0,
  -0,
  1,
  -1,
  4.5,
  0.002,
  1e-7,
  1e-6,
  1e21,
  1e20,
  1e30,
  1e-27,
  5e-324,
  1.7976931348623157e308,
  333333333.3333333,
  2 ** 53,
  -(2 ** 53) - 2,
  0.1 + 0.2,
];

function value(rand: () => number, depth: number): unknown {
  const pick = <T>(list: readonly T[]) => list[Math.floor(rand() * list.length)] as T;
  const str = () => Array.from({ length: Math.floor(rand() * 8) }, () => pick(CHARS)).join("");
  const kind = Math.floor(rand() * (depth > 3 ? 4 : 6));
  switch (kind) {
    case 0:
      return str();
    case 1: {
      if (rand() < 0.5) return pick(NUMBERS);
      // Any double: 64 random bits from the seeded generator.
      const view = new DataView(new ArrayBuffer(8));
      view.setUint32(0, Math.floor(rand() * 2 ** 32));
      view.setUint32(4, Math.floor(rand() * 2 ** 32));
      const bits = view.getFloat64(0);
      return Number.isFinite(bits) ? bits : rand() * 1e6;
    }
    case 2:
      return pick([true, false, null]);
    case 3:
      return Math.floor(rand() * 2 ** 31) - 2 ** 30;
    case 4:
      return Array.from({ length: Math.floor(rand() * 5) }, () => value(rand, depth + 1));
    default:
      return Object.fromEntries(Array.from({ length: Math.floor(rand() * 6) }, () => [str(), value(rand, depth + 1)]));
  }
}

describe("canonicalize (RFC 8785)", () => {
  it("writes the RFC's own example exactly", () => {
    const input = JSON.parse(
      '{"numbers":[333333333.33333329,1E30,4.50,2e-3,0.000000000000000000000000001],' +
        '"string":"\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/","literals":[null,true,false]}',
    );
    expect(canonicalize(input)).toBe(
      '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],' +
        '"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}',
    );
  });

  it("orders members by UTF-16 code units, as the RFC's sorting example does", () => {
    const input = {
      "\u20ac": "Euro Sign",
      "\r": "Carriage Return",
      "\ufb33": "Hebrew Letter Dalet With Dagesh",
      "1": "One",
      "\ud83d\ude00": "Emoji: Grinning Face",
      "\u0080": "Control",
      "\u00f6": "Latin Small Letter O With Diaeresis",
    };
    // Read back through JSON.parse, "1" would come first (integer-like keys lead in JS objects): compare the text.
    const order = ["\r", "1", "\u0080", "\u00f6", "\u20ac", "\ud83d\ude00", "\ufb33"];
    expect(canonicalize(input)).toBe(
      `{${order.map((k) => `${JSON.stringify(k)}:${JSON.stringify(input[k as keyof typeof input])}`).join(",")}}`,
    );
  });

  it("agrees with the reference implementation (the canonicalize package) on 5,000 random JSON values", () => {
    const rand = prng(20261127);
    for (let i = 0; i < 5000; i++) {
      const v = value(rand, 0);
      expect(canonicalize(v), JSON.stringify(v)).toBe(reference(v));
    }
  });

  it("keeps index-like names in code-unit order and a __proto__ member as a member", () => {
    expect(canonicalize({ b: 1, 10: "ten", 9: "nine", a: [{ 2: 0, 1: 0 }] })).toBe(
      '{"10":"ten","9":"nine","a":[{"1":0,"2":0}],"b":1}',
    );
    const withProto = JSON.parse('{"z":1,"__proto__":{"x":2},"a":3}');
    expect(canonicalize(withProto)).toBe('{"__proto__":{"x":2},"a":3,"z":1}');
    expect(canonicalize({ outer: withProto })).toBe(reference({ outer: withProto }));
  });

  it("leaves out undefined members, writes undefined array elements as null and follows toJSON, as JSON does", () => {
    expect(canonicalize({ b: undefined, a: [undefined, () => 1], d: new Date(0) })).toBe(
      '{"a":[null,null],"d":"1970-01-01T00:00:00.000Z"}',
    );
  });

  it("refuses what JSON cannot carry, saying what", () => {
    expect(() => canonicalize(Number.NaN)).toThrow(/NaN is not a JSON number/);
    expect(() => canonicalize({ a: [Number.POSITIVE_INFINITY] })).toThrow(/Infinity is not a JSON number/);
    expect(() => canonicalize(1n)).toThrow(/bigint/);
    expect(() => canonicalize({ name: "\ud800x" })).toThrow(/lone surrogate/);
    expect(() => canonicalize({ "\udc00": 1 })).toThrow(/lone surrogate/);
    // Also in an object written member by member (one with an index-like name).
    expect(() => canonicalize({ 1: 0, "\udc00": 1 })).toThrow(/lone surrogate/);
    const holed: unknown[] = [{ 1: 0 }];
    holed[2] = 2;
    expect(canonicalize(holed)).toBe('[{"1":0},null,2]');
    expect(() => canonicalize(undefined)).toThrow(/undefined is not a JSON value/);
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(() => canonicalize(cycle)).toThrow(/circular/);
  });

  it("hashes the canonical form: member order does not change a content hash", () => {
    expect(contentHash({ a: 1, b: [2, "三"] })).toBe(contentHash({ b: [2, "三"], a: 1 }));
    expect(contentHash({ a: 1 })).toMatch(/^0x[0-9a-f]{64}$/);
  });
});

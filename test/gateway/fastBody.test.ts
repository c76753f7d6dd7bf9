// The verify route's fast path must give exactly what its schema gives, and nothing the schema refuses.
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { verifyBodyFastPath, verifyBodySchema } from "../../services/gateway/src/http/schemas.ts";

const hex = () => `0x${randomBytes(32).toString("hex")}`;
const HEX_UPPER = `0x${"AB".repeat(32)}`;

function record(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    format: "oncechain-record/1",
    credentialType: "business-licence",
    typeVersion: 1,
    typeId: 12,
    issuer: "market-regulation",
    issuerId: 9,
    subjectRef: hex(),
    fields: { name: "怀柔雁栖科技有限公司", capital: 1_000_000, scope: ["技术开发"], nested: { a: null } },
    issuedAt: "2026-11-27T02:00:00.000Z",
    validFrom: 1_800_000_000,
    validUntil: 0,
    salt: hex(),
    ...extra,
  };
}

const anchor = (n = 10) => ({ batchRoot: hex(), proof: Array.from({ length: n }, hex) });

/** Valid bodies of every shape the schema allows. */
const validBodies = (): Record<string, unknown>[] => [
  { record: record() },
  { record: record({ format: "oncechain-record/2" }) },
  { record: record(), anchor: anchor() },
  { record: record({ supersedes: hex() }), anchor: anchor(0) },
  { record: record({ subjectRef: HEX_UPPER, salt: HEX_UPPER }), recordHash: HEX_UPPER, anchor: anchor(64) },
  { record: record(), recordHash: hex(), issuerId: 3 },
  { recordHash: hex(), issuerId: 1 },
  { recordHash: HEX_UPPER, issuerId: 2 ** 32 - 1, anchor: { batchRoot: HEX_UPPER, proof: [HEX_UPPER] } },
  { record: record({ typeVersion: 2 ** 16 - 1, typeId: 2 ** 32 - 1, issuerId: 2 ** 32 - 1 }) },
  { record: record({ validFrom: 0, validUntil: 2 ** 40 - 1, fields: {} }) },
];

const BAD_VALUES: unknown[] = [
  undefined,
  null,
  "",
  "x",
  -1,
  0,
  -0,
  1.5,
  2 ** 16,
  2 ** 32,
  2 ** 40,
  2 ** 53 - 1,
  2 ** 53,
  Number.NaN,
  true,
  [],
  {},
  [hex()],
  `0x${"a".repeat(63)}`,
  `0x${"g".repeat(64)}`,
  ` ${hex()}`,
  `0x${"a".repeat(63)}ａ`,
  `0x${"a".repeat(63)}\u0100`,
  `0X${"a".repeat(64)}`,
  HEX_UPPER,
  "oncechain-record/2",
  "oncechain-record/3",
  JSON.parse('{"__proto__": {"x": 1}}'),
];

/** Every (path, value) replacement of one member, plus an unknown member at each object. */
function* mutations(body: Record<string, unknown>): Generator<unknown> {
  const clone = () => structuredClone(body) as Record<string, unknown>;
  const paths: string[][] = [];
  const walk = (value: unknown, path: string[]) => {
    if (path.length > 0) paths.push(path);
    if (value && typeof value === "object") {
      for (const [key, member] of Object.entries(value)) walk(member, [...path, key]);
    }
  };
  walk(body, []);
  for (const extra of [["record"], ["anchor"], ["record", "fields"], ["record", "typeVersion"], ["anchor", "proof"]]) {
    paths.push(extra);
  }
  for (const path of paths) {
    for (const bad of BAD_VALUES) {
      const copy = clone();
      let target = copy as Record<string, unknown>;
      for (const key of path.slice(0, -1)) target = target[key] as Record<string, unknown>;
      if (target === undefined || target === null || typeof target !== "object") continue;
      const last = path.at(-1) as string;
      if (bad === undefined) delete target[last];
      else target[last] = structuredClone(bad);
      yield copy;
    }
  }
  for (const at of [[], ["record"], ["anchor"]]) {
    const copy = clone();
    let target = copy as Record<string, unknown>;
    for (const key of at) target = target[key] as Record<string, unknown>;
    if (target && typeof target === "object") {
      target.unexpected = 1;
      yield copy;
    }
  }
  const withProto = clone();
  Object.defineProperty(withProto, "__proto__", { value: {}, enumerable: true, configurable: true, writable: true });
  yield withProto;
  yield [body];
  yield null;
  yield "body";
}

describe("the verify body's fast path", () => {
  it("takes every valid shape, giving exactly what the schema gives", () => {
    for (const body of validBodies()) {
      const parsed = verifyBodySchema.safeParse(body);
      expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
      expect(verifyBodyFastPath(body)).toStrictEqual(parsed.data);
    }
  });

  it("never takes a body the schema refuses, and agrees with it on every mutation it takes", () => {
    let taken = 0;
    let refusedBySchema = 0;
    for (const body of validBodies()) {
      for (const mutated of mutations(body)) {
        const parsed = verifyBodySchema.safeParse(mutated);
        const fast = verifyBodyFastPath(mutated);
        if (!parsed.success) refusedBySchema++;
        if (fast === undefined) continue;
        taken++;
        expect(parsed.success, `fast path took what the schema refuses: ${JSON.stringify(mutated)}`).toBe(true);
        expect(fast).toStrictEqual(parsed.data);
      }
    }
    // The mutations exercise both sides: many are refused, and some (e.g. other valid numbers or strings) are taken.
    expect(refusedBySchema).toBeGreaterThan(1000);
    expect(taken).toBeGreaterThan(100);
  });
});

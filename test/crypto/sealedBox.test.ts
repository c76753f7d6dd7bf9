// Sealed boxes: what opens, what is refused and with which code, and that no two seals look alike.
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { open, SealedBoxError, type SealedBoxErrorCode, seal } from "../../lib/crypto/sealedBox.ts";

const KEY = new Uint8Array(randomBytes(32));
const AD = new TextEncoder().encode("psb/0x5eed");
const PLAINTEXT = new TextEncoder().encode('{"name":"张三","idNumber":"11010519491231002X"}');
const HEADER = 13;
const TAG = 16;

function codeOf(action: () => unknown): SealedBoxErrorCode | undefined {
  try {
    action();
  } catch (error) {
    if (error instanceof SealedBoxError) return error.code;
    throw error;
  }
  return undefined;
}

/** A copy of `bytes` with the bit at `index` flipped. */
function flipped(bytes: Uint8Array, index: number): Uint8Array {
  const copy = new Uint8Array(bytes);
  copy[index] = (copy[index] ?? 0) ^ 1;
  return copy;
}

describe("sealedBox", () => {
  it("opens what it sealed under the same key and associated data", () => {
    expect(open(KEY, seal(KEY, PLAINTEXT, AD), AD)).toEqual(PLAINTEXT);
  });

  it("seals an empty plaintext into a box of header and tag alone, and opens it", () => {
    const sealed = seal(KEY, new Uint8Array(), new Uint8Array());
    expect(sealed.length).toBe(HEADER + TAG);
    expect(open(KEY, sealed, new Uint8Array())).toEqual(new Uint8Array());
  });

  it("lays a box out as version 1, a 12-byte IV, the ciphertext and a 16-byte tag", () => {
    const sealed = seal(KEY, PLAINTEXT, AD);
    expect(sealed[0]).toBe(1);
    expect(sealed.length).toBe(HEADER + PLAINTEXT.length + TAG);
  });

  it("draws a new IV for every seal, so the same plaintext never seals the same way twice", () => {
    const boxes = Array.from({ length: 20 }, () => seal(KEY, PLAINTEXT, AD));
    const ivs = new Set(boxes.map((box) => Buffer.from(box.subarray(1, HEADER)).toString("hex")));
    const bodies = new Set(boxes.map((box) => Buffer.from(box.subarray(HEADER)).toString("hex")));
    expect(ivs.size).toBe(20);
    expect(bodies.size).toBe(20);
  });

  it("refuses with SEALED_BOX_NOT_AUTHENTIC when any byte of IV, ciphertext or tag is changed", () => {
    const sealed = seal(KEY, PLAINTEXT, AD);
    for (let i = 1; i < sealed.length; i++)
      expect(codeOf(() => open(KEY, flipped(sealed, i), AD))).toBe("SEALED_BOX_NOT_AUTHENTIC");
  });

  it("refuses with SEALED_BOX_NOT_AUTHENTIC under other associated data, including none", () => {
    const sealed = seal(KEY, PLAINTEXT, AD);
    expect(codeOf(() => open(KEY, sealed, flipped(AD, 0)))).toBe("SEALED_BOX_NOT_AUTHENTIC");
    expect(codeOf(() => open(KEY, sealed, new Uint8Array()))).toBe("SEALED_BOX_NOT_AUTHENTIC");
  });

  it("refuses with SEALED_BOX_NOT_AUTHENTIC under another key", () => {
    const sealed = seal(KEY, PLAINTEXT, AD);
    expect(codeOf(() => open(new Uint8Array(randomBytes(32)), sealed, AD))).toBe("SEALED_BOX_NOT_AUTHENTIC");
  });

  it("refuses with SEALED_BOX_NOT_AUTHENTIC a box whose ciphertext was cut short", () => {
    const sealed = seal(KEY, PLAINTEXT, AD);
    const cut = new Uint8Array([...sealed.subarray(0, HEADER + 1), ...sealed.subarray(sealed.length - TAG)]);
    expect(codeOf(() => open(KEY, cut, AD))).toBe("SEALED_BOX_NOT_AUTHENTIC");
  });

  it("refuses with SEALED_BOX_UNKNOWN_VERSION a box of any version but 1", () => {
    const sealed = seal(KEY, PLAINTEXT, AD);
    for (const version of [0, 2, 255]) {
      const other = new Uint8Array(sealed);
      other[0] = version;
      expect(codeOf(() => open(KEY, other, AD))).toBe("SEALED_BOX_UNKNOWN_VERSION");
    }
  });

  it("refuses with SEALED_BOX_TOO_SHORT anything shorter than header and tag", () => {
    const sealed = seal(KEY, new Uint8Array(), AD);
    for (const length of [0, 1, HEADER, HEADER + TAG - 1]) {
      expect(codeOf(() => open(KEY, sealed.subarray(0, length), AD))).toBe("SEALED_BOX_TOO_SHORT");
    }
  });

  it("refuses with SEALED_BOX_INVALID_KEY to seal or open under a key that is not 32 bytes", () => {
    const sealed = seal(KEY, PLAINTEXT, AD);
    for (const key of [new Uint8Array(16), new Uint8Array(31), new Uint8Array(33)]) {
      expect(codeOf(() => seal(key, PLAINTEXT, AD))).toBe("SEALED_BOX_INVALID_KEY");
      expect(codeOf(() => open(key, sealed, AD))).toBe("SEALED_BOX_INVALID_KEY");
    }
  });

  it("keeps the plaintext out of the error it throws", () => {
    const sealed = flipped(seal(KEY, PLAINTEXT, AD), HEADER);
    let thrown: unknown;
    try {
      open(KEY, sealed, AD);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(SealedBoxError);
    const text = `${String(thrown)} ${JSON.stringify(thrown)} ${(thrown as Error).stack}`;
    for (const secret of ["张三", "11010519491231002X", Buffer.from(sealed).toString("hex")]) {
      expect(text).not.toContain(secret);
    }
  });
});

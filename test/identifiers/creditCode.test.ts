// Unified social credit codes: which are accepted, how they are normalised, and why the others are refused.
import { describe, expect, it } from "vitest";
import { validateCreditCode } from "../../lib/identifiers/creditCode.ts";
import { withCreditCheck, wrongChecks } from "./checkChars.ts";

const ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY";
const reasonOf = (code: string) => {
  const result = validateCreditCode(code);
  return result.ok ? undefined : result.reason;
};

describe("validateCreditCode", () => {
  it("accepts the sample code of GB 32100-2015, 91350100M000100Y43", () => {
    expect(validateCreditCode("91350100M000100Y43")).toEqual({ ok: true, normalised: "91350100M000100Y43" });
  });

  it("accepts synthetic codes whose check character was computed independently, every character included", () => {
    // The 17th character's weight is prime to 31, so running it through the alphabet runs the check through it too.
    const codes = [...ALPHABET].map((ch) => withCreditCheck(`91110105MA000000${ch}`));
    expect(new Set(codes.map((code) => code.at(-1))).size).toBe(31);
    for (const code of codes) expect(validateCreditCode(code)).toEqual({ ok: true, normalised: code });
  });

  it("trims surrounding whitespace and upper-cases letters", () => {
    expect(validateCreditCode("  91350100m000100y43\t")).toEqual({ ok: true, normalised: "91350100M000100Y43" });
  });

  it("refuses codes that are not 18 characters", () => {
    for (const code of ["", "91350100M000100Y4", "91350100M000100Y431"])
      expect(reasonOf(code)).toBe("must be 18 characters");
  });

  it("refuses the letters I, O, S, V and Z and any other character outside the alphabet", () => {
    for (const ch of ["I", "O", "S", "V", "Z", "-", " "]) {
      expect(reasonOf(`9135010${ch}M000100Y43`)).toBe("must use only digits and the letters A-Y except I, O, S, V");
    }
  });

  it("refuses every check character but the right one", () => {
    for (const code of wrongChecks("91350100M000100Y43", ALPHABET)) {
      expect(reasonOf(code)).toBe("check character does not match");
    }
  });

  it("never repeats the code in a reason", () => {
    for (const code of ["91350100M000100Y4", "9135010IM000100Y43", "91350100M000100Y44"]) {
      expect(reasonOf(code)).not.toContain(code);
    }
  });
});

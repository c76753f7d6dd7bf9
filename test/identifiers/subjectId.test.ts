// Subject identifiers by type: each type goes to its own rule, and every accepted one comes back normalised.
import { describe, expect, it } from "vitest";
import { validateSubjectId } from "../../lib/identifiers/subjectId.ts";
import { withCreditCheck, withResidentCheck } from "./checkChars.ts";

const reasonOf = (...args: Parameters<typeof validateSubjectId>) => {
  const result = validateSubjectId(...args);
  return result.ok ? undefined : result.reason;
};

describe("validateSubjectId", () => {
  it("checks a resident ID by GB 11643 and returns it normalised", () => {
    expect(validateSubjectId("resident-id", "11010519491231002x")).toEqual({
      ok: true,
      normalised: "11010519491231002X",
    });
    expect(reasonOf("resident-id", "110105194912310021")).toBe("check digit does not match");
  });

  it("checks a unified social credit code by GB 32100 and returns it normalised", () => {
    const code = withCreditCheck("91110105MA0000001");
    expect(validateSubjectId("unified-social-credit-code", code.toLowerCase())).toEqual({ ok: true, normalised: code });
    expect(reasonOf("unified-social-credit-code", "91110105IA0000001X")).toBe(
      "must use only digits and the letters A-Y except I, O, S, V",
    );
  });

  it("accepts passports of 5 to 20 letters or digits, trimmed and upper-cased", () => {
    expect(validateSubjectId("passport", " e12345678 ")).toEqual({ ok: true, normalised: "E12345678" });
    expect(validateSubjectId("passport", "A1234").ok).toBe(true);
    expect(validateSubjectId("passport", "X".repeat(20)).ok).toBe(true);
  });

  it("refuses passports that are too short, too long or not alphanumeric", () => {
    for (const passport of ["A123", "X".repeat(21), "E1234-5678", "E1234 5678", ""]) {
      expect(reasonOf("passport", passport)).toBe("must be 5 to 20 letters or digits");
    }
  });

  it("accepts foreign permanent IDs of the 15-character and the 18-character shape", () => {
    expect(validateSubjectId("foreign-permanent-id", "usa110079120187")).toEqual({
      ok: true,
      normalised: "USA110079120187",
    });
    expect(validateSubjectId("foreign-permanent-id", "91184019800101001x")).toEqual({
      ok: true,
      normalised: "91184019800101001X",
    });
  });

  it("refuses foreign permanent IDs of another length or shape", () => {
    expect(reasonOf("foreign-permanent-id", "USA11007912018")).toBe("must be 15 or 18 characters");
    expect(reasonOf("foreign-permanent-id", "US1110079120187")).toBe(
      "a 15-character ID must be 3 letters followed by 12 digits",
    );
    expect(reasonOf("foreign-permanent-id", withResidentCheck("11010519900307123"))).toBe(
      "an 18-character ID must be 9 and 16 digits followed by a digit or X",
    );
  });
});

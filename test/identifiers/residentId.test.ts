// Resident identity numbers: which are accepted, how they are normalised, and why the others are refused.
import { describe, expect, it } from "vitest";
import { validateResidentId } from "../../lib/identifiers/residentId.ts";
import { withResidentCheck, wrongChecks } from "./checkChars.ts";

/** 1 July 2024, 00:30 in Beijing, still 30 June in UTC. */
const NOW = new Date("2024-06-30T16:30:00Z");
const SYNTHETIC = ["110105199003071234", "310101200002290019", "440305190001010457", "650102202407010888"].map((id) =>
  withResidentCheck(id.slice(0, 17)),
);
const reasonOf = (id: string) => {
  const result = validateResidentId(id, NOW);
  return result.ok ? undefined : result.reason;
};

describe("validateResidentId", () => {
  it("accepts the public sample number 11010519491231002X", () => {
    expect(validateResidentId("11010519491231002X", NOW)).toEqual({ ok: true, normalised: "11010519491231002X" });
  });

  it("accepts synthetic numbers whose check character was computed independently", () => {
    for (const id of SYNTHETIC) expect(validateResidentId(id, NOW)).toEqual({ ok: true, normalised: id });
  });

  it("accepts check characters 0 to 9 and X alike", () => {
    const ids = Array.from({ length: 200 }, (_, i) => withResidentCheck(`11010519800101${String(i).padStart(3, "0")}`));
    expect(new Set(ids.map((id) => id.at(-1))).size).toBe(11);
    for (const id of ids) expect(validateResidentId(id, NOW).ok).toBe(true);
  });

  it("trims surrounding whitespace and upper-cases a trailing x", () => {
    expect(validateResidentId(" 11010519491231002x\n", NOW)).toEqual({ ok: true, normalised: "11010519491231002X" });
  });

  it("refuses numbers that are not 18 characters, including 15-digit first-generation numbers", () => {
    for (const id of ["", "11010519491231002", "11010519491231002X1", "110105491231002"]) {
      expect(reasonOf(id)).toBe("must be 18 characters");
    }
  });

  it("refuses a letter among the first 17 characters or a check character other than a digit or X", () => {
    expect(reasonOf("1101051949123100AX")).toBe("must be 17 digits followed by a digit or X");
    expect(reasonOf("11010519491231002Y")).toBe("must be 17 digits followed by a digit or X");
    expect(reasonOf("110105 19491231002")).toBe("must be 17 digits followed by a digit or X");
  });

  it("refuses an area code starting with 0 or 9", () => {
    expect(reasonOf(withResidentCheck("01010519900307123"))).toBe("area code must start with a digit from 1 to 8");
    expect(reasonOf(withResidentCheck("91010519900307123"))).toBe("area code must start with a digit from 1 to 8");
  });

  it("refuses birth dates that do not exist and accepts 29 February of a leap year", () => {
    for (const date of ["19900230", "19901301", "19900000", "19900431", "19000229", "21000229"]) {
      expect(reasonOf(withResidentCheck(`110105${date}123`))).toBe("birth date is not a real date");
    }
    expect(validateResidentId(withResidentCheck("11010520000229123"), NOW).ok).toBe(true);
  });

  it("refuses a birth date before 1900", () => {
    expect(reasonOf(withResidentCheck("11010518991231123"))).toBe("birth date is before 1900");
    expect(validateResidentId(withResidentCheck("11010519000101123"), NOW).ok).toBe(true);
  });

  it("accepts a birth today in Beijing and refuses tomorrow, whatever the date in UTC", () => {
    expect(validateResidentId(withResidentCheck("11010520240701123"), NOW).ok).toBe(true);
    expect(reasonOf(withResidentCheck("11010520240702123"))).toBe("birth date is in the future");
  });

  it("refuses every check character but the right one", () => {
    for (const id of wrongChecks(withResidentCheck("11010519900307123"), "0123456789X")) {
      expect(reasonOf(id)).toBe("check digit does not match");
    }
  });

  it("never repeats the number, its area code or its birth date in a reason", () => {
    const refused = [
      "1101051949123100",
      "1101051949123100AX",
      withResidentCheck("01010519900307123"),
      withResidentCheck("11010519900230123"),
      withResidentCheck("11010518991231123"),
      withResidentCheck("11010520240702123"),
      wrongChecks(withResidentCheck("11010519900307123"), "0")[0] as string,
    ];
    for (const id of refused) {
      const reason = reasonOf(id);
      expect(reason).toBeDefined();
      for (const part of [id, id.slice(0, 6), id.slice(6, 14)]) expect(reason).not.toContain(part);
    }
  });
});

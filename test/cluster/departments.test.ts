// Which departments npm run cluster runs and on which ports, from the seeds.
import { describe, expect, it } from "vitest";
import { loadCatalogue } from "../../lib/catalogue/loadCatalogue.ts";
import { chooseDepartments, departmentPort, themeDepartments } from "../../scripts/lib/cluster/departments.ts";
import { seedsDir } from "../../scripts/lib/paths.ts";

describe("the departments of npm run cluster", async () => {
  const catalogue = await loadCatalogue(seedsDir);

  it("runs by default every department that decides a matter of a theme scenario or issues one of its materials", () => {
    expect(themeDepartments(catalogue)).toEqual([
      "psb",
      "health",
      "social-insurance",
      "housing",
      "real-estate-registry",
      "market-regulation",
      "tax",
      "tobacco",
      "commerce",
      "fire-rescue",
      "urban-management",
      "culture-tourism",
    ]);
    expect(chooseDepartments(catalogue, {})).toEqual(themeDepartments(catalogue));
  });

  it("takes --department as repeated or comma-separated codes, in the seeds' order, and --all as every department", () => {
    expect(chooseDepartments(catalogue, { department: ["market-regulation,psb", "housing"] })).toEqual([
      "psb",
      "housing",
      "market-regulation",
    ]);
    expect(chooseDepartments(catalogue, { all: true })).toHaveLength(catalogue.departments.length);
  });

  it("refuses an unknown department, an empty list and --department beside --all, naming what is wrong", () => {
    expect(() => chooseDepartments(catalogue, { department: ["psb,nope"] })).toThrow("unknown department: nope");
    expect(() => chooseDepartments(catalogue, { department: [","] })).toThrow("--department names no department");
    expect(() => chooseDepartments(catalogue, { department: ["psb"], all: true })).toThrow("not both");
  });

  it("gives each department the base port plus its place in the seeds, whichever others run", () => {
    const place = catalogue.departments.findIndex((d) => d.code === "psb");
    expect(departmentPort(catalogue, "psb", 8101)).toBe(8101 + place);
  });
});

import { describe, expect, it } from "vitest";
import { loadCatalogue } from "../../lib/catalogue/loadCatalogue.ts";
import { COMMITMENT_TYPE, materialTypes, procedureOf, type ScenarioKind } from "../../lib/catalogue/schemas.ts";
import { SEEDS_DIR } from "./seedCopies.ts";

const catalogue = await loadCatalogue(SEEDS_DIR);
const count = (kind: ScenarioKind) => catalogue.scenarios.filter((scenario) => scenario.kind === kind).length;

describe("the seeded catalogue", () => {
  it("accepts a commitment (告知承诺) in at least 20 matters, in both theme scenarios and on the film platform", () => {
    const committed = catalogue.scenarios.flatMap((s) =>
      s.matters.filter((m) => procedureOf(m) === "commitment").map((m) => ({ scenario: s, matter: m })),
    );
    expect(committed.length).toBeGreaterThanOrEqual(20);
    const scenarios = new Set(committed.map((c) => c.scenario.code));
    expect(scenarios).toContain("open-convenience-store");
    expect(scenarios).toContain("open-homestay");
    expect(committed.some((c) => c.scenario.kind === "film-item")).toBe(true);
    for (const { matter } of committed) {
      for (const material of matter.commitment?.materials ?? []) expect(matter.materials).toContain(material);
    }
    // The homestay's house-safety appraisal, which no department shares yet, may be committed to.
    const homestay = catalogue.scenarios.find((s) => s.code === "open-homestay");
    expect(homestay?.matters.find((m) => m.code === "business-licence")?.commitment?.materials).toEqual([
      "house-safety-appraisal",
    ]);
  });

  it("has the 45 kinds of material the district shares on chain, and the commitment type beside them", () => {
    expect(materialTypes(catalogue.credentialTypes)).toHaveLength(45);
    expect(catalogue.credentialTypes.map((t) => t.code)).toContain(COMMITMENT_TYPE);
    expect(catalogue.credentialTypes).toHaveLength(46);
  });

  it("lets every department deciding a matter on commitment record it, and no matter ask for a commitment as a material", () => {
    const commitment = catalogue.credentialTypes.find((t) => t.code === COMMITMENT_TYPE);
    const deciding = catalogue.scenarios.flatMap((s) => s.matters.filter((m) => m.commitment).map((m) => m.department));
    expect([...new Set(deciding)].sort()).toEqual(commitment?.issuers);
    expect(catalogue.scenarios.flatMap((s) => s.matters.flatMap((m) => m.materials))).not.toContain(COMMITMENT_TYPE);
  });

  it("has one operator and at least 20 approval units", () => {
    const operators = catalogue.departments.filter((department) => department.operator === true);
    expect(operators.map((department) => department.code)).toEqual(["gsa"]);
    expect(catalogue.departments.length - operators.length).toBeGreaterThanOrEqual(20);
  });

  it("has the two theme scenarios, open a convenience store and open a homestay", () => {
    const themes = catalogue.scenarios.filter((scenario) => scenario.kind === "theme");
    expect(themes.map((scenario) => scenario.code).sort()).toEqual(["open-convenience-store", "open-homestay"]);
  });

  it("has the film platform as one group of 6 categories and 59 items", () => {
    expect(count("film-group")).toBe(1);
    expect(count("film-category")).toBe(6);
    expect(count("film-item")).toBe(59);
  });

  it("gives every film category at least one item", () => {
    for (const category of catalogue.scenarios.filter((scenario) => scenario.kind === "film-category")) {
      expect(
        catalogue.scenarios.some((scenario) => scenario.parent === category.code),
        category.code,
      ).toBe(true);
    }
  });

  it("has at least 30 other scenarios, at least 5 of each re-engineered kind", () => {
    const kinds = [
      "high-frequency-personal",
      "high-frequency-legal-person",
      "tidal",
      "cross-department-joint",
    ] as const;
    for (const kind of kinds) {
      expect(count(kind), kind).toBeGreaterThanOrEqual(5);
    }
    expect(kinds.reduce((sum, kind) => sum + count(kind), 0)).toBeGreaterThanOrEqual(30);
  });

  it("includes the matters the annual report names", () => {
    const codes = catalogue.scenarios.map((scenario) => scenario.code);
    expect(codes).toContain("foreign-talent-work-and-residence-permits");
    expect(codes).toContain("disability-certificate-new-application");
    expect(codes).toContain("unemployment-insurance-benefit");
  });

  it("uses every kind of material as a material or product of some matter", () => {
    const matters = catalogue.scenarios.flatMap((scenario) => scenario.matters);
    const used = new Set(matters.flatMap((matter) => [...matter.materials, matter.produces ?? []].flat()));
    const unused = materialTypes(catalogue.credentialTypes)
      .map((type) => type.code)
      .filter((code) => !used.has(code));
    expect(unused).toEqual([]);
  });

  it("lets the tobacco-licence matter of the convenience store use the business licence an earlier matter produces", () => {
    const store = catalogue.scenarios.find((scenario) => scenario.code === "open-convenience-store");
    const matters = store?.matters ?? [];
    const producer = matters.findIndex((matter) => matter.produces === "business-licence");
    const tobacco = matters.findIndex((matter) => matter.department === "tobacco");
    expect(producer).toBeGreaterThanOrEqual(0);
    expect(tobacco).toBeGreaterThan(producer);
    expect(matters[tobacco]?.materials).toContain("business-licence");
  });
});

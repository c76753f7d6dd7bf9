import { readFile } from "node:fs/promises";
import { ZeroHash } from "ethers";
import { describe, expect, it } from "vitest";
import { loadCatalogue } from "../../lib/catalogue/loadCatalogue.ts";
import { credentialTypeOnChain, departmentOnChain, scenarioOnChain } from "../../lib/catalogue/onChain.ts";
import { SCENARIO_KINDS, type Scenario } from "../../lib/catalogue/schemas.ts";
import { contentHash } from "../../lib/encoding/canonical.ts";
import { codeKey } from "../../lib/encoding/codeKey.ts";
import { entryByCode, readSeedJson, SEEDS_DIR } from "./seedCopies.ts";

const catalogue = await loadCatalogue(SEEDS_DIR);
const type = (code: string) => entryByCode(catalogue.credentialTypes, code);
const scenario = (code: string) => entryByCode(catalogue.scenarios, code);

describe("credentialTypeOnChain", () => {
  it("hashes the schema exactly as it stands in the seed file", async () => {
    const raw = await readSeedJson<{ schema: unknown }>(SEEDS_DIR, "credential-types/resident-id-card.json");
    const projected = credentialTypeOnChain(type("resident-id-card"));
    expect(projected.codeKey).toBe(codeKey("resident-id-card"));
    expect(projected.schemaHash).toBe(contentHash(raw.schema));
    expect(projected.issuers).toEqual([codeKey("psb")]);
    expect(projected.version).toBe(1);
  });

  it("turns validity days into seconds, and no default validity into 0", () => {
    expect(credentialTypeOnChain(type("resident-id-card")).defaultValiditySeconds).toBe(3650 * 86_400);
    expect(credentialTypeOnChain(type("business-licence")).defaultValiditySeconds).toBe(0);
  });
});

describe("scenarioOnChain", () => {
  it("hashes the whole scenario object as it stands in the seed file", async () => {
    const raw = await readSeedJson<Scenario[]>(SEEDS_DIR, "scenarios/theme.json");
    const store = raw.find((entry) => entry.code === "open-convenience-store");
    expect(scenarioOnChain(scenario("open-convenience-store")).definitionHash).toBe(contentHash(store));
  });

  it("changes the definition hash when a matter changes", () => {
    const store = scenario("open-convenience-store");
    const edited = { ...store, matters: store.matters.slice(1) };
    expect(scenarioOnChain(edited).definitionHash).not.toBe(scenarioOnChain(store).definitionHash);
  });

  it("changes the definition hash when a matter's commitment changes in any member", () => {
    const homestay = scenario("open-homestay");
    const index = homestay.matters.findIndex((m) => m.commitment);
    const base = homestay.matters[index]?.commitment;
    expect(base).toBeDefined();
    const hashes = new Set([scenarioOnChain(homestay).definitionHash]);
    for (const change of [
      { replacesDays: (base?.replacesDays ?? 0) + 1 },
      { checkWithinDays: (base?.checkWithinDays ?? 0) + 1 },
      { checkedBy: "culture-tourism" },
      { materials: [...(base?.materials ?? []), "real-estate-title"] },
    ]) {
      const matters = homestay.matters.map((m, i) => (i === index ? { ...m, commitment: { ...base, ...change } } : m));
      hashes.add(scenarioOnChain({ ...homestay, matters } as typeof homestay).definitionHash);
    }
    const { commitment: _dropped, ...plain } = homestay.matters[index] as (typeof homestay.matters)[number];
    const without = homestay.matters.map((m, i) => (i === index ? plain : m));
    hashes.add(scenarioOnChain({ ...homestay, matters: without }).definitionHash);
    expect(hashes.size).toBe(6);
  });

  it("lists each required type and department once, in order of first appearance", () => {
    const store = scenario("open-convenience-store");
    const projected = scenarioOnChain(store);
    const materials = [...new Set(store.matters.flatMap((matter) => matter.materials))];
    const departments = [...new Set(store.matters.map((matter) => matter.department))];
    expect(projected.requiredTypes).toEqual(materials.map(codeKey));
    expect(projected.departments).toEqual(departments.map(codeKey));
    expect(materials.slice(0, 3)).toEqual(["resident-id-card", "real-estate-title", "house-lease-registration"]);
    expect(projected.kind).toBe("theme");
  });

  it("keys a film item to its category and a top-level scenario to the zero hash", () => {
    expect(scenarioOnChain(scenario("film-location-filing")).parentKey).toBe(codeKey("film-shooting"));
    expect(scenarioOnChain(scenario("film-shooting")).parentKey).toBe(codeKey("film-platform"));
    expect(scenarioOnChain(scenario("open-homestay")).parentKey).toBe(ZeroHash);
  });
});

describe("departmentOnChain", () => {
  it("keys the department by its code and marks only the operator", () => {
    const gsa = entryByCode(catalogue.departments, "gsa");
    const psb = entryByCode(catalogue.departments, "psb");
    expect(departmentOnChain(gsa)).toEqual({
      codeKey: codeKey("gsa"),
      code: "gsa",
      nameZh: "区政务服务管理局",
      nameEn: "District Government Service Administration",
      operator: true,
    });
    expect(departmentOnChain(psb).operator).toBe(false);
  });
});

describe("SCENARIO_KINDS", () => {
  it("lists the kinds in the order of the scenario registry's ScenarioKind enum", async () => {
    const solidity = await readFile(
      new URL("../../contracts/interfaces/IScenarioRegistry.sol", import.meta.url),
      "utf8",
    );
    const members = /enum ScenarioKind \{([^}]*)\}/.exec(solidity)?.[1] ?? "";
    const kebab = members
      .split(",")
      .map((member) => member.trim())
      .filter((member) => member !== "")
      .map((member) =>
        member.replace(/[A-Z]/g, (letter, at: number) => `${at === 0 ? "" : "-"}${letter.toLowerCase()}`),
      );
    expect(kebab).toEqual([...SCENARIO_KINDS]);
  });
});

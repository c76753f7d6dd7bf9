import { describe, expect, it } from "vitest";
import { deriveGrants, type Grant } from "../../lib/catalogue/deriveGrants.ts";
import { loadCatalogue } from "../../lib/catalogue/loadCatalogue.ts";
import { entryByCode, SEEDS_DIR } from "./seedCopies.ts";

const catalogue = await loadCatalogue(SEEDS_DIR);
const grants = deriveGrants(catalogue);
const has = (consumer: string, credentialType: string, scenario: string) =>
  grants.some((g) => g.consumer === consumer && g.credentialType === credentialType && g.scenario === scenario);

describe("deriveGrants", () => {
  it("grants the tobacco bureau the business licence for open-convenience-store", () => {
    expect(has("tobacco", "business-licence", "open-convenience-store")).toBe(true);
  });

  it("grants the business licence to the tobacco bureau only for the scenarios that need it", () => {
    expect(has("tobacco", "business-licence", "open-homestay")).toBe(false);
  });

  it("grants the exit-entry administration the work permit for the two-permits scenario", () => {
    expect(has("exit-entry", "foreign-work-permit", "foreign-talent-work-and-residence-permits")).toBe(true);
  });

  it("grants no department a type it issues itself", () => {
    const issuers = new Map(catalogue.credentialTypes.map((type) => [type.code, type.issuers]));
    expect(grants.filter((g) => issuers.get(g.credentialType)?.includes(g.consumer))).toEqual([]);
    expect(has("market-regulation", "business-licence", "open-convenience-store")).toBe(false);
  });

  it("creates no grant that no scenario needs", () => {
    const needed = (g: Grant) =>
      catalogue.scenarios
        .find((scenario) => scenario.code === g.scenario)
        ?.matters.some((matter) => matter.department === g.consumer && matter.materials.includes(g.credentialType));
    expect(grants.filter((g) => !needed(g))).toEqual([]);
  });

  it("grants every material a matter needs from another department", () => {
    const issuers = new Map(catalogue.credentialTypes.map((type) => [type.code, type.issuers]));
    for (const scenario of catalogue.scenarios) {
      for (const matter of scenario.matters) {
        for (const material of matter.materials) {
          if (!issuers.get(material)?.includes(matter.department)) {
            expect(has(matter.department, material, scenario.code), `${scenario.code}/${matter.code}/${material}`).toBe(
              true,
            );
          }
        }
      }
    }
  });

  it("lists each grant once even when two matters of a scenario need the same material", () => {
    const keys = grants.map((g) => `${g.provider} ${g.consumer} ${g.credentialType} ${g.scenario}`);
    expect(new Set(keys).size).toBe(keys.length);
    const duplicated = {
      departments: [],
      credentialTypes: [{ ...entryByCode(catalogue.credentialTypes, "resident-id-card"), issuers: ["psb"] }],
      scenarios: [
        {
          code: "s",
          kind: "theme" as const,
          nameZh: "s",
          nameEn: "s",
          version: 1,
          matters: [
            {
              code: "a",
              nameZh: "a",
              nameEn: "a",
              department: "tax",
              materials: ["resident-id-card"],
              fields: { "resident-id-card": ["validUntil"] },
            },
            {
              code: "b",
              nameZh: "b",
              nameEn: "b",
              department: "tax",
              materials: ["resident-id-card"],
              fields: { "resident-id-card": ["validUntil"] },
            },
          ],
        },
      ],
    };
    expect(deriveGrants(duplicated)).toEqual([
      { provider: "psb", consumer: "tax", credentialType: "resident-id-card", scenario: "s" },
    ]);
  });

  it("makes one grant per issuer of a co-issued type, so that each data owner grants only its own records", () => {
    const coIssued = {
      departments: [],
      credentialTypes: [
        { ...entryByCode(catalogue.credentialTypes, "resident-id-card"), issuers: ["psb", "exit-entry"] },
      ],
      scenarios: [
        {
          code: "s",
          kind: "theme" as const,
          nameZh: "s",
          nameEn: "s",
          version: 1,
          matters: [
            {
              code: "a",
              nameZh: "a",
              nameEn: "a",
              department: "tax",
              materials: ["resident-id-card"],
              fields: { "resident-id-card": ["validUntil"] },
            },
          ],
        },
      ],
    };
    expect(deriveGrants(coIssued)).toEqual([
      { provider: "psb", consumer: "tax", credentialType: "resident-id-card", scenario: "s" },
      { provider: "exit-entry", consumer: "tax", credentialType: "resident-id-card", scenario: "s" },
    ]);
  });

  it("names as provider an issuer of the type in every grant", () => {
    const issuers = new Map(catalogue.credentialTypes.map((type) => [type.code, type.issuers]));
    expect(grants.filter((g) => !issuers.get(g.credentialType)?.includes(g.provider))).toEqual([]);
  });
});

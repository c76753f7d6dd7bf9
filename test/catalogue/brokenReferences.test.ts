import { afterEach, describe, expect, it } from "vitest";
import { CatalogueError } from "../../lib/catalogue/errors.ts";
import { loadCatalogue } from "../../lib/catalogue/loadCatalogue.ts";
import { copySeeds, editSeedJson, loadProblems, removeSeedCopies } from "./seedCopies.ts";

afterEach(removeSeedCopies);

const TYPE = (code: string) => `credential-types/${code}.json`;

describe("loadCatalogue on broken references between seeds", () => {
  it("names the file, the entry and the field when an issuer is not a seeded department", async () => {
    const seeds = await copySeeds();
    await editSeedJson(seeds, TYPE("business-licence"), (type) => {
      type.issuers[0] = "markt-regulation";
    });
    const error = await loadCatalogue(seeds).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CatalogueError);
    expect((error as CatalogueError).message).toContain(
      'seeds/credential-types/business-licence.json: credential type "business-licence": field "issuers[0]": unknown department "markt-regulation"',
    );
  });

  it("names the file, the entry and the field when a matter asks for an unknown material", async () => {
    const seeds = await copySeeds();
    await editSeedJson(seeds, "scenarios/theme.json", (scenarios) => {
      scenarios[0].matters[4].materials[1] = "tax-clearance";
    });
    expect(await loadProblems(seeds)).toContainEqual({
      file: "seeds/scenarios/theme.json",
      entry: 'scenario "open-convenience-store"',
      field: "matters[4].materials[1]",
      message: 'unknown credential type "tax-clearance"',
    });
  });

  it("names the file, the entry and the field when a matter's department is not seeded", async () => {
    const seeds = await copySeeds();
    await editSeedJson(seeds, "scenarios/tidal.json", (scenarios) => {
      scenarios[0].matters[0].department = "schools";
    });
    expect(await loadProblems(seeds)).toContainEqual(
      expect.objectContaining({ file: "seeds/scenarios/tidal.json", field: "matters[0].department" }),
    );
  });

  it("names both files when a scenario code is used twice", async () => {
    const seeds = await copySeeds();
    await editSeedJson(seeds, "scenarios/tidal.json", (scenarios) => {
      scenarios[0].code = "open-homestay";
    });
    expect(await loadProblems(seeds)).toContainEqual({
      file: "seeds/scenarios/tidal.json",
      entry: 'scenario "open-homestay"',
      field: "code",
      message: 'duplicate scenario code "open-homestay", first defined in seeds/scenarios/theme.json',
    });
  });

  it("names the file, the entry and the field when a department code is used twice", async () => {
    const seeds = await copySeeds();
    await editSeedJson(seeds, "departments.json", (departments) => {
      departments.push({ code: "psb", nameZh: "重复", nameEn: "Duplicate" });
    });
    expect(await loadProblems(seeds)).toContainEqual(
      expect.objectContaining({ file: "seeds/departments.json", entry: 'department "psb"', field: "code" }),
    );
  });

  it("names the file, the entry and the field when a film item's parent is not a seeded scenario", async () => {
    const seeds = await copySeeds();
    await editSeedJson(seeds, "scenarios/film-items.json", (items) => {
      items[0].parent = "film-enterprize";
    });
    expect(await loadProblems(seeds)).toContainEqual({
      file: "seeds/scenarios/film-items.json",
      entry: 'scenario "film-company-establishment"',
      field: "parent",
      message: 'unknown scenario "film-enterprize"',
    });
  });

  it("rejects a film item whose parent is not a film category", async () => {
    const seeds = await copySeeds();
    await editSeedJson(seeds, "scenarios/film-items.json", (items) => {
      items[0].parent = "film-platform";
    });
    expect(await loadProblems(seeds)).toContainEqual(
      expect.objectContaining({ field: "parent", message: expect.stringContaining("must be a film-category") }),
    );
  });

  it("rejects a film item without a matter", async () => {
    const seeds = await copySeeds();
    await editSeedJson(seeds, "scenarios/film-items.json", (items) => {
      items[3].matters = [];
    });
    expect(await loadProblems(seeds)).toContainEqual(expect.objectContaining({ field: "matters" }));
  });

  it("names the field of a commitment to a material the matter does not ask for, twice over, or checked by no department", async () => {
    const seeds = await copySeeds();
    await editSeedJson(seeds, "scenarios/theme.json", (scenarios) => {
      const commitment = scenarios[1].matters[0].commitment;
      commitment.materials = ["house-safety-appraisal", "health-certificate", "house-safety-appraisal"];
      commitment.checkedBy = "housing-safety-office";
    });
    const problems = await loadProblems(seeds);
    const at = (field: string, message: string) => ({
      file: "seeds/scenarios/theme.json",
      entry: 'scenario "open-homestay"',
      field,
      message,
    });
    expect(problems).toContainEqual(
      at(
        "matters[0].commitment.materials[1]",
        '"health-certificate" is not a material of the matter, so it cannot be committed to',
      ),
    );
    expect(problems).toContainEqual(
      at("matters[0].commitment.materials[2]", 'duplicate material "house-safety-appraisal"'),
    );
    expect(problems).toContainEqual(
      at("matters[0].commitment.checkedBy", 'unknown department "housing-safety-office"'),
    );
  });

  it("names a matter's field list that leaves out a material, names a field its type lacks or twice, or a material it has not", async () => {
    const seeds = await copySeeds();
    await editSeedJson(seeds, "scenarios/theme.json", (scenarios) => {
      const tobacco = scenarios[0].matters[4];
      delete tobacco.fields["resident-id-card"];
      tobacco.fields["business-licence"] = ["name", "registrationNumber", "name"];
      tobacco.fields["health-certificate"] = ["conclusion"];
    });
    const problems = await loadProblems(seeds);
    const at = (field: string, message: string) => ({
      file: "seeds/scenarios/theme.json",
      entry: 'scenario "open-convenience-store"',
      field,
      message,
    });
    expect(problems).toContainEqual(
      at(
        "matters[4].fields",
        'names no fields of "resident-id-card": list those the matter needs ([] for none but proof the record exists)',
      ),
    );
    expect(problems).toContainEqual(
      at("matters[4].fields.business-licence[1]", '"business-licence" has no field "registrationNumber"'),
    );
    expect(problems).toContainEqual(at("matters[4].fields.business-licence[2]", 'duplicate field "name"'));
    expect(problems).toContainEqual(
      at("matters[4].fields.health-certificate", '"health-certificate" is not a material of the matter'),
    );
  });

  it("names a matter whose department may not record the commitment or check it, and a type with more issuers than the chain takes", async () => {
    const seeds = await copySeeds();
    await editSeedJson(seeds, "credential-types/applicant-commitment.json", (type) => {
      type.issuers = type.issuers.filter((code: string) => code !== "fire-rescue");
    });
    await editSeedJson(seeds, "scenarios/theme.json", (scenarios) => {
      scenarios[1].matters[3].commitment.checkedBy = "housing";
    });
    await editSeedJson(seeds, "credential-types/health-certificate.json", (type) => {
      const departments = ["psb", "exit-entry", "traffic-police", "civil-affairs", "hrss", "social-insurance"];
      type.issuers = Array.from({ length: 33 }, (_, i) => departments[i % departments.length]);
    });
    const problems = await loadProblems(seeds);
    expect(problems).toContainEqual({
      file: "seeds/scenarios/theme.json",
      entry: 'scenario "open-homestay"',
      field: "matters[1].commitment",
      message:
        'department "fire-rescue" is not an issuer of "applicant-commitment", so it cannot record the commitment',
    });
    expect(problems).toContainEqual(
      expect.objectContaining({ file: "seeds/credential-types/health-certificate.json", field: "issuers" }),
    );
    expect(problems).toContainEqual({
      file: "seeds/scenarios/theme.json",
      entry: 'scenario "open-homestay"',
      field: "matters[3].commitment.checkedBy",
      message: 'must be "health", the department deciding the matter: a commitment is checked where it is kept',
    });
  });

  it("rejects a commitment without materials, with a limit of 0 or over ten years, or with a member it does not know", async () => {
    for (const change of [
      { materials: [] },
      { replacesDays: 0 },
      { checkWithinDays: 3651 },
      { replacesDays: 2.5 },
      { waivedBy: "psb" },
    ]) {
      const seeds = await copySeeds();
      await editSeedJson(seeds, "scenarios/theme.json", (scenarios) => {
        Object.assign(scenarios[1].matters[0].commitment, change);
      });
      const problems = await loadProblems(seeds);
      expect(problems, JSON.stringify(change)).toContainEqual(
        expect.objectContaining({
          file: "seeds/scenarios/theme.json",
          field: expect.stringMatching(/^(\[1\]\.)?matters\[0\]\.commitment/),
        }),
      );
    }
  });

  it("rejects a matter that produces a type its department does not issue", async () => {
    const seeds = await copySeeds();
    await editSeedJson(seeds, "scenarios/theme.json", (scenarios) => {
      scenarios[0].matters[2].produces = "business-licence";
    });
    expect(await loadProblems(seeds)).toContainEqual(
      expect.objectContaining({
        field: "matters[2].produces",
        message: 'department "tax" is not an issuer of "business-licence"',
      }),
    );
  });

  it("rejects a credential type whose code does not match its file name", async () => {
    const seeds = await copySeeds();
    await editSeedJson(seeds, TYPE("divorce-registration"), (type) => {
      type.code = "divorce-certificate";
    });
    expect(await loadProblems(seeds)).toContainEqual(
      expect.objectContaining({ file: "seeds/credential-types/divorce-registration.json", field: "code" }),
    );
  });

  it("requires exactly one operator", async () => {
    const none = await copySeeds();
    await editSeedJson(none, "departments.json", (departments) => {
      delete departments[0].operator;
    });
    expect(await loadProblems(none)).toContainEqual(
      expect.objectContaining({ file: "seeds/departments.json", field: "operator" }),
    );
    const two = await copySeeds();
    await editSeedJson(two, "departments.json", (departments) => {
      departments[1].operator = true;
    });
    expect(await loadProblems(two)).toContainEqual(
      expect.objectContaining({ entry: 'department "psb"', field: "operator" }),
    );
  });
});

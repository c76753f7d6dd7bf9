import { afterEach, describe, expect, it } from "vitest";
import { formatProblem } from "../../lib/catalogue/errors.ts";
import { copySeeds, editSeedJson, loadProblems, removeSeedCopies, writeSeedText } from "./seedCopies.ts";

afterEach(removeSeedCopies);

const TYPE = (code: string) => `credential-types/${code}.json`;

describe("loadCatalogue on malformed seed files", () => {
  it("names the file and the line when a seed file is not valid JSON", async () => {
    const seeds = await copySeeds();
    await writeSeedText(seeds, "departments.json", '[\n  { "code": "gsa",\n    "nameZh" "区政务服务管理局" }\n]\n');
    const problems = await loadProblems(seeds);
    expect(problems).toContainEqual(
      expect.objectContaining({
        file: "seeds/departments.json",
        line: 3,
        message: expect.stringMatching(/^invalid JSON/),
      }),
    );
  });

  it("names the line and column of an unexpected token, for which V8 gives only the text around it", async () => {
    const seeds = await copySeeds();
    await writeSeedText(seeds, "departments.json", '[\n  { "code": "gsa",\n    "nameZh": 区政务服务管理局 }\n]\n');
    await writeSeedText(seeds, "scenarios/theme.json", 'x[{ "code": "open-convenience-store" }]\n');
    const problems = await loadProblems(seeds);
    expect(problems).toContainEqual(expect.objectContaining({ file: "seeds/departments.json", line: 3, column: 15 }));
    expect(problems).toContainEqual(
      expect.objectContaining({ file: "seeds/scenarios/theme.json", line: 1, column: 1 }),
    );
  });

  it("names the file, the entry and the field when a required field is missing", async () => {
    const seeds = await copySeeds();
    await editSeedJson(seeds, "scenarios/theme.json", (scenarios) => {
      delete scenarios[1].nameZh;
    });
    expect(await loadProblems(seeds)).toContainEqual({
      file: "seeds/scenarios/theme.json",
      entry: 'scenario "open-homestay"',
      field: "nameZh",
      message: "missing required field",
    });
  });

  it("names the file, the entry and the field when a field has the wrong type", async () => {
    const seeds = await copySeeds();
    await editSeedJson(seeds, TYPE("residence-permit"), (type) => {
      type.defaultValidityDays = "365";
    });
    expect(await loadProblems(seeds)).toContainEqual(
      expect.objectContaining({
        file: "seeds/credential-types/residence-permit.json",
        entry: 'credential type "residence-permit"',
        field: "defaultValidityDays",
      }),
    );
  });

  it("does not also report references to an entry it rejected as references to an unknown entry", async () => {
    const seeds = await copySeeds();
    await editSeedJson(seeds, TYPE("residence-permit"), (type) => {
      type.defaultValidityDays = "365";
    });
    const problems = await loadProblems(seeds);
    expect(problems).toHaveLength(1);
    expect(problems[0]?.file).toBe("seeds/credential-types/residence-permit.json");
  });

  it("rejects a field the format does not define", async () => {
    const seeds = await copySeeds();
    await editSeedJson(seeds, "departments.json", (departments) => {
      departments[1].nameFr = "Police";
    });
    expect(await loadProblems(seeds)).toContainEqual({
      file: "seeds/departments.json",
      entry: 'department "psb"',
      field: "nameFr",
      message: "unknown field",
    });
  });

  it("reports the problems of every broken file together", async () => {
    const seeds = await copySeeds();
    await writeSeedText(seeds, "scenarios/tidal.json", "[\n  {\n");
    await editSeedJson(seeds, TYPE("death-medical-certificate"), (type) => {
      type.issuers[0] = "helth";
    });
    await editSeedJson(seeds, "scenarios/film-items.json", (items) => {
      items[0].parent = "film-enterprize";
    });
    const problems = await loadProblems(seeds);
    const files = new Set(problems.map((problem) => problem.file));
    expect(files).toEqual(
      new Set([
        "seeds/scenarios/tidal.json",
        "seeds/credential-types/death-medical-certificate.json",
        "seeds/scenarios/film-items.json",
      ]),
    );
    expect(problems.map(formatProblem)).toContainEqual(expect.stringMatching(/^seeds\/scenarios\/tidal\.json: line 3/));
  });
});

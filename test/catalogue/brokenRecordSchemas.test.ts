import { afterEach, describe, expect, it } from "vitest";
import { copySeeds, editSeedJson, loadProblems, removeSeedCopies } from "./seedCopies.ts";

afterEach(removeSeedCopies);

const TYPE = (code: string) => `credential-types/${code}.json`;

describe("loadCatalogue on broken record schemas", () => {
  it("names the schema keyword when a credential type's schema is not valid JSON Schema", async () => {
    const seeds = await copySeeds();
    await editSeedJson(seeds, TYPE("health-certificate"), (type) => {
      type.schema.properties.name.type = "text";
    });
    const problems = await loadProblems(seeds);
    expect(problems).toContainEqual(
      expect.objectContaining({
        file: "seeds/credential-types/health-certificate.json",
        entry: 'credential type "health-certificate"',
        field: expect.stringMatching(/^schema\.properties\.name\.type/),
      }),
    );
    expect(problems.some((problem) => problem.message.includes("unknown credential type"))).toBe(false);
  });

  it("rejects a schema that ajv will not compile, such as one with an unknown format", async () => {
    const seeds = await copySeeds();
    await editSeedJson(seeds, TYPE("health-certificate"), (type) => {
      type.schema.properties.examinationDate.format = "datum";
    });
    expect(await loadProblems(seeds)).toContainEqual(
      expect.objectContaining({ field: "schema", message: expect.stringContaining('unknown format "datum"') }),
    );
  });

  it("rejects a schema that would put the subject's identifier inside the record", async () => {
    const seeds = await copySeeds();
    await editSeedJson(seeds, TYPE("resident-id-card"), (type) => {
      type.schema.properties.idNumber = { type: "string" };
    });
    expect(await loadProblems(seeds)).toContainEqual(
      expect.objectContaining({ entry: 'credential type "resident-id-card"', field: "schema.properties.idNumber" }),
    );
  });
});

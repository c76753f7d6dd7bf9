// Loads the seed catalogue from disk: reads every file, validates each entry, cross-checks them, and reports all problems at once.
import { readdir } from "node:fs/promises";
import path from "node:path";
import type { z } from "zod";
import { checkRecordSchema } from "./checkRecordSchema.ts";
import { crossCheck } from "./crossCheck.ts";
import { CatalogueError, type CatalogueProblem } from "./errors.ts";
import { type Located, parseArrayFile, parseObjectFile } from "./parseEntries.ts";
import { readJsonFile } from "./readJsonFile.ts";
import {
  type Catalogue,
  type CredentialType,
  credentialTypeSchema,
  departmentSchema,
  type Scenario,
  scenarioSchema,
} from "./schemas.ts";

/**
 * Reads `<seedsDir>/departments.json`, `<seedsDir>/credential-types/*.json` (one type per file, named by its code)
 * and `<seedsDir>/scenarios/*.json` (arrays of scenarios). Throws a `CatalogueError` listing every problem found.
 */
export async function loadCatalogue(seedsDir: string): Promise<Catalogue> {
  const root = path.resolve(seedsDir);
  // Problems name files as `seeds/…` whatever the working directory, so messages read the same in CI and in temp copies.
  const display = (absolute: string) =>
    [path.basename(root), ...path.relative(root, absolute).split(path.sep)].join("/");
  const problems: CatalogueProblem[] = [];
  const rejected = { departments: new Set<string>(), credentialTypes: new Set<string>(), scenarios: new Set<string>() };

  const departmentsPath = path.join(root, "departments.json");
  const departments = await readArray(departmentsPath, "department", departmentSchema, rejected.departments);

  const credentialTypes: Located<CredentialType>[] = [];
  for (const absolute of await listJsonFiles(path.join(root, "credential-types"), display, problems)) {
    const file = display(absolute);
    const read = await readJsonFile(absolute, file);
    if (!read.ok) {
      problems.push(read.problem);
      continue;
    }
    const parsed = parseObjectFile(read.value, file, "credential type", credentialTypeSchema);
    problems.push(...parsed.problems);
    addAll(rejected.credentialTypes, parsed.rejectedCodes);
    for (const located of parsed.entries) {
      const schemaProblems = checkRecordSchema(located.value.schema);
      problems.push(...schemaProblems.map((problem) => ({ file, entry: located.entry, ...problem })));
      // Kept even with a broken schema, so scenarios naming this type are not also reported as naming an unknown one.
      credentialTypes.push(located);
    }
  }

  const scenarios: Located<Scenario>[] = [];
  for (const absolute of await listJsonFiles(path.join(root, "scenarios"), display, problems)) {
    scenarios.push(...(await readArray(absolute, "scenario", scenarioSchema, rejected.scenarios)));
  }

  problems.push(
    ...crossCheck({ departmentsFile: display(departmentsPath), departments, credentialTypes, scenarios, rejected }),
  );
  if (problems.length > 0) {
    // Stable and locale-free: each file's problems together, in the order they were found.
    throw new CatalogueError(problems.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0)));
  }
  return {
    departments: departments.map((located) => located.value),
    credentialTypes: credentialTypes.map((located) => located.value),
    scenarios: scenarios.map((located) => located.value),
  };

  async function readArray<T>(absolute: string, noun: string, schema: z.ZodType<T>, rejectedCodes: Set<string>) {
    const file = display(absolute);
    const read = await readJsonFile(absolute, file);
    if (!read.ok) {
      problems.push(read.problem);
      return [];
    }
    const parsed = parseArrayFile(read.value, file, noun, schema);
    problems.push(...parsed.problems);
    addAll(rejectedCodes, parsed.rejectedCodes);
    return parsed.entries;
  }
}

// Sorted so that catalogue order, and everything derived from it, does not depend on the file system.
async function listJsonFiles(
  directory: string,
  display: (absolute: string) => string,
  problems: CatalogueProblem[],
): Promise<string[]> {
  try {
    const names = await readdir(directory);
    return names
      .filter((name) => name.endsWith(".json"))
      .sort()
      .map((name) => path.join(directory, name));
  } catch (error) {
    problems.push({ file: display(directory), message: `cannot read directory: ${(error as Error).message}` });
    return [];
  }
}

function addAll(set: Set<string>, codes: readonly string[]): void {
  for (const code of codes) {
    set.add(code);
  }
}

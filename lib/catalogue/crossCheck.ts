// Checks that hold between seed entries: unique codes, one operator, and every reference pointing at a seeded entry.
import path from "node:path";
import type { CatalogueProblem } from "./errors.ts";
import type { Located } from "./parseEntries.ts";
import { COMMITMENT_TYPE, type CredentialType, type Department, type Scenario, type ScenarioKind } from "./schemas.ts";

export interface LocatedCatalogue {
  /** Where the departments come from, for problems about the list as a whole. */
  readonly departmentsFile: string;
  readonly departments: readonly Located<Department>[];
  readonly credentialTypes: readonly Located<CredentialType>[];
  readonly scenarios: readonly Located<Scenario>[];
  /** Codes of entries that failed validation, already reported; references to them are neither unknown nor checked further. */
  readonly rejected: {
    readonly departments: ReadonlySet<string>;
    readonly credentialTypes: ReadonlySet<string>;
    readonly scenarios: ReadonlySet<string>;
  };
}

interface Index<T> {
  readonly byCode: ReadonlyMap<string, Located<T>>;
  readonly rejected: ReadonlySet<string>;
}

// The film platform is a tree: platform → categories → items. Every other kind stands alone.
const PARENT_KIND: Partial<Record<ScenarioKind, ScenarioKind>> = {
  "film-category": "film-group",
  "film-item": "film-category",
};
// Containers group other scenarios; every other kind is something an applicant applies for, so it needs a matter.
const CONTAINER_KINDS: ReadonlySet<ScenarioKind> = new Set(["film-group", "film-category"]);

export function crossCheck(catalogue: LocatedCatalogue): CatalogueProblem[] {
  const departments = indexByCode(catalogue.departments, catalogue.rejected.departments, "department");
  const types = indexByCode(catalogue.credentialTypes, catalogue.rejected.credentialTypes, "credential type");
  const scenarios = indexByCode(catalogue.scenarios, catalogue.rejected.scenarios, "scenario");
  const problems = [...departments.problems, ...types.problems, ...scenarios.problems];
  problems.push(...checkOperator(catalogue.departments, catalogue.departmentsFile));
  for (const { value, file, entry } of catalogue.credentialTypes) {
    const at = (field: string, message: string) => problems.push({ file, entry, field, message });
    const fileCode = path.posix.basename(file, ".json");
    if (value.code !== fileCode) {
      at("code", `code "${value.code}" does not match the file name "${fileCode}.json"`);
    }
    value.issuers.forEach((issuer, i) => {
      if (!exists(departments, issuer)) {
        at(`issuers[${i}]`, `unknown department "${issuer}"`);
      } else if (value.issuers.indexOf(issuer) !== i) {
        at(`issuers[${i}]`, `duplicate issuer "${issuer}"`);
      }
    });
  }
  for (const located of catalogue.scenarios) {
    problems.push(...checkScenario(located, departments, types, scenarios));
  }
  return problems;
}

function checkScenario(
  { value, file, entry }: Located<Scenario>,
  departments: Index<Department>,
  types: Index<CredentialType>,
  scenarios: Index<Scenario>,
): CatalogueProblem[] {
  const problems: CatalogueProblem[] = [];
  const at = (field: string, message: string) => problems.push({ file, entry, field, message });
  const parentKind = PARENT_KIND[value.kind];
  if (value.parent === undefined) {
    if (parentKind !== undefined) {
      at("parent", `a ${value.kind} needs a parent ${parentKind}`);
    }
  } else if (parentKind === undefined) {
    at("parent", `a ${value.kind} has no parent`);
  } else {
    const parent = scenarios.byCode.get(value.parent)?.value;
    if (parent === undefined && !scenarios.rejected.has(value.parent)) {
      at("parent", `unknown scenario "${value.parent}"`);
    } else if (parent !== undefined && parent.kind !== parentKind) {
      at("parent", `a ${value.kind}'s parent must be a ${parentKind}, "${parent.code}" is a ${parent.kind}`);
    }
  }
  if (value.matters.length === 0 && !CONTAINER_KINDS.has(value.kind)) {
    at("matters", `a ${value.kind} needs at least one matter`);
  }
  value.matters.forEach((matter, m) => {
    const field = `matters[${m}]`;
    if (value.matters.findIndex((other) => other.code === matter.code) !== m) {
      at(`${field}.code`, `duplicate matter code "${matter.code}"`);
    }
    if (!exists(departments, matter.department)) {
      at(`${field}.department`, `unknown department "${matter.department}"`);
    }
    matter.materials.forEach((material, i) => {
      if (!exists(types, material)) {
        at(`${field}.materials[${i}]`, `unknown credential type "${material}"`);
      } else if (matter.materials.indexOf(material) !== i) {
        at(`${field}.materials[${i}]`, `duplicate material "${material}"`);
      }
      if (!Object.hasOwn(matter.fields, material)) {
        at(
          `${field}.fields`,
          `names no fields of "${material}": list those the matter needs ([] for none but proof the record exists)`,
        );
      }
    });
    for (const [material, names] of Object.entries(matter.fields)) {
      const path = `${field}.fields.${material}`;
      if (!matter.materials.includes(material)) {
        at(path, `"${material}" is not a material of the matter`);
        continue;
      }
      const schema = types.byCode.get(material)?.value.schema as { properties?: Record<string, unknown> } | undefined;
      names.forEach((name, i) => {
        if (names.indexOf(name) !== i) at(`${path}[${i}]`, `duplicate field "${name}"`);
        else if (schema && !Object.hasOwn(schema.properties ?? {}, name)) {
          at(`${path}[${i}]`, `"${material}" has no field "${name}"`);
        }
      });
    }
    if (matter.commitment !== undefined) {
      const { commitment } = matter;
      commitment.materials.forEach((material, i) => {
        const path = `${field}.commitment.materials[${i}]`;
        if (!matter.materials.includes(material)) {
          at(path, `"${material}" is not a material of the matter, so it cannot be committed to`);
        } else if (commitment.materials.indexOf(material) !== i) {
          at(path, `duplicate material "${material}"`);
        }
      });
      if (!exists(departments, commitment.checkedBy)) {
        at(`${field}.commitment.checkedBy`, `unknown department "${commitment.checkedBy}"`);
      } else if (commitment.checkedBy !== matter.department) {
        // The deciding department keeps the commitment and follows it; nothing sends it to another one to check yet.
        at(
          `${field}.commitment.checkedBy`,
          `must be "${matter.department}", the department deciding the matter: a commitment is checked where it is kept`,
        );
      }
      // The deciding department records the applicant's commitment as a record of the commitment type.
      const commitmentType = types.byCode.get(COMMITMENT_TYPE)?.value;
      if (commitmentType === undefined && !types.rejected.has(COMMITMENT_TYPE)) {
        at(`${field}.commitment`, `no credential type "${COMMITMENT_TYPE}" is seeded to record the commitment as`);
      } else if (commitmentType !== undefined && !commitmentType.issuers.includes(matter.department)) {
        at(
          `${field}.commitment`,
          `department "${matter.department}" is not an issuer of "${COMMITMENT_TYPE}", so it cannot record the commitment`,
        );
      }
    }
    if (matter.produces !== undefined) {
      const produced = types.byCode.get(matter.produces)?.value;
      if (!exists(types, matter.produces)) {
        at(`${field}.produces`, `unknown credential type "${matter.produces}"`);
      } else if (produced !== undefined && !produced.issuers.includes(matter.department)) {
        at(`${field}.produces`, `department "${matter.department}" is not an issuer of "${matter.produces}"`);
      }
    }
  });
  return problems;
}

function checkOperator(departments: readonly Located<Department>[], file: string): CatalogueProblem[] {
  const operators = departments.filter((department) => department.value.operator === true);
  if (operators.length === 0) {
    return [{ file, field: "operator", message: "no department is marked as the operator; exactly one must be" }];
  }
  return operators.slice(1).map(({ file, entry }) => ({
    file,
    entry,
    field: "operator",
    message: `a second operator; "${operators[0]?.value.code}" is already the operator and there must be exactly one`,
  }));
}

function exists<T>(index: Index<T>, code: string): boolean {
  return index.byCode.has(code) || index.rejected.has(code);
}

function indexByCode<T extends { code: string }>(
  entries: readonly Located<T>[],
  rejected: ReadonlySet<string>,
  noun: string,
): Index<T> & { problems: CatalogueProblem[] } {
  const byCode = new Map<string, Located<T>>();
  const problems: CatalogueProblem[] = [];
  for (const located of entries) {
    const first = byCode.get(located.value.code);
    if (first === undefined) {
      byCode.set(located.value.code, located);
    } else {
      problems.push({
        file: located.file,
        entry: located.entry,
        field: "code",
        message: `duplicate ${noun} code "${located.value.code}", first defined in ${first.file}`,
      });
    }
  }
  return { byCode, rejected, problems };
}

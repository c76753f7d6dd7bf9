// The catalogue's one error type: every problem found in the seed files, each naming file, entry and field.

/** One thing wrong with the seeds, located precisely enough to fix without searching. */
export interface CatalogueProblem {
  /** Seed file, relative to the seeds directory's parent: `seeds/departments.json`. */
  readonly file: string;
  /** 1-based position, for JSON syntax errors only. */
  readonly line?: number;
  readonly column?: number;
  /** The entry inside the file: `department "psb"`, `scenario [3]`. */
  readonly entry?: string;
  /** Path of the offending field inside the entry: `matters[0].materials[2]`. */
  readonly field?: string;
  readonly message: string;
}

export function formatProblem(problem: CatalogueProblem): string {
  const parts = [problem.file];
  if (problem.line !== undefined) {
    parts.push(`line ${problem.line}, column ${problem.column ?? 1}`);
  }
  if (problem.entry !== undefined) {
    parts.push(problem.entry);
  }
  if (problem.field !== undefined) {
    parts.push(`field "${problem.field}"`);
  }
  return `${parts.join(": ")}: ${problem.message}`;
}

/** Thrown by `loadCatalogue` with all problems at once, so one run shows everything to fix. */
export class CatalogueError extends Error {
  override readonly name = "CatalogueError";
  readonly code = "CATALOGUE_INVALID";
  readonly problems: readonly CatalogueProblem[];

  constructor(problems: readonly CatalogueProblem[]) {
    const noun = problems.length === 1 ? "problem" : "problems";
    super(`${problems.length} ${noun} in the catalogue:\n${problems.map(formatProblem).join("\n")}`);
    this.problems = problems;
  }
}

/** `["matters", 0, "materials", 2]` → `matters[0].materials[2]`. */
export function formatFieldPath(path: readonly PropertyKey[]): string {
  let text = "";
  for (const key of path) {
    text += typeof key === "number" ? `[${key}]` : `${text === "" ? "" : "."}${String(key)}`;
  }
  return text;
}

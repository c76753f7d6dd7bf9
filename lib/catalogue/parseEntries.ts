// Turns the raw JSON of a seed file into validated entries that remember where they came from.
import type { z } from "zod";
import { type CatalogueProblem, formatFieldPath } from "./errors.ts";

/** A validated entry with the file and label that problems about it should name. */
export interface Located<T> {
  readonly value: T;
  readonly file: string;
  readonly entry: string;
}

export interface Parsed<T> {
  readonly entries: Located<T>[];
  readonly problems: CatalogueProblem[];
  /** Codes of entries that failed validation: they exist, so references to them are not reported as unknown too. */
  readonly rejectedCodes: string[];
}

/** A file holding a JSON array of entries (departments, scenarios). */
export function parseArrayFile<T>(raw: unknown, file: string, noun: string, schema: z.ZodType<T>): Parsed<T> {
  if (!Array.isArray(raw)) {
    return {
      entries: [],
      problems: [{ file, message: `expected a JSON array of ${noun} entries` }],
      rejectedCodes: [],
    };
  }
  const results = raw.map((item, index) => parseEntry(item, file, entryLabel(noun, item, index), schema));
  return {
    entries: results.flatMap((result) => result.entries),
    problems: results.flatMap((result) => result.problems),
    rejectedCodes: results.flatMap((result) => result.rejectedCodes),
  };
}

/** A file holding exactly one entry (a credential type). */
export function parseObjectFile<T>(raw: unknown, file: string, noun: string, schema: z.ZodType<T>): Parsed<T> {
  return parseEntry(raw, file, entryLabel(noun, raw), schema);
}

function rawCode(raw: unknown): string | undefined {
  const code = (raw as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}

export function entryLabel(noun: string, raw: unknown, index?: number): string {
  const code = rawCode(raw);
  if (code !== undefined) {
    return `${noun} "${code}"`;
  }
  return index === undefined ? noun : `${noun} [${index}]`;
}

function parseEntry<T>(raw: unknown, file: string, entry: string, schema: z.ZodType<T>): Parsed<T> {
  const result = schema.safeParse(raw);
  if (result.success) {
    return { entries: [{ value: result.data, file, entry }], problems: [], rejectedCodes: [] };
  }
  const problems = result.error.issues.flatMap((issue): CatalogueProblem[] => {
    if (issue.code === "unrecognized_keys") {
      return issue.keys.map((key) => ({
        file,
        entry,
        field: formatFieldPath([...issue.path, key]),
        message: "unknown field",
      }));
    }
    const field = issue.path.length === 0 ? undefined : formatFieldPath(issue.path);
    const message = isMissing(raw, issue.path) ? "missing required field" : issue.message;
    return [field === undefined ? { file, entry, message } : { file, entry, field, message }];
  });
  const code = rawCode(raw);
  return { entries: [], problems, rejectedCodes: code === undefined ? [] : [code] };
}

// Zod reports an absent field as "received undefined"; naming it "missing" tells the author what to do.
function isMissing(raw: unknown, path: readonly PropertyKey[]): boolean {
  if (path.length === 0) {
    return false;
  }
  let parent: unknown = raw;
  for (const key of path.slice(0, -1)) {
    if (typeof parent !== "object" || parent === null) {
      return false;
    }
    parent = (parent as Record<PropertyKey, unknown>)[key];
  }
  return typeof parent === "object" && parent !== null && !(String(path.at(-1)) in parent);
}

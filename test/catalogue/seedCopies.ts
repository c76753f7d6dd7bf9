// Temp-dir copies of the real seeds for tests that corrupt one file and look at what the loader reports.
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { CatalogueError, type CatalogueProblem } from "../../lib/catalogue/errors.ts";
import { loadCatalogue } from "../../lib/catalogue/loadCatalogue.ts";

export const SEEDS_DIR = fileURLToPath(new URL("../../seeds", import.meta.url));

const created: string[] = [];

/** A fresh copy at `<tmp>/seeds`, so problems name files as `seeds/...` just as for the real seeds. */
export async function copySeeds(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), "oncechain-catalogue-"));
  created.push(dir);
  const seeds = path.join(dir, "seeds");
  await cp(SEEDS_DIR, seeds, { recursive: true });
  return seeds;
}

export async function removeSeedCopies(): Promise<void> {
  await Promise.all(created.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
}

export async function readSeedJson<T>(seeds: string, relative: string): Promise<T> {
  return JSON.parse(await readFile(path.join(seeds, relative), "utf8")) as T;
}

// biome-ignore lint/suspicious/noExplicitAny: corrupting seeds means writing what the types forbid.
export async function editSeedJson(seeds: string, relative: string, edit: (value: any) => void): Promise<void> {
  const value = await readSeedJson(seeds, relative);
  edit(value);
  await writeFile(path.join(seeds, relative), `${JSON.stringify(value, null, 2)}\n`);
}

export async function writeSeedText(seeds: string, relative: string, text: string): Promise<void> {
  await writeFile(path.join(seeds, relative), text);
}

/** The problems the loader reports; fails the test if it loads. */
export async function loadProblems(seeds: string): Promise<readonly CatalogueProblem[]> {
  try {
    await loadCatalogue(seeds);
  } catch (error) {
    if (error instanceof CatalogueError) {
      return error.problems;
    }
    throw error;
  }
  throw new Error("expected the catalogue to be rejected, but it loaded");
}

/** The entry with this code; a missing seed entry fails the test here rather than as an undefined later. */
export function entryByCode<T extends { code: string }>(entries: readonly T[], code: string): T {
  const found = entries.find((entry) => entry.code === code);
  if (found === undefined) {
    throw new Error(`no seeded entry with code "${code}"`);
  }
  return found;
}

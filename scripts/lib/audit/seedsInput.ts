// The seeds an audit compares with the chain: the project's seeds/ unless a directory is named. A catalogue that does
// not load is bad input, with every problem the loader found.
import { CatalogueError } from "../../../lib/catalogue/errors.ts";
import { loadCatalogue } from "../../../lib/catalogue/loadCatalogue.ts";
import type { Catalogue } from "../../../lib/catalogue/schemas.ts";
import { seedsDir } from "../paths.ts";
import { AuditInputError } from "./command.ts";
import { inputPath } from "./inputFile.ts";

export async function loadSeeds(dir: string | undefined): Promise<{ dir: string; catalogue: Catalogue }> {
  const resolved = dir === undefined ? seedsDir : inputPath(dir);
  try {
    return { dir: resolved, catalogue: await loadCatalogue(resolved) };
  } catch (error) {
    if (error instanceof CatalogueError) throw new AuditInputError(`${resolved}: ${error.message}`);
    throw error;
  }
}

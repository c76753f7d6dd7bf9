// Writes docs/spec-vectors.json from buildVectors (`npx tsx scripts/spec/generateVectors.ts`), or with --check says
// whether the file still holds what the rules give. Rules this generator does not build keep their cases.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { isDeepStrictEqual } from "node:util";
import { parseFlags, runCli } from "../lib/cli.ts";
import { projectRoot } from "../lib/paths.ts";
import { buildVectors } from "./buildVectors.ts";

export const VECTORS_FILE = "docs/spec-vectors.json";

/** The vectors file as the repository's formatter writes it, so that `npm run lint` passes on what this writes. */
function formatted(value: unknown): string {
  return execFileSync(`${projectRoot}node_modules/.bin/biome`, ["format", `--stdin-file-path=${VECTORS_FILE}`], {
    cwd: projectRoot,
    input: JSON.stringify(value, null, 2),
    encoding: "utf8",
  });
}

runCli(async () => {
  const { check } = parseFlags({ check: { type: "boolean", default: false } }, "generateVectors.ts [--check]");
  const path = `${projectRoot}${VECTORS_FILE}`;
  const existing: Record<string, unknown> = existsSync(path) ? JSON.parse(readFileSync(path, "utf8")) : {};
  const vectors = { ...existing, ...buildVectors() };
  if (check) {
    if (!isDeepStrictEqual(existing, vectors)) {
      console.error(`${VECTORS_FILE} is not what the rules give: run npx tsx scripts/spec/generateVectors.ts`);
      process.exit(1);
    }
    console.log(`${VECTORS_FILE} holds what the rules give`);
    return;
  }
  writeFileSync(path, formatted(vectors));
  const counts = Object.entries(vectors).map(([rule, cases]) => `${rule} ${(cases as unknown[]).length}`);
  console.log(`wrote ${VECTORS_FILE}: ${counts.join(", ")}`);
});

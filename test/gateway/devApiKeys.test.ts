import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ROLES } from "../../services/gateway/src/auth/apiKeys.ts";
import { removeTestDir } from "../support/leftBehind.ts";

const tsx = join(import.meta.dirname, "../../node_modules/.bin/tsx");
const writer = join(import.meta.dirname, "devKeysWriter.ts");
const dir = mkdtempSync(join(tmpdir(), "dev-keys-"));
afterAll(() => removeTestDir(dir));

function run(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(tsx, [writer, ...args], { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.on("error", reject);
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`writer exited ${code}: ${stderr}`))));
  });
}

describe("the dev API keys file", () => {
  it("keeps every department's keys when six gateway processes write it at the same moment, five times over", async () => {
    const writers = 6;
    for (let round = 0; round < 5; round++) {
      const file = join(dir, `round-${round}.json`);
      // Far enough ahead that every process has loaded before the moment comes.
      const startAt = Date.now() + 4_000;
      const codes = Array.from({ length: writers }, (_, i) => `D${round}X${i}`);
      await Promise.all(codes.map((code) => run([file, join(dir, "keys"), String(startAt), code])));
      const written = JSON.parse(readFileSync(file, "utf8")) as Record<string, Record<string, string>>;
      expect(Object.keys(written).sort(), `round ${round}`).toEqual([...codes].sort());
      for (const code of codes) expect(Object.keys(written[code] ?? {}).sort()).toEqual([...ROLES].sort());
    }
  }, 120_000);
});

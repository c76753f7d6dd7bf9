// The web page's build (web/, by Vite), run only when what it is built from changed: the page's sources, the shared
// rules it bundles (lib/, the gateway's sources it imports) or the installed packages. npm start and npm run cluster
// call it before the gateway serves /app/; the browser tests build into a folder of their own.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { lock } from "proper-lockfile";

const STAMP = ".oncechain-build.json";
const SOURCES = ["web/src", "web/index.html", "web/vite.config.ts", "lib", "services/gateway/src"];

function filesUnder(path: string): string[] {
  if (!existsSync(path)) return [];
  return readdirSync(path, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
}

/** A hash of everything the page is built from. */
export function webInputsHash(root: string): string {
  const hash = createHash("sha256");
  const lockfile = existsSync(join(root, "node_modules/.package-lock.json"))
    ? "node_modules/.package-lock.json"
    : "package-lock.json";
  const files = SOURCES.flatMap((source) => {
    const path = join(root, source);
    return source.includes(".") ? [path] : filesUnder(path);
  });
  for (const file of [...files, join(root, lockfile)].sort()) {
    hash.update(relative(root, file)).update("\0").update(readFileSync(file)).update("\0");
  }
  return hash.digest("hex");
}

/**
 * Builds the page into `outDir` (default web/dist) unless the build there was made from the same inputs. Returns the
 * seconds it took (0 when nothing was built).
 */
export async function ensureWebPage(root: string, outDir = join(root, "web/dist")): Promise<number> {
  const inputs = webInputsHash(root);
  const stampFile = join(outDir, STAMP);
  const upToDate = () => {
    try {
      return JSON.parse(readFileSync(stampFile, "utf8")).inputs === inputs && existsSync(join(outDir, "index.html"));
    } catch {
      return false;
    }
  };
  if (upToDate()) return 0;
  // One build at a time into a folder (npm start and a test, say): the second waits, then finds the first one's.
  mkdirSync(dirname(outDir), { recursive: true });
  const release = await lock(outDir, {
    realpath: false,
    stale: 60_000,
    retries: { retries: 600, minTimeout: 50, maxTimeout: 200 },
  });
  try {
    if (upToDate()) return 0;
    const started = Date.now();
    const { build } = await import("vite");
    await build({
      configFile: join(root, "web/vite.config.ts"),
      build: { outDir, emptyOutDir: true },
      logLevel: "warn",
    });
    writeFileSync(stampFile, `${JSON.stringify({ inputs, builtAt: new Date().toISOString() })}\n`);
    return (Date.now() - started) / 1000;
  } finally {
    await release();
  }
}

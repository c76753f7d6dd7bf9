// The web page's build (web/, by Vite), run only when what it is built from changed: the page's sources, the shared
// rules it bundles (lib/, the gateway's sources it imports) or the installed packages. npm start and npm run cluster
// call it before the gateway serves /app/; the browser tests build into a folder of their own.
import { createHash } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { dirname, join, relative } from "node:path";

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
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
  for (const file of [...files, join(root, lockfile)].sort()) {
    hash.update(relative(root, file)).update("\0").update(readFileSync(file)).update("\0");
  }
  return hash.digest("hex");
}

/**
 * Builds the page into `outDir` (default web/dist) unless the build there was made from the same inputs. Returns the
 * seconds it took (0 when nothing was built). The build is made in a folder of its own beside `outDir` and moved into
 * place whole, so that two commands building at once (npm start and a test, say) never write into one folder, and a
 * gateway serving the page never sees half of one: the same inputs make the same page, so either may win.
 */
export async function ensureWebPage(root: string, outDir = join(root, "web/dist")): Promise<number> {
  const inputs = webInputsHash(root);
  if (builtFrom(outDir) === inputs) return 0;
  const started = Date.now();
  mkdirSync(dirname(outDir), { recursive: true });
  const fresh = mkdtempSync(`${outDir}.build-`);
  try {
    const { build } = await import("vite");
    await build({
      configFile: join(root, "web/vite.config.ts"),
      build: { outDir: fresh, emptyOutDir: true },
      logLevel: "warn",
    });
    writeFileSync(join(fresh, STAMP), `${JSON.stringify({ inputs, builtAt: new Date().toISOString() })}\n`);
    replaceFolder(outDir, fresh);
  } finally {
    rmSync(fresh, { recursive: true, force: true });
  }
  return (Date.now() - started) / 1000;
}

/** The inputs hash the build in `outDir` was made from, if it is whole. */
function builtFrom(outDir: string): string | undefined {
  try {
    if (!existsSync(join(outDir, "index.html"))) return undefined;
    return JSON.parse(readFileSync(join(outDir, STAMP), "utf8")).inputs;
  } catch {
    return undefined;
  }
}

/** Moves `fresh` to `outDir`: the old build aside first, then the new one in; if another build got there first, it stays. */
function replaceFolder(outDir: string, fresh: string): void {
  const old = `${fresh}.old`;
  try {
    renameSync(outDir, old);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  try {
    renameSync(fresh, outDir);
  } catch (error) {
    // Another build moved its own in between: the same inputs, the same page.
    if (!["ENOTEMPTY", "EEXIST"].includes((error as NodeJS.ErrnoException).code ?? "")) throw error;
  }
  rmSync(old, { recursive: true, force: true });
}

// The contracts' build, run only when it is needed: when the contract sources, the Hardhat configuration or the
// installed packages changed since the last build, or when its outputs are missing. Hardhat alone would check that
// too, but loading it costs one to three seconds and it rewrites the generated types every time, so commands that only
// read would pay for a build that changes nothing. Node built-ins only: `node scripts/build.ts` runs it before tsx.
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, linkSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { processAlive } from "./processAlive.ts";

/** What the last build was made from, next to Hardhat's own cache (so `hardhat clean` forgets it too). */
const STAMP = "cache/oncechain-build.json";
/** Held while a build runs, so that a second command waits for it instead of compiling into the same files. */
const LOCK = "cache/oncechain-build.lock";
/** What the scripts import from a build; if one is missing the build runs whatever the stamp says. */
const OUTPUTS = ["artifacts/build-info", "types/ethers-contracts/index.ts"];
/** How often a log that is not a terminal gets a line while the compiler runs. */
const LOG_EVERY_MS = 5_000;
/** Measured on this project's 2-core machine: the whole compile is one soljson process, so one core's worth. */
export const FIRST_COMPILE = "about 30 s on an idle 2-core machine, a minute or more on a busy one";

export interface BuildNeed {
  needed: boolean;
  /** Why a build is needed, in words: "no build yet", "contracts/X.sol changed since the last build". */
  reason?: string;
  /** The inputs as they are now, which a build records once it succeeds. */
  inputs: Record<string, string>;
}

interface Stamp {
  inputs: Record<string, string>;
  builtAt: string;
  seconds: number;
}

function solidityFiles(root: string, dir: string): string[] {
  return readdirSync(`${root}${dir}`, { withFileTypes: true }).flatMap((entry) => {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory()) return solidityFiles(root, path);
    return entry.name.endsWith(".sol") ? [path] : [];
  });
}

/**
 * The build's inputs with a hash of each: the contracts, the configuration (compiler version and settings), and the
 * installed packages (npm's hidden lockfile names every installed version, the compiler's and OpenZeppelin's too).
 */
function buildInputs(root: string): Record<string, string> {
  const lockfile = existsSync(`${root}node_modules/.package-lock.json`)
    ? "node_modules/.package-lock.json"
    : "package-lock.json";
  const files = [...solidityFiles(root, "contracts").sort(), "hardhat.config.ts", lockfile];
  return Object.fromEntries(
    files.map((file) => [
      file,
      createHash("sha256")
        .update(readFileSync(`${root}${file}`))
        .digest("hex"),
    ]),
  );
}

function readStamp(root: string): Stamp | undefined {
  try {
    return JSON.parse(readFileSync(`${root}${STAMP}`, "utf8")) as Stamp;
  } catch {
    return undefined;
  }
}

function changes(before: Record<string, string>, now: Record<string, string>): string[] {
  const names = new Set([...Object.keys(before), ...Object.keys(now)]);
  return [...names].filter((name) => before[name] !== now[name]).sort();
}

/** Whether the build must run in the checkout at `root` (a path ending in a slash), and why. */
export function buildNeed(root: string): BuildNeed {
  const inputs = buildInputs(root);
  if (!OUTPUTS.every((output) => existsSync(`${root}${output}`)))
    return { needed: true, reason: "no build yet", inputs };
  const stamp = readStamp(root);
  if (!stamp) return { needed: true, reason: "no record of what the last build was made from", inputs };
  const changed = changes(stamp.inputs, inputs);
  if (changed.length === 0) return { needed: false, inputs };
  const named = changed.slice(0, 3).join(", ") + (changed.length > 3 ? ` and ${changed.length - 3} more` : "");
  return { needed: true, reason: `${named} changed since the last build`, inputs };
}

/** Takes the build lock, or says which live process holds it. A lock left by a process that is gone is taken over. */
function tryLock(root: string): { release(): void } | { holder: number } {
  mkdirSync(`${root}cache`, { recursive: true });
  // Written whole under another name and linked into place, so that the lock never exists without its holder's pid.
  const mine = `${root}${LOCK}.${process.pid}`;
  writeFileSync(mine, String(process.pid));
  try {
    for (;;) {
      try {
        linkSync(mine, `${root}${LOCK}`);
        return { release: () => rmSync(`${root}${LOCK}`, { force: true }) };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
        const holder = Number(readFileSync(`${root}${LOCK}`, "utf8"));
        if (processAlive(holder)) return { holder };
        rmSync(`${root}${LOCK}`, { force: true });
      }
    }
  } finally {
    rmSync(mine, { force: true });
  }
}

/**
 * Says every so often that `what` is still going: on a terminal one line rewritten each second, in a log a line every
 * five seconds. Returns the function that stops it.
 */
function heartbeat(what: string, out: NodeJS.WriteStream): () => void {
  const started = Date.now();
  const seconds = () => Math.round((Date.now() - started) / 1000);
  const tty = out.isTTY === true;
  const timer = setInterval(
    () => {
      if (tty) out.write(`\r\x1b[Kcontracts: ${what}… ${seconds()} s`);
      else out.write(`contracts: still ${what}, ${seconds()} s so far\n`);
    },
    tty ? 1_000 : LOG_EVERY_MS,
  );
  return () => {
    clearInterval(timer);
    if (tty) out.write("\r\x1b[K");
  };
}

/** Runs `hardhat build`; what it says (compile errors) goes to `out`, on a line of its own, blank lines left out. */
function runHardhat(root: string, out: NodeJS.WriteStream): Promise<number | null> {
  const manifestPath = createRequire(`${root}package.json`).resolve("hardhat/package.json");
  const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as { bin: Record<string, string> };
  const cli = join(dirname(manifestPath), manifest.bin.hardhat ?? "dist/src/cli.js");
  const child = spawn(process.execPath, [cli, "build", "--quiet", "--no-tests"], {
    cwd: root,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const pass = (chunk: Buffer) => {
    const text = chunk.toString();
    if (text.trim() !== "") out.write(`${out.isTTY ? "\r\x1b[K" : ""}${text}`);
  };
  child.stdout.on("data", pass);
  child.stderr.on("data", pass);
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("close", resolve);
  });
}

async function waitForOtherBuild(root: string, holder: number, out: NodeJS.WriteStream): Promise<void> {
  out.write(`contracts: another command (pid ${holder}) is building them; waiting for it\n`);
  const stop = heartbeat("waiting for the other build", out);
  try {
    while (existsSync(`${root}${LOCK}`) && processAlive(holder))
      await new Promise((resolve) => setTimeout(resolve, 250));
  } finally {
    stop();
  }
}

/**
 * Builds the contracts if (and only if) buildNeed says so, telling `out` (stderr by default) what it does and that it
 * is alive. Resolves with the seconds the build took, 0 when nothing had to be built.
 */
export async function ensureContractsBuilt(
  root: string,
  out: NodeJS.WriteStream = process.stderr,
): Promise<{ seconds: number }> {
  for (;;) {
    if (!buildNeed(root).needed) return { seconds: 0 };
    const lock = tryLock(root);
    if (!("release" in lock)) {
      await waitForOtherBuild(root, lock.holder, out);
      continue;
    }
    try {
      // Read again under the lock: a build that ended meanwhile may have made this one unnecessary.
      const need = buildNeed(root);
      if (!need.needed) return { seconds: 0 };
      const first = need.reason === "no build yet";
      out.write(
        `contracts: compiling (${need.reason}); ${first ? "the first compile takes" : "a full compile takes"} ${FIRST_COMPILE}\n`,
      );
      const started = Date.now();
      const stop = heartbeat("compiling", out);
      const code = await runHardhat(root, out).finally(stop);
      const seconds = (Date.now() - started) / 1000;
      if (code !== 0) throw new Error(`the contracts did not compile (hardhat build exited with ${code}); see above`);
      const stamp: Stamp = { inputs: need.inputs, builtAt: new Date().toISOString(), seconds };
      writeFileSync(`${root}${STAMP}`, `${JSON.stringify(stamp, null, 2)}\n`);
      out.write(`contracts: compiled in ${seconds.toFixed(1)} s\n`);
      return { seconds };
    } finally {
      lock.release();
    }
  }
}

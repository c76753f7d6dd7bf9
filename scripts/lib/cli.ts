// Shared command-line plumbing: argument parsing, a progress bar, and one way to report a failure.
import { type ParseArgsConfig, parseArgs } from "node:util";
import { SingleBar } from "cli-progress";
import { CatalogueError } from "../../lib/catalogue/errors.ts";

/** Parses flags; an unknown flag is reported with the command's usage. */
export function parseFlags<T extends NonNullable<ParseArgsConfig["options"]>>(options: T, usage: string) {
  try {
    return parseArgs({ options, allowPositionals: false, strict: true }).values;
  } catch (error) {
    console.error(`${(error as Error).message}\nusage: ${usage}`);
    process.exit(2);
  }
}

/** Runs a command's main function; any error is printed as a message (no stack for expected failures). */
export function runCli(main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    if (error instanceof CatalogueError) {
      console.error(error.message);
    } else if (error instanceof Error) {
      console.error(`error: ${error.message}`);
      if (process.env.DEBUG) console.error(error.stack);
    } else {
      console.error("error:", error);
    }
    process.exit(1);
  });
}

/** A progress bar on stderr when it is a terminal; otherwise nothing, so logs stay clean. */
export function progressBar(total: number, label: string): { update(done: number): void; stop(): void } {
  if (!process.stderr.isTTY || total === 0) return { update() {}, stop() {} };
  const bar = new SingleBar({ format: `${label} [{bar}] {value}/{total}`, stream: process.stderr, hideCursor: true });
  bar.start(total, 0);
  return { update: (done) => bar.update(done), stop: () => bar.stop() };
}

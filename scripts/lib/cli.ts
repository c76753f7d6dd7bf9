// Shared command-line plumbing: argument parsing, progress, and one way to report a failure.
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

/**
 * Runs `stop` on the first SIGINT or SIGTERM and ignores the ones that come while it runs. One Ctrl-C arrives more
 * than once: the terminal signals the whole process group, and npm and tsx each pass the signal on as well; with a
 * one-shot listener the second copy found none and ended the process halfway through stopping.
 */
export function onStopSignal(stop: () => Promise<unknown> | unknown): void {
  let stopping = false;
  const once = () => {
    if (stopping) return;
    stopping = true;
    void stop();
  };
  process.on("SIGINT", once);
  process.on("SIGTERM", once);
}

/** How often a log that is not a terminal gets a progress line. */
const LOG_EVERY_MS = 5_000;

export interface Progress {
  /** `done` of `total` steps are finished; `stage` names the kind of step under way, `detail` adds to it. */
  update(done: number, total: number, stage: string, detail?: string): void;
  stop(): void;
}

/**
 * Progress of a long run of steps, on stderr: a bar on a terminal; in a log (not a terminal), a line when the stage
 * changes, at the end, and otherwise at most every five seconds, so that a log shows it is alive without a line a step.
 */
export function progress(label: string): Progress {
  if (process.stderr.isTTY) {
    const bar = new SingleBar({
      format: `${label} [{bar}] {value}/{total} {stage}{detail}`,
      stream: process.stderr,
      hideCursor: true,
    });
    return {
      update(done, total, stage, detail = "") {
        const payload = { stage, detail: detail && ` (${detail})` };
        if (!bar.isActive) bar.start(total, done, payload);
        else bar.update(done, payload);
      },
      stop: () => bar.stop(),
    };
  }
  const started = Date.now();
  let last = { stage: "", at: 0 };
  return {
    update(done, total, stage, detail = "") {
      const now = Date.now();
      if (stage === last.stage && now - last.at < LOG_EVERY_MS && done !== total) return;
      last = { stage, at: now };
      const seconds = ((now - started) / 1000).toFixed(0);
      process.stderr.write(`${label} ${done}/${total}: ${stage}${detail && ` (${detail})`}, ${seconds} s\n`);
    },
    stop() {},
  };
}

// The command line of npm run audit: the options every command shares, the progress bar, and how a report is printed.
import { parseArgs } from "node:util";
import { progress } from "../cli.ts";
import { type AuditContext, AuditInputError, type AuditReport } from "./command.ts";

const OPTIONS = {
  rpc: { type: "string" },
  directory: { type: "string" },
  deployment: { type: "string" },
  json: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

export interface Invocation {
  flags: { rpc?: string; directory?: string; deployment?: string; json: boolean; help: boolean };
  command?: string;
  args: string[];
}

/** Options are taken wherever they stand; the rest is the command and its arguments, in order. */
export function parseInvocation(argv: string[]): Invocation {
  const { values, tokens } = parseArgs({
    args: argv,
    options: OPTIONS,
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  const rest: string[] = [];
  for (const token of tokens) {
    if (token.kind === "positional") rest.push(token.value);
    else if (token.kind === "option" && !(token.name in OPTIONS))
      throw new AuditInputError(`unknown option ${token.rawName}: see npm run audit -- --help`);
  }
  const text = (name: "rpc" | "directory" | "deployment") => {
    const value = values[name];
    if (value === true) throw new AuditInputError(`--${name} needs a value`);
    return typeof value === "string" ? value : undefined;
  };
  const [command, ...args] = rest;
  return {
    flags: {
      rpc: text("rpc"),
      directory: text("directory"),
      deployment: text("deployment"),
      json: values.json === true,
      help: values.help === true,
    },
    ...(command !== undefined ? { command } : {}),
    args,
  };
}

/** A bar on stderr while a long check runs, on a terminal only and never under --json. */
export function progressOn(quiet: boolean): AuditContext["progress"] {
  return (label, total) => {
    if (quiet || !process.stderr.isTTY || total <= 0) return { tick() {}, stop() {} };
    const bar = progress("audit");
    let done = 0;
    bar.update(done, total, label);
    return {
      tick(count = 1) {
        done += count;
        bar.update(done, total, label);
      },
      stop: () => bar.stop(),
    };
  };
}

/** The report: its lines and a summary line for a person, its details as one JSON document under --json. */
export function printReport(report: AuditReport, json: boolean): void {
  if (json) {
    process.stdout.write(`${JSON.stringify(report.details, null, 2)}\n`);
    return;
  }
  const passed = report.lines.filter((line) => line.startsWith("✔")).length;
  const failed = report.lines.filter((line) => line.startsWith("✘")).length;
  const counts = passed + failed > 0 ? ` (${passed} passed, ${failed} failed)` : "";
  process.stdout.write(
    `${[...report.lines, `${report.command}: ${report.ok ? "pass" : "FAIL"}${counts}`].join("\n")}\n`,
  );
}

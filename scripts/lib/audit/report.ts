// A command's checks as a report: one line a check (✔ or ✘) with what it found, and the same checks in the details.
import type { AuditReport } from "./command.ts";

export interface Check {
  /** What was checked, in a word or two: "record hash", "batch proof". */
  name: string;
  ok: boolean;
  /** What was found, precisely enough to act on (hashes, blocks, ids). */
  detail: string;
  /** What a failed check found wrong, one entry a line under it. */
  items?: string[];
}

export function checkLine(check: Check): string {
  return `${check.ok ? "✔" : "✘"} ${check.name}: ${check.detail}`;
}

/**
 * The report of `checks`, with evidence lines after them (indented, not checks) and `details` for --json, which carry
 * the verdict and the checks as well so that a machine reads the same as a person.
 */
export function reportOf(
  command: string,
  checks: readonly Check[],
  evidence: readonly string[],
  details: Record<string, unknown>,
): AuditReport {
  const ok = checks.length > 0 && checks.every((check) => check.ok);
  return {
    command,
    ok,
    lines: [
      ...checks.flatMap((check) => [checkLine(check), ...(check.items ?? []).map((item) => `    ${item}`)]),
      ...evidence.map((line) => `  ${line}`),
    ],
    details: { ok, ...details, checks },
  };
}

/** Unix seconds as an ISO time, the way every report writes a time. */
export function isoTime(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace(".000Z", "Z");
}

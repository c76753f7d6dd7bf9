// The cases of docs/spec-vectors.json, read as an outside implementation reads them, and one way to hold a rule to them.
import { readFileSync } from "node:fs";
import { expect } from "vitest";

/** A case of a rule: its expected output, or the reason the project's implementation refuses the input with. */
export interface Case<I> {
  name: string;
  input: I;
  expected?: unknown;
  error?: string;
}

export const VECTORS: Record<string, unknown> = JSON.parse(
  readFileSync(new URL("../../docs/spec-vectors.json", import.meta.url), "utf8"),
);

/** The cases of `rule`; a rule without cases is a mistake in the file, not a rule that holds. */
export function casesOf<I>(rule: string): Case<I>[] {
  const cases = VECTORS[rule];
  if (!Array.isArray(cases) || cases.length === 0) throw new Error(`docs/spec-vectors.json has no cases of ${rule}`);
  return cases as Case<I>[];
}

/** The message `compute` throws, or undefined when it returns. */
export function refusal(compute: () => unknown): string | undefined {
  try {
    compute();
  } catch (error) {
    return (error as Error).message;
  }
  return undefined;
}

/**
 * Holds `compute` to the case: the expected output, or a refusal; with `sameReason`, the refusal's message must also
 * be the case's (where the implementation is the project's, or the reason is one SPEC.md gives).
 */
export function holds<I>(c: Case<I>, compute: () => unknown, sameReason = false): void {
  if (c.error === undefined) {
    expect(compute()).toEqual(c.expected);
    return;
  }
  const message = refusal(compute);
  expect(message, "the input is refused").toBeDefined();
  if (sameReason) expect(message).toBe(c.error);
}

// Reading one seed file as JSON, turning syntax errors into problems that carry a line and column.
import { readFile } from "node:fs/promises";
import type { CatalogueProblem } from "./errors.ts";

export type JsonFileRead = { ok: true; value: unknown } | { ok: false; problem: CatalogueProblem };

export async function readJsonFile(absolutePath: string, file: string): Promise<JsonFileRead> {
  let text: string;
  try {
    text = await readFile(absolutePath, "utf8");
  } catch (error) {
    return { ok: false, problem: { file, message: `cannot read file: ${(error as Error).message}` } };
  }
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    const message = (error as Error).message;
    const { line, column } = locate(text, message);
    return { ok: false, problem: { file, line, column, message: `invalid JSON: ${message}` } };
  }
}

/** Where a JSON.parse error is: V8 may report only a character offset ("at position 18"); people want line and column. */
export function locate(text: string, message: string): { line: number; column: number } {
  const explicit = /line (\d+) column (\d+)/.exec(message);
  if (explicit?.[1] !== undefined && explicit[2] !== undefined) {
    return { line: Number(explicit[1]), column: Number(explicit[2]) };
  }
  const offset = /position (\d+)/.exec(message)?.[1];
  const before = offset === undefined ? text : text.slice(0, Number(offset));
  const lines = before.split("\n");
  return { line: lines.length, column: (lines.at(-1)?.length ?? 0) + 1 };
}

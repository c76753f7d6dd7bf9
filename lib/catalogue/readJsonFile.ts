// Reading one seed file as JSON, turning syntax errors into problems that carry a line and column.
import { isUtf8 } from "node:buffer";
import { readFile } from "node:fs/promises";
import type { CatalogueProblem } from "./errors.ts";

export type JsonFileRead = { ok: true; value: unknown } | { ok: false; problem: CatalogueProblem };

export async function readJsonFile(absolutePath: string, file: string): Promise<JsonFileRead> {
  let bytes: Buffer;
  try {
    bytes = await readFile(absolutePath);
  } catch (error) {
    return { ok: false, problem: { file, message: `cannot read file: ${(error as Error).message}` } };
  }
  // Read leniently, bytes that are not UTF-8 would become U+FFFD: another value than the file holds.
  if (!isUtf8(bytes)) {
    const line = bytes.subarray(0, firstInvalidUtf8(bytes)).toString("latin1").split("\n").length;
    return { ok: false, problem: { file, line, column: 1, message: "invalid JSON: not UTF-8 text" } };
  }
  // A byte-order mark, which some editors write, is not part of the JSON (as a gateway reads a body).
  const text = bytes.toString("utf8").replace(/^\ufeff/, "");
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    const message = (error as Error).message;
    const { line, column } = locate(text, message);
    return { ok: false, problem: { file, line, column, message: `invalid JSON: ${message}` } };
  }
}

/** The offset of the first byte at which `bytes` stops being UTF-8 (the shortest prefix that fails, less one). */
function firstInvalidUtf8(bytes: Buffer): number {
  let low = 0;
  let high = bytes.length;
  // isUtf8 of a prefix can fail only by cutting a character short: search for the longest prefix that is UTF-8 text,
  // allowing the up to 3 bytes a cut character leaves.
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    let ok = false;
    for (let cut = 0; cut <= 3 && !ok; cut++) ok = isUtf8(bytes.subarray(0, Math.max(0, middle - cut)));
    if (ok) low = middle;
    else high = middle - 1;
  }
  return low;
}

/** V8's message for an unexpected token: the token, then the text around it, "..." where V8 cut that text short. */
const UNEXPECTED_TOKEN = /^Unexpected token '(.)', (\.\.\.)?"([\s\S]*)"(\.\.\.)? is not valid JSON$/u;

/**
 * Where the unexpected token is, from the text V8 quotes instead of a position: the 10 characters before the token and
 * the 10 from it on, cut at the text's ends. Cut on the left, the token follows the first 10 quoted; cut on the right
 * only, the quote starts the text and the token is 10 from its end; the whole text quoted, its first occurrence.
 */
function unexpectedTokenOffset(text: string, message: string): number | undefined {
  const [, token, cutLeft, quoted, cutRight] = UNEXPECTED_TOKEN.exec(message) ?? [];
  if (token === undefined || quoted === undefined) return undefined;
  if (cutLeft) {
    for (let at = text.indexOf(quoted); at >= 0; at = text.indexOf(quoted, at + 1)) {
      if (text.startsWith(token, at + 10)) return at + 10;
    }
    return undefined;
  }
  return cutRight ? quoted.length - 10 : text.indexOf(token);
}

// V8 reports a character offset ("at position 18"), or for an unexpected token only the text around it; editors and
// humans want line and column.
function locate(text: string, message: string): { line: number; column: number } {
  const explicit = /line (\d+) column (\d+)/.exec(message);
  if (explicit?.[1] !== undefined && explicit[2] !== undefined) {
    return { line: Number(explicit[1]), column: Number(explicit[2]) };
  }
  const offset = /position (\d+)/.exec(message)?.[1] ?? unexpectedTokenOffset(text, message);
  const before = offset === undefined ? text : text.slice(0, Number(offset));
  const lines = before.split("\n");
  return { line: lines.length, column: (lines.at(-1)?.length ?? 0) + 1 };
}

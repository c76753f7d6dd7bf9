// Reading a file an auditor names: a missing or unreadable file, or one that is not JSON, is bad input (exit 2), said
// with the file and, for JSON, the line and column. V8's own message is left out: it quotes the text around the error,
// and a record file's text is personal data.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { readJsonFile } from "../../../lib/catalogue/readJsonFile.ts";
import { firstRefusedMember } from "../../../lib/encoding/duplicateMembers.ts";
import { echoablePath } from "../../../services/gateway/src/errors/echo.ts";
import { AuditInputError } from "./command.ts";

/** A path as the auditor typed it: `npm run` moves to the project's root, and says in INIT_CWD where it was typed. */
export function inputPath(file: string): string {
  return path.resolve(process.env.INIT_CWD ?? process.cwd(), file);
}

export async function readInputJson(file: string): Promise<unknown> {
  const read = await readJsonFile(inputPath(file), file);
  if (read.ok) {
    refuseAmbiguousMembers(file, await readFile(inputPath(file), "utf8"));
    return read.value;
  }
  const { line, column, message } = read.problem;
  if (line === undefined)
    throw new AuditInputError(`${file}: ${message.replace(/^cannot read file: /, "cannot read: ")}`);
  // The reader's own message quotes the text, except the one for bytes that are not UTF-8, which quotes nothing.
  const why = message.endsWith("not UTF-8 text") ? " (its bytes are not UTF-8 text)" : "";
  throw new AuditInputError(`${file}: line ${line}, column ${column ?? 1}: not valid JSON${why}`);
}

/** As a gateway refuses such a body: what a file's JSON means must not depend on the reader. */
export function refuseAmbiguousMembers(file: string, text: string): void {
  const refused = firstRefusedMember(text);
  if (!refused) return;
  const { path, cut } = echoablePath(refused.path);
  const where = cut
    ? `a member within ${path.join(".") || "the file"}, whose name is not printed,`
    : `the member at ${path.join(".")}`;
  const why =
    refused.why === "a number not held exactly"
      ? "a number a JSON reader cannot hold as written (an integer beyond 2^53 − 1, more digits than a double keeps, or a magnitude beyond its range)"
      : refused.why;
  throw new AuditInputError(`${file}: ${where} is ${why}`);
}

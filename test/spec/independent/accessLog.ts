// SPEC.md §7.1 and §7.2 written again from the document: the entry hash and the chain of entries.
import { canonicalJson, contentHash } from "./hashes.ts";

type Entry = Record<string, unknown>;

const withoutEntryHash = ({ entryHash: _, ...content }: Entry) => content;

/** §7.1. */
export const accessLogEntry = (entry: Entry) => ({
  canonical: canonicalJson(withoutEntryHash(entry)),
  entryHash: contentHash(withoutEntryHash(entry)),
});

const ZERO = `0x${"00".repeat(32)}`;

/** §7.2: the log that `accesses` (each what §7.1 logs, with its time) make on an empty log. */
export function accessLogChain(accesses: readonly Entry[]): Entry[] {
  const entries: Entry[] = [];
  for (const [i, access] of accesses.entries()) {
    const content = { ...access, seq: i + 1, prevHash: entries.at(-1)?.entryHash ?? ZERO };
    entries.push({ ...content, entryHash: contentHash(content) });
  }
  return entries;
}

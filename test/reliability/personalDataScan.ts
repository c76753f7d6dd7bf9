// Looking for personal data where none may be (issue 13, item 7): in a chain's every transaction and event, and in the
// bytes of files (LevelDB's tables and logs, the gateways' log files). What is looked for: any 18-digit resident ID
// number whose check digit is valid (as text in any of the bytes), and the names and other strings a test seeded.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import type { Provider } from "ethers";
import { residentIdCheckChar } from "../../lib/identifiers/residentId.ts";

export interface Finding {
  where: string;
  what: string;
}

/** 17 digits and a check character, not within a longer run of digits. */
const ID_SHAPE = /(?<![0-9])[1-8][0-9]{16}[0-9X](?![0-9])/g;

/** The check-digit-valid resident ID numbers in `bytes` read as Latin-1 (each byte one character: ASCII survives). */
export function residentIdsIn(bytes: Uint8Array): string[] {
  const text = Buffer.from(bytes).toString("latin1");
  return [...text.matchAll(ID_SHAPE)].map((m) => m[0]).filter((id) => residentIdCheckChar(id.slice(0, 17)) === id[17]);
}

/** Each resident ID number and each of `seeded` (UTF-8) found in `bytes`. */
export function personalDataIn(bytes: Uint8Array, seeded: readonly string[], where: string): Finding[] {
  const buffer = Buffer.from(bytes);
  const found: Finding[] = residentIdsIn(buffer).map((id) => ({ where, what: `resident ID ${id.slice(0, 6)}…` }));
  for (const text of seeded) if (buffer.includes(Buffer.from(text, "utf8"))) found.push({ where, what: text });
  return found;
}

/** Every file under `dir`, as bytes. */
export function* filesUnder(dir: string): Generator<{ path: string; bytes: Buffer }> {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const stat = statSync(path, { throwIfNoEntry: false });
    if (stat?.isDirectory()) yield* filesUnder(path);
    else if (stat?.isFile()) yield { path, bytes: readFileSync(path) };
  }
}

export interface ChainContent {
  blocks: number;
  transactions: number;
  events: number;
  /** Every 32-byte word of every transaction's calldata (after the selector) and every event's topics and data. */
  words: Set<string>;
  findings: Finding[];
}

const wordsOf = (hex: string): string[] => {
  const body = hex.replace(/^0x/, "");
  const words: string[] = [];
  for (let at = 0; at + 64 <= body.length; at += 64) words.push(`0x${body.slice(at, at + 64)}`);
  return words;
};

/** Reads the whole chain through JSON-RPC: each block's transactions and their receipts' events. */
export async function scanChain(provider: Provider, seeded: readonly string[]): Promise<ChainContent> {
  const head = await provider.getBlockNumber();
  const words = new Set<string>();
  const findings: Finding[] = [];
  let transactions = 0;
  let events = 0;
  for (let n = 0; n <= head; n++) {
    const block = await provider.getBlock(n, true);
    for (const tx of block?.prefetchedTransactions ?? []) {
      transactions++;
      for (const word of wordsOf(tx.data.slice(10))) words.add(word);
      findings.push(...personalDataIn(Buffer.from(tx.data.slice(2), "hex"), seeded, `calldata of ${tx.hash}`));
      const receipt = await provider.getTransactionReceipt(tx.hash);
      for (const log of receipt?.logs ?? []) {
        events++;
        for (const topic of log.topics) words.add(topic.toLowerCase());
        for (const word of wordsOf(log.data)) words.add(word);
        findings.push(...personalDataIn(Buffer.from(log.data.slice(2), "hex"), seeded, `event in ${tx.hash}`));
      }
    }
  }
  return { blocks: head + 1, transactions, events, words, findings };
}

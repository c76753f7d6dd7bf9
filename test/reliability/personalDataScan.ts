// Looking for personal data where none may be (issue 13, item 7): in a chain's every transaction and event, and in the
// bytes of files (LevelDB's tables and logs, the gateways' log files). What is looked for: any 18-digit resident ID
// number whose check digit is valid (as text in any of the bytes), and the names and other strings a test seeded.
import { existsSync, lstatSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { ClassicLevel } from "classic-level";
import type { Provider } from "ethers";
import { residentIdCheckChar } from "../../lib/identifiers/residentId.ts";
import { CHECKOUT_COPY_MARKER, CHECKOUT_DATA } from "../scripts/checkoutCopy.ts";

/** The names given to the residents of test/reliability/personalData.test.ts, and their addresses. */
const GIVEN = "明华建国秀英桂兰志强淑珍";
export const SCAN_TEST_NAMES = Array.from({ length: 25 }, (_, k) => `邬${GIVEN[k % 12]}${GIVEN[Math.floor(k / 12)]}`);
export const SCAN_TEST_ADDRESSES = Array.from({ length: 25 }, (_, k) => `北京市西城区测试胡同${k + 100}号`);

/**
 * Every name and address the tests put in a record (all synthetic): what the scan after the whole suite looks for,
 * with any valid resident ID number. A business's name and domicile are public, but are looked for too.
 */
export const SUITE_PERSONAL_DATA: readonly string[] = [
  "张三",
  "李四",
  "王五",
  "赵六",
  "小张",
  "北京市怀柔区某街道1号",
  "北京市怀柔区雁栖镇某村8号",
  "北京市怀柔区某路2号",
  "北京市怀柔区青春路12号底商",
  "北京市朝阳区另一条街",
  "北京市怀柔区另一条街",
  ...SCAN_TEST_NAMES,
  ...SCAN_TEST_ADDRESSES,
];

export interface Finding {
  where: string;
  what: string;
}

/** 17 digits and a check character, not within a longer run of digits. */
const ID_SHAPE = /(?<![0-9])[1-8][0-9]{16}[0-9X](?![0-9])/g;

const HEX_CHAR = /[0-9a-fA-F]/;
/** A hash, an address or calldata written out: its digits are not text, and hexDecoded reads what it encodes. */
const HEX_RUN = 40;

/** The length of the run of hexadecimal characters around text[start, end). */
function hexRunAround(text: string, start: number, end: number): number {
  let from = start;
  let to = end;
  while (from > 0 && HEX_CHAR.test(text[from - 1] as string)) from--;
  while (to < text.length && HEX_CHAR.test(text[to] as string)) to++;
  return to - from;
}

/**
 * The check-digit-valid resident ID numbers in `bytes` read as Latin-1 (each byte one character: ASCII survives): 18
 * characters not within a longer run of digits, nor within a hexadecimal string of 40 characters or more.
 */
export function residentIdsIn(bytes: Uint8Array): string[] {
  const text = Buffer.from(bytes).toString("latin1");
  return [...text.matchAll(ID_SHAPE)]
    .filter((m) => hexRunAround(text, m.index, m.index + m[0].length) < HEX_RUN)
    .map((m) => m[0])
    .filter((id) => residentIdCheckChar(id.slice(0, 17)) === id[17]);
}

/** Each resident ID number and each of `seeded` (UTF-8) found in `bytes`. */
export function personalDataIn(bytes: Uint8Array, seeded: readonly string[], where: string): Finding[] {
  const buffer = Buffer.from(bytes);
  const found: Finding[] = residentIdsIn(buffer).map((id) => ({ where, what: `resident ID ${id.slice(0, 6)}…` }));
  for (const text of seeded) if (buffer.includes(Buffer.from(text, "utf8"))) found.push({ where, what: text });
  return found;
}

/** The bytes of every hexadecimal string of 8 bytes or more in `text` (0x-prefixed, as JSON-RPC and anvil write them). */
export function hexDecoded(text: string): Buffer {
  const parts = [...text.matchAll(/0x((?:[0-9a-fA-F]{2}){8,})/g)].map((m) => Buffer.from(m[1] as string, "hex"));
  // A zero byte between strings, so that no match spans two of them.
  return Buffer.concat(parts.flatMap((part) => [part, Buffer.alloc(1)]));
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

export interface LeftBehind {
  files: number;
  bytes: number;
  /** Of which the bytes decoded from hexadecimal strings (transactions, events and state in chain files). */
  hexBytes: number;
  levelDbs: number;
  /** Keys and values read through LevelDB itself: its table files are compressed. */
  levelDbEntries: number;
  /** Anvil state files and in-process chains written out (test/support/leftBehind.ts). */
  chainFiles: number;
  logFiles: number;
  logLines: number;
  /** LevelDB directories that could not be opened, each named: not read is not clean. */
  unreadable: string[];
  findings: Finding[];
}

/** Marks a directory that holds a build of the sources (the web page's), which the scan does not read. */
export const BUILD_MARKER = ".oncechain-build";
/** Compilers' caches of the sources (tsx's, Node's), in the run's temporary directory: code, not data. */
const COMPILE_CACHES = [/^tsx-\d+$/, /^node-compile-cache$/];

const isLevelDb = (dir: string) =>
  existsSync(join(dir, "CURRENT")) && readdirSync(dir).some((n) => n.startsWith("MANIFEST-"));

/**
 * Reads everything a scanned run left under `root` for personal data: every file's bytes, every hexadecimal string in
 * it decoded, and every LevelDB's keys and values. Code is not read, as the checkout's own sources are not: a copy of
 * the checkout is read only where it keeps data (its sources are tests, which hold the data they send), and builds and
 * compilers' caches of the sources not at all. Symbolic links are not followed.
 */
export async function scanLeftBehind(root: string, seeded: readonly string[]): Promise<LeftBehind> {
  const result: LeftBehind = {
    files: 0,
    bytes: 0,
    hexBytes: 0,
    levelDbs: 0,
    levelDbEntries: 0,
    chainFiles: 0,
    logFiles: 0,
    logLines: 0,
    unreadable: [],
    findings: [],
  };
  const where = (path: string) => relative(root, path);
  const readFile = (path: string) => {
    const bytes = readFileSync(path);
    result.files++;
    result.bytes += bytes.length;
    result.findings.push(...personalDataIn(bytes, seeded, where(path)));
    const name = path.slice(path.lastIndexOf("/") + 1);
    const decoded = hexDecoded(bytes.toString("latin1"));
    result.hexBytes += decoded.length;
    result.findings.push(...personalDataIn(decoded, seeded, `${where(path)} (hexadecimal)`));
    if (path.includes("/chains/") || name === "state.json") result.chainFiles++;
    if (path.includes("/logs/")) {
      result.logFiles++;
      result.logLines += bytes.toString("utf8").split("\n").filter(Boolean).length;
    }
  };
  const readLevelDb = async (dir: string) => {
    result.levelDbs++;
    const db = new ClassicLevel<Buffer, Buffer>(dir, { keyEncoding: "buffer", valueEncoding: "buffer" });
    try {
      await db.open({ createIfMissing: false });
      for await (const [key, value] of db.iterator()) {
        result.levelDbEntries++;
        result.findings.push(
          ...personalDataIn(Buffer.concat([key, Buffer.alloc(1), value]), seeded, `${where(dir)} (entry)`),
        );
      }
    } catch (error) {
      result.unreadable.push(`${where(dir)}: ${(error as Error).message}`);
    } finally {
      await db.close().catch(() => {});
    }
  };
  const walk = async (dir: string) => {
    if (isLevelDb(dir)) await readLevelDb(dir);
    let names = readdirSync(dir);
    if (names.includes(BUILD_MARKER)) return;
    if (names.includes(CHECKOUT_COPY_MARKER)) names = names.filter((name) => CHECKOUT_DATA.includes(name));
    if (dir === join(root, "tmp")) names = names.filter((name) => !COMPILE_CACHES.some((cache) => cache.test(name)));
    for (const name of names) {
      const path = join(dir, name);
      const stat = lstatSync(path, { throwIfNoEntry: false });
      if (stat?.isDirectory()) await walk(path);
      else if (stat?.isFile()) readFile(path);
    }
  };
  await walk(root);
  return result;
}

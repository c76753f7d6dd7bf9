// A scanned run (issue 13, item 7): the whole test suite, and the soak, leave every data directory, chain and log line
// they made under one directory, which is read for personal data once they have ended (test/support/scanAfterSuite.ts,
// test/reliability/soak.ts). ONCECHAIN_SCAN_DIR names it; TMPDIR points inside it, so that what child processes (anvil,
// gateways, scripts) write to a temporary directory lands there too. Outside a scanned run each of these does what a
// test would do without it: remove, stay silent, keep nothing.
import { createWriteStream, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import pino, { type Logger } from "pino";

export const SCAN_DIR_VARIABLE = "ONCECHAIN_SCAN_DIR";

export function scanDir(): string | undefined {
  return process.env[SCAN_DIR_VARIABLE] || undefined;
}

/**
 * Makes this process (and, through the environment, the workers and processes it starts) a scanned run, whose
 * directory is `$TMPDIR/<prefix>XXXXXX`; returns that directory.
 */
export function beginScannedRun(prefix: string): string {
  const root = mkdtempSync(`${tmpdir()}/${prefix}`);
  mkdirSync(`${root}/tmp`);
  process.env[SCAN_DIR_VARIABLE] = root;
  process.env.TMPDIR = `${root}/tmp`;
  return root;
}

/** Removes a directory a test made, or, in a scanned run, leaves it for the scan (which removes everything after it). */
export function removeTestDir(path: string): void {
  if (!scanDir()) rmSync(path, { recursive: true, force: true });
}

/**
 * Removes files made to hand a record to its holder or to an auditor (a record file, the demo's disclosure): a record
 * in the clear, personal data by design, which no gateway keeps. Removed in a scanned run too: the scan reads what the
 * system keeps, and these are what it hands out.
 */
export function removeHandedOut(path: string): void {
  rmSync(path, { recursive: true, force: true });
}

let files = 0;

/** A new file's path under the scan directory's `kind` folder, named after `label`; undefined outside a scanned run. */
export function leftBehindFile(kind: "logs" | "chains", label: string): string | undefined {
  const root = scanDir();
  if (!root) return undefined;
  mkdirSync(`${root}/${kind}`, { recursive: true });
  files += 1;
  const name = label.replace(/[^\w.-]+/g, "_");
  const dot = name.indexOf(".");
  const [base, extension] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ""];
  return `${root}/${kind}/${base}-${process.pid}-${files}${extension}`;
}

/** What a gateway under test logs to: nothing, or in a scanned run every line from debug up, to a file the scan reads. */
export function testLogger(label = "gateway"): Logger {
  const file = leftBehindFile("logs", `${label}.ndjson`);
  if (!file) return pino({ level: "silent" });
  return pino({ level: "debug" }, createWriteStream(file, { flags: "a" }));
}

/** In a scanned run, a copy of what a child process printed goes to a log file of its own (open for appending). */
export function logCopy(label: string): ((chunk: Buffer) => void) | undefined {
  const file = leftBehindFile("logs", `${label}.log`);
  if (!file) return undefined;
  const stream = createWriteStream(file, { flags: "a" });
  return (chunk) => stream.write(chunk);
}

/** An EIP-1193 provider, as Hardhat's in-process network gives one. */
export interface RequestProvider {
  request(args: { method: string; params?: unknown[] }): Promise<unknown>;
}

const chains: { label: string; provider: RequestProvider }[] = [];

/**
 * In a scanned run, every block (with its transactions' calldata) and every event of an in-process chain are written
 * out when the test file ends (writeChains, from test/support/writeChainsAfterFile.ts): such a chain ends with its
 * worker. A chain run as its own process (anvil) keeps them in its state file, which the scan reads.
 */
export function scanChainLater(provider: RequestProvider, label: string): void {
  if (scanDir()) chains.push({ provider, label });
}

/** Closes an in-process chain a test file made, writing it out first in a scanned run (it is not there to write later). */
export async function closeChain(connection: { provider: RequestProvider; close(): Promise<void> }): Promise<void> {
  const at = chains.findIndex((chain) => chain.provider === connection.provider);
  const [kept] = at < 0 ? [] : chains.splice(at, 1);
  if (kept) await writeChain(kept);
  await connection.close();
}

async function writeChain({ provider, label }: { provider: RequestProvider; label: string }): Promise<void> {
  const file = leftBehindFile("chains", `${label}.json`);
  if (!file) return;
  const head = Number(await provider.request({ method: "eth_blockNumber" }));
  const blocks: unknown[] = [];
  for (let n = 0; n <= head; n++) {
    blocks.push(await provider.request({ method: "eth_getBlockByNumber", params: [`0x${n.toString(16)}`, true] }));
  }
  const logs = await provider.request({ method: "eth_getLogs", params: [{ fromBlock: "0x0", toBlock: "latest" }] });
  writeFileSync(file, JSON.stringify({ blocks, logs }));
}

export async function writeChains(): Promise<void> {
  for (const chain of chains.splice(0)) await writeChain(chain);
}

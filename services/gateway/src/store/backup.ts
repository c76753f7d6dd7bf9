// A department's backup, taken while its gateway runs, and its restore onto a fresh data directory (issue 13, item 11).
//
// The backup is one file: a manifest line, then every entry of the department's LevelDB as it stood at one moment (an
// explicit snapshot), then a trailer with the count and the SHA-256 of every line before it. Values are as stored:
// records and remembered answers stay sealed under the department's data key, so the file holds no ID number or name
// in clear, and a restore needs that key as the gateway does. The API key file (hashes only) goes in the manifest.
//
// What the chain alone cannot tell a restore is which records a batch anchored after the backup held: the chain keeps
// only its root. So the backup is taken between two passes of the anchor worker, and the worker then never forms a
// batch that holds records on both sides of the backup's last queued record (its cut). A restored gateway walks the
// chain's anchorings of its department since the backup, in order, against the head of its queue (anchorWorker's
// reconcile): what the backup's gateway anchored since is marked anchored, not sent again.
import { createHash } from "node:crypto";
import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  writeSync,
} from "node:fs";
import { dirname } from "node:path";
import { ClassicLevel } from "classic-level";
import { z } from "zod";
import type { DepartmentRuntime } from "../department.ts";
import { DURABLE } from "./departmentStore.ts";

export const BACKUP_FORMAT = "oncechain-backup/1";

export interface BackupManifest {
  format: typeof BACKUP_FORMAT;
  department: string;
  departmentId: number;
  chainId: string;
  /** The registry directory of the deployment the department's data is about. */
  directory: string;
  /** The chain's head when the snapshot was taken: whatever was anchored since is in a later block. */
  fromBlock: number;
  /** The last seq of the outbox in the backup (0: none was queued). */
  cutSeq: number;
  createdAt: string;
  /** The department's API key file (key hashes, roles, labels). */
  apiKeys: unknown;
}

/** What POST /backup answers: the file written, and what it holds. */
export const backupSummary = z.object({
  /** The file's name, under the department's backups/ directory. */
  file: z.string(),
  entries: z.number(),
  bytes: z.number(),
  sha256: z.string(),
  fromBlock: z.number(),
  cutSeq: z.number(),
  queued: z.number(),
  createdAt: z.string(),
});
export type BackupSummary = z.infer<typeof backupSummary>;

export const backupsDir = (department: Pick<DepartmentRuntime, "dir">) => `${department.dir}/backups`;

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString("base64");

/** Writes a backup of `department` into its backups/ directory, while it runs; resolves once the file is synced. */
export async function writeBackup(
  department: DepartmentRuntime,
  chain: { chainId: bigint; directory: string; blockNumber(): Promise<number> },
  now: () => number,
): Promise<BackupSummary> {
  const { store } = department;
  const taken = await department.worker.cutAt(async () => {
    const snapshot = store.db.snapshot();
    const fromBlock = await chain.blockNumber();
    let cutSeq = 0;
    let queued = 0;
    for await (const entry of store.outbox.values({ snapshot } as never)) {
      cutSeq = entry.seq;
      queued++;
    }
    return { cutSeq, result: { snapshot, fromBlock, cutSeq, queued } };
  });
  const createdAt = new Date(now()).toISOString();
  const name = `backup-${createdAt.replace(/[:.]/g, "-")}.ndjson`;
  const dir = backupsDir(department);
  mkdirSync(dir, { recursive: true });
  const partial = `${dir}/.${name}.partial`;
  const fd = openSync(partial, "w");
  const hash = createHash("sha256");
  let bytes = 0;
  const line = (value: unknown) => {
    const text = `${JSON.stringify(value)}\n`;
    hash.update(text);
    bytes += writeSync(fd, text);
  };
  let entries = 0;
  try {
    line({
      format: BACKUP_FORMAT,
      department: department.code,
      departmentId: department.id,
      chainId: String(chain.chainId),
      directory: chain.directory,
      fromBlock: taken.fromBlock,
      cutSeq: taken.cutSeq,
      createdAt,
      apiKeys: department.apiKeys.list(),
    } satisfies BackupManifest);
    for await (const [key, value] of store.db.iterator({
      snapshot: taken.snapshot,
      keyEncoding: "buffer",
      valueEncoding: "buffer",
    } as never) as AsyncIterable<[Uint8Array, Uint8Array]>) {
      line([b64(key), b64(value)]);
      entries++;
    }
    const sha256 = hash.digest("hex");
    const trailer = `${JSON.stringify({ end: true, entries, sha256 })}\n`;
    bytes += writeSync(fd, trailer);
    fsyncSync(fd);
    closeSync(fd);
    renameSync(partial, `${dir}/${name}`);
    return {
      file: name,
      entries,
      bytes,
      sha256,
      fromBlock: taken.fromBlock,
      cutSeq: taken.cutSeq,
      queued: taken.queued,
      createdAt,
    };
  } finally {
    await taken.snapshot.close();
  }
}

/** A backup file read and checked: its manifest and entries, or an error naming the file and the line. */
export function readBackup(file: string): { manifest: BackupManifest; entries: [Buffer, Buffer][] } {
  const lines = readFileSync(file, "utf8").split("\n");
  if (lines.at(-1) === "") lines.pop();
  const fail = (line: number, why: string): never => {
    throw new Error(`${file}, line ${line}: ${why}`);
  };
  const parse = (i: number) => {
    try {
      return JSON.parse(lines[i] as string);
    } catch {
      return fail(i + 1, "not JSON");
    }
  };
  if (lines.length < 2) fail(lines.length, "too short to be a backup (a manifest, entries and a trailer)");
  const manifest = parse(0) as BackupManifest;
  if (manifest?.format !== BACKUP_FORMAT) fail(1, `not a backup of format ${BACKUP_FORMAT}`);
  const trailer = parse(lines.length - 1) as { end?: boolean; entries?: number; sha256?: string };
  if (trailer?.end !== true) fail(lines.length, "no trailer: the file is cut short");
  const hash = createHash("sha256");
  for (const text of lines.slice(0, -1)) hash.update(`${text}\n`);
  if (hash.digest("hex") !== trailer.sha256)
    fail(lines.length, "the trailer's SHA-256 does not match the lines before it");
  const entries: [Buffer, Buffer][] = [];
  for (let i = 1; i < lines.length - 1; i++) {
    const pair = parse(i);
    if (!Array.isArray(pair) || pair.length !== 2 || pair.some((p) => typeof p !== "string")) {
      fail(i + 1, "not an entry ([key, value] in base64)");
    }
    entries.push([Buffer.from(pair[0], "base64"), Buffer.from(pair[1], "base64")]);
  }
  if (entries.length !== trailer.entries)
    fail(lines.length, `the trailer counts ${trailer.entries} entries, not ${entries.length}`);
  return { manifest, entries };
}

/**
 * Restores `file` as the department's data in `departmentDir` (`<data>/gateway/<code>`), which must hold no database:
 * a restore never writes over data. Marks the store restored, with the block the backup was taken at, so that its
 * gateway finds on chain what the backup's gateway anchored since instead of sending it again.
 */
export async function restoreBackup(
  file: string,
  departmentDir: string,
  check: (manifest: BackupManifest) => void = () => {},
): Promise<BackupManifest & { entries: number }> {
  const { manifest, entries } = readBackup(file);
  check(manifest);
  const dbDir = `${departmentDir}/db`;
  if (existsSync(dbDir) && readdirSync(dbDir).length > 0) {
    throw new Error(
      `${dbDir} already holds a database: a restore goes onto a fresh data directory, and never over one`,
    );
  }
  mkdirSync(dirname(dbDir), { recursive: true });
  const db = new ClassicLevel<Buffer, Buffer>(dbDir, { keyEncoding: "buffer", valueEncoding: "buffer" });
  await db.open();
  try {
    for (let i = 0; i < entries.length; i += 1000) {
      await db.batch(entries.slice(i, i + 1000).map(([key, value]) => ({ type: "put" as const, key, value })));
    }
    const restored = db.sublevel<string, { fromBlock: number }>("anchor-restored", { valueEncoding: "json" });
    await restored.put("current", { fromBlock: manifest.fromBlock }, DURABLE);
  } finally {
    await db.close();
  }
  const keys = `${departmentDir}/api-keys.json`;
  if (!existsSync(keys)) {
    const fd = openSync(keys, "wx", 0o600);
    writeSync(fd, `${JSON.stringify(manifest.apiKeys, null, 2)}\n`);
    fsyncSync(fd);
    closeSync(fd);
  }
  return { ...manifest, entries: entries.length };
}

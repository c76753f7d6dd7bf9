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
import { createHash, randomBytes } from "node:crypto";
import {
  closeSync,
  createReadStream,
  existsSync,
  fsyncSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  renameSync,
  rmSync,
  writeSync,
} from "node:fs";
import { createInterface } from "node:readline";
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
    // No pass runs meanwhile: whatever was anchored before is in this block or earlier, and nothing is anchored until
    // the snapshot and the cut are taken.
    const fromBlock = await chain.blockNumber();
    const snapshot = store.db.snapshot();
    let cutSeq = 0;
    let queued = 0;
    try {
      for await (const entry of store.outbox.values({ snapshot } as never)) {
        cutSeq = entry.seq;
        queued++;
      }
    } catch (error) {
      await snapshot.close();
      throw error;
    }
    return { cutSeq, result: { snapshot, fromBlock, cutSeq, queued } };
  });
  const createdAt = new Date(now()).toISOString();
  const name = `backup-${createdAt.replace(/[:.]/g, "-")}-${randomBytes(3).toString("hex")}.ndjson`;
  const dir = backupsDir(department);
  const partial = `${dir}/.${name}.partial`;
  let fd: number | undefined;
  try {
    mkdirSync(dir, { recursive: true });
    fd = openSync(partial, "wx", 0o600);
    const hash = createHash("sha256");
    let bytes = 0;
    const line = (value: unknown) => {
      const text = `${JSON.stringify(value)}\n`;
      hash.update(text);
      bytes += writeSync(fd as number, text);
    };
    let entries = 0;
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
    bytes += writeSync(fd, `${JSON.stringify({ end: true, entries, sha256 })}\n`);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
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
  } catch (error) {
    if (fd !== undefined) closeSync(fd);
    rmSync(partial, { force: true });
    throw error;
  } finally {
    await taken.snapshot.close();
  }
}

const manifestSchema = z.object({
  format: z.literal(BACKUP_FORMAT),
  department: z.string().regex(/^[a-z0-9-]+$/),
  departmentId: z.number().int().positive(),
  chainId: z.string().regex(/^\d+$/),
  directory: z.string().regex(/^0x[0-9a-fA-F]{40}$/),
  fromBlock: z.number().int().nonnegative(),
  cutSeq: z.number().int().nonnegative(),
  createdAt: z.string(),
  apiKeys: z.array(z.object({ id: z.string(), role: z.string() }).loose()),
});
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * Reads a backup file line by line (a large department's file is not one string), checking each line's form and,
 * at the end, the count and the SHA-256: the manifest, then each entry to `onEntry`, or an error naming the file and
 * the line. Entries arrive before the file is known whole: a restore writes them where nothing reads them yet.
 */
export async function readBackup(
  file: string,
  onEntry: (key: Buffer, value: Buffer) => Promise<void> | void = () => {},
  onManifest: (manifest: BackupManifest) => Promise<void> | void = () => {},
): Promise<{ manifest: BackupManifest; entries: number }> {
  const fail = (line: number, why: string): never => {
    throw new Error(`${file}, line ${line}: ${why}`);
  };
  const hash = createHash("sha256");
  let manifest: BackupManifest | undefined;
  let previous: string | undefined;
  let n = 0;
  let entries = 0;
  const take = async (text: string, line: number) => {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return fail(line, "not JSON");
    }
    if (!manifest) {
      const parsed = manifestSchema.safeParse(value);
      if (!parsed.success) {
        return fail(
          line,
          `not a backup manifest of format ${BACKUP_FORMAT} (${parsed.error.issues[0]?.path.join(".") || "its form"})`,
        );
      }
      manifest = parsed.data as BackupManifest;
      await onManifest(manifest);
      return;
    }
    if (!Array.isArray(value) || value.length !== 2 || value.some((p) => typeof p !== "string" || !BASE64.test(p))) {
      return fail(line, "not an entry ([key, value], each in base64)");
    }
    const key = Buffer.from(value[0], "base64");
    if (key.length === 0) return fail(line, "an entry with an empty key");
    entries++;
    await onEntry(key, Buffer.from(value[1], "base64"));
  };
  const lines = createInterface({ input: createReadStream(file, "utf8"), crlfDelay: Number.POSITIVE_INFINITY });
  for await (const text of lines) {
    n++;
    // Each line is taken once the next one is read: the last is the trailer, hashed apart.
    if (previous !== undefined) {
      hash.update(`${previous}\n`);
      await take(previous, n - 1);
    }
    previous = text;
  }
  if (previous === undefined || n < 2)
    fail(Math.max(n, 1), "too short to be a backup (a manifest, entries and a trailer)");
  let trailer: { end?: unknown; entries?: unknown; sha256?: unknown } | undefined;
  try {
    trailer = JSON.parse(previous as string);
  } catch {
    trailer = undefined;
  }
  if (trailer?.end !== true) fail(n, "no trailer: the file is cut short");
  if (hash.digest("hex") !== trailer?.sha256) fail(n, "the trailer's SHA-256 does not match the lines before it");
  if (trailer?.entries !== entries) fail(n, `the trailer counts ${String(trailer?.entries)} entries, not ${entries}`);
  return { manifest: manifest as BackupManifest, entries };
}

/**
 * Restores `file` as the department's data in `departmentDir` (`<data>/gateway/<code>`), which must hold no database:
 * a restore never writes over data. The database is built beside it, marked restored first (with the block the backup
 * was taken at, so that its gateway finds on chain what the backup's gateway anchored since instead of sending it
 * again), and put in place only once the whole file has been read and checked.
 */
export async function restoreBackup(
  file: string,
  departmentDir: string,
  check: (manifest: BackupManifest) => void = () => {},
): Promise<BackupManifest & { entries: number; apiKeys: "restored" | "kept" }> {
  const dbDir = `${departmentDir}/db`;
  if (existsSync(dbDir) && readdirSync(dbDir).length > 0) {
    throw new Error(
      `${dbDir} already holds a database: a restore goes onto a fresh data directory, and never over one`,
    );
  }
  mkdirSync(departmentDir, { recursive: true });
  const building = mkdtempSync(`${departmentDir}/.db-restoring-`);
  try {
    const db = new ClassicLevel<Buffer, Buffer>(building, { keyEncoding: "buffer", valueEncoding: "buffer" });
    await db.open();
    let read: { manifest: BackupManifest; entries: number };
    try {
      let batch: { type: "put"; key: Buffer; value: Buffer }[] = [];
      read = await readBackup(
        file,
        async (key, value) => {
          batch.push({ type: "put", key, value });
          if (batch.length >= 1000) {
            await db.batch(batch);
            batch = [];
          }
        },
        // The manifest is checked, and the store marked restored, before any entry is written.
        async (manifest) => {
          check(manifest);
          const restored = db.sublevel<string, { fromBlock: number }>("anchor-restored", { valueEncoding: "json" });
          await restored.put("current", { fromBlock: manifest.fromBlock }, DURABLE);
        },
      );
      if (batch.length > 0) await db.batch(batch, DURABLE);
    } finally {
      await db.close();
    }
    rmSync(dbDir, { recursive: true, force: true });
    renameSync(building, dbDir);
    const keys = `${departmentDir}/api-keys.json`;
    let apiKeys: "restored" | "kept" = "kept";
    if (!existsSync(keys)) {
      const fd = openSync(keys, "wx", 0o600);
      writeSync(fd, `${JSON.stringify(read.manifest.apiKeys, null, 2)}\n`);
      fsyncSync(fd);
      closeSync(fd);
      apiKeys = "restored";
    }
    return { ...read.manifest, entries: read.entries, apiKeys };
  } catch (error) {
    rmSync(building, { recursive: true, force: true });
    throw error;
  }
}

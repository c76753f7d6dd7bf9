// A department's LevelDB that survives its disk filling up. When a write fails for the disk (LEVEL_IO_ERROR: no space
// left, or the device refused), LevelDB may have left part of that write in its log; a later write that succeeds is
// appended after it, and the next open drops both, though the later one was acknowledged. Measured here on a 2 MiB
// tmpfs: three synced writes after space returned were gone after a reopen. So after such a failure no write is let
// through until the database has been closed and opened again (LevelDB then recovers its log, dropping the partial
// write, and starts a new one); until the disk has room for that, every write is refused with 503 STORAGE_UNAVAILABLE, and
// reads go on. The guard looks at the free space itself, and reopens once there is room: nothing is needed from an
// operator but the space.
import { readdir, stat, statfs } from "node:fs/promises";
import { join } from "node:path";
import { AbstractLevel } from "abstract-level";
import { Level } from "level";
import { GatewayError } from "../errors/GatewayError.ts";

/** How often a full store looks whether its disk has room again. */
export const FULL_DISK_RECHECK_MS = 250;
/** Room needed, beyond twice the log LevelDB must recover into a table, before the store is reopened. */
const HEADROOM_BYTES = 1024 * 1024;

const isStorageError = (error: unknown) => (error as { code?: string } | undefined)?.code === "LEVEL_IO_ERROR";
/** What the operating system said (the last part of LevelDB's message: its file path is left out). */
const causeOf = (error: unknown) =>
  String((error as Error)?.message ?? "")
    .split(": ")
    .at(-1) || "an I/O error";

export function storageUnavailable(cause: string): GatewayError {
  return new GatewayError("STORAGE_UNAVAILABLE", {
    detail: `the department's database cannot be written now (${cause}); the request was not carried out: send it again once the gateway's disk has room (with its Idempotency-Key, where it has one)`,
    headers: { "retry-after": "5" },
  });
}

export interface StorageState {
  /** Undefined while writes go through; else what the disk said when the store stopped taking writes. */
  refusing: string | undefined;
  /** Times the store stopped taking writes, and times it reopened and took them again. */
  stopped: number;
  reopened: number;
}

// biome-ignore lint/suspicious/noExplicitAny: abstract-level's private methods are not in its type declarations.
type Args = any[];
type Private = Record<"_put" | "_del" | "_batch" | "_clear" | "_chainedBatch", (...args: Args) => Promise<void>>;
const BASE = Level.prototype as unknown as Private;
/** abstract-level's own chained batch, which writes through _batch (classic-level's native one would not). */
const THROUGH_BATCH = AbstractLevel.prototype as unknown as Private;

export class GuardedLevel extends Level<string, string> {
  readonly #location: string;
  #refusing: string | undefined;
  #timer: NodeJS.Timeout | undefined;
  /** The guard's own close and open of the store, while it runs: the owner's close waits for it. */
  #reopening: Promise<void> | undefined;
  #stopped = 0;
  #reopened = 0;
  /** Set by the owner's close(): from then on the guard opens nothing. */
  #closedByOwner = false;
  /** Sublevels stay closed when their database is opened again: the guard opens them after it. */
  readonly #sublevels = new Set<{ open(): Promise<void> }>();

  constructor(location: string, options: ConstructorParameters<typeof Level<string, string>>[1]) {
    super(location, options);
    this.#location = location;
  }

  storageState(): StorageState {
    return { refusing: this.#refusing, stopped: this.#stopped, reopened: this.#reopened };
  }

  /** A sublevel to open again after the guard reopens the store (sublevels stay closed when their parent opens). */
  track<S extends { open(): Promise<void> }>(sublevel: S): S {
    this.#sublevels.add(sublevel);
    return sublevel;
  }

  // abstract-level's private write methods: every write (a sublevel's too) reaches the store through one of them.
  async _put(...args: Args) {
    return this.#write(() => BASE._put.apply(this, args));
  }

  async _del(...args: Args) {
    return this.#write(() => BASE._del.apply(this, args));
  }

  async _batch(...args: Args) {
    return this.#write(() => BASE._batch.apply(this, args));
  }

  async _clear(...args: Args) {
    return this.#write(() => BASE._clear.apply(this, args));
  }

  _chainedBatch() {
    return THROUGH_BATCH._chainedBatch.apply(this, []);
  }

  /** The owner's close: the guard stops looking, waits for a reopen it is in the middle of, and opens nothing after. */
  override async close(): Promise<void> {
    this.#closedByOwner = true;
    if (this.#timer) clearTimeout(this.#timer);
    await this.#reopening?.catch(() => undefined);
    return super.close();
  }

  async #write<T>(write: () => Promise<T>): Promise<T> {
    if (this.#refusing) throw storageUnavailable(this.#refusing);
    try {
      return await write();
    } catch (error) {
      if (!isStorageError(error)) throw error;
      this.#refuse(causeOf(error));
      throw storageUnavailable(causeOf(error));
    }
  }

  #refuse(cause: string) {
    if (this.#refusing) return;
    this.#refusing = cause;
    this.#stopped++;
    this.#schedule();
  }

  #schedule() {
    this.#timer = setTimeout(() => void this.#tryReopen(), FULL_DISK_RECHECK_MS);
    this.#timer.unref();
  }

  /** Whether the disk has room to recover the log into a table, with headroom. */
  async #hasRoom(): Promise<boolean> {
    let logBytes = 0;
    for (const name of await readdir(this.#location)) {
      if (name.endsWith(".log")) logBytes += (await stat(join(this.#location, name))).size;
    }
    const fs = await statfs(this.#location);
    return fs.bavail * fs.bsize >= 2 * logBytes + HEADROOM_BYTES;
  }

  async #tryReopen(): Promise<void> {
    if (this.#closedByOwner) return;
    if (!(await this.#hasRoom().catch(() => false))) return this.#schedule();
    if (this.#closedByOwner) return;
    this.#reopening = this.#reopen();
    try {
      await this.#reopening;
      this.#refusing = undefined;
      this.#reopened++;
    } catch {
      // Still no room for the recovery (or it failed otherwise): the store stays refusing writes, and looks again.
      if (!this.#closedByOwner) this.#schedule();
    } finally {
      this.#reopening = undefined;
    }
  }

  /** Closes and opens the store, and its sublevels; if the open fails, the store is opened again as it can be. */
  async #reopen(): Promise<void> {
    await super.close();
    try {
      await this.open();
    } catch (error) {
      await this.open().catch(() => undefined);
      throw error;
    }
    for (const sublevel of this.#sublevels) await sublevel.open();
  }
}

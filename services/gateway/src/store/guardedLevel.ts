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
    detail: `the department's database cannot be written now (${cause}); nothing of this request was stored: send it again once the gateway's disk has room`,
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
type Private = Record<"_put" | "_del" | "_batch" | "_close", (...args: Args) => Promise<void>>;
const BASE = Level.prototype as unknown as Private;

export class GuardedLevel extends Level<string, string> {
  readonly #location: string;
  #refusing: string | undefined;
  #timer: NodeJS.Timeout | undefined;
  /** Set while the guard itself closes and opens the store, so that its close is not taken for the owner's. */
  #reopening = false;
  #stopped = 0;
  #reopened = 0;
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

  async _close() {
    this.#closedByOwner ||= !this.#reopening;
    if (this.#closedByOwner && this.#timer) clearTimeout(this.#timer);
    return BASE._close.apply(this, []);
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
    this.#reopening = true;
    try {
      if (!(await this.#hasRoom())) return this.#schedule();
      await this.close();
      await this.open();
      for (const sublevel of this.#sublevels) await sublevel.open();
      this.#refusing = undefined;
      this.#reopened++;
    } catch {
      // Still no room for the recovery (or it failed otherwise): the store stays refusing writes, and looks again.
      if (this.status !== "open") await this.open().catch(() => undefined);
      this.#schedule();
    } finally {
      this.#reopening = false;
    }
  }
}

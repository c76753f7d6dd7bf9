import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { type DepartmentStore, openDepartmentStore } from "../../services/gateway/src/store/departmentStore.ts";
import { removeTestDir } from "../support/leftBehind.ts";

const opened: { store: DepartmentStore; dir: string }[] = [];
afterEach(async () => {
  for (const { store, dir } of opened.splice(0)) {
    await store.close();
    removeTestDir(dir);
  }
});

async function freshStore(): Promise<DepartmentStore> {
  const dir = mkdtempSync(join(tmpdir(), "oncechain-store-"));
  const store = await openDepartmentStore(join(dir, "db"), new Uint8Array(32).fill(7));
  opened.push({ store, dir });
  return store;
}

describe("appending to a sequence", () => {
  it("writes appends that arrive together in shared synced batches, numbered densely in arrival order", async () => {
    const store = await freshStore();
    const notes = store.sublevel<string>("notes");
    let batches = 0;
    const batch = store.db.batch.bind(store.db);
    store.db.batch = ((...args: Parameters<typeof batch>) => {
      batches++;
      return batch(...args);
    }) as typeof store.db.batch;
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, (_, i) =>
        store.appendWithSeq("notes", (seq) => {
          if (i % 10 === 3) throw new Error(`build ${i} refuses`);
          return {
            ops: [{ type: "put", sublevel: notes, key: String(seq).padStart(4, "0"), value: `note ${i}` }],
            result: seq,
          };
        }),
      ),
    );
    const numbers = results.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
    expect(results.filter((r) => r.status === "rejected")).toHaveLength(5);
    expect(numbers).toEqual(Array.from({ length: 45 }, (_, i) => i + 1));
    expect(await store.meta.get("seq:notes")).toBe(45);
    expect(await notes.get("0045")).toBe("note 49");
    // The first append is written alone; the 49 that arrived while it was written share the next batch.
    expect(batches).toBeLessThan(5);
    // The next append goes on from there.
    expect(await store.appendWithSeq("notes", (seq) => ({ ops: [], result: seq }))).toBe(46);
  });

  it("refuses a whole group when its batch cannot be written, and numbers the next append as if it had not been", async () => {
    const store = await freshStore();
    const notes = store.sublevel<string>("notes");
    const batch = store.db.batch.bind(store.db);
    let failNext = true;
    store.db.batch = ((...args: Parameters<typeof batch>) => {
      if (failNext) {
        failNext = false;
        return Promise.reject(new Error("disk full"));
      }
      return batch(...args);
    }) as typeof store.db.batch;
    const put = (seq: number) => ({
      ops: [{ type: "put" as const, sublevel: notes, key: String(seq), value: "x" }],
      result: seq,
    });
    await expect(store.appendWithSeq("notes", put)).rejects.toThrow("disk full");
    expect(await store.appendWithSeq("notes", put)).toBe(1);
  });
});

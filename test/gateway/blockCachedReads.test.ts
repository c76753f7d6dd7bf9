// Chain reads kept per indexed block: read once while the index's head stays, read again once it moves.
import { describe, expect, it } from "vitest";
import { perIndexedBlock } from "../../services/gateway/src/chain/blockCachedReads.ts";

describe("perIndexedBlock", () => {
  it("reads each key once while the head stays, shares a read under way, and reads again once the head moves", async () => {
    let head = 10;
    const reads: string[] = [];
    const read = perIndexedBlock(
      () => head,
      async (key) => {
        reads.push(`${key}@${head}`);
        return `${key} as of ${head}`;
      },
    );
    const [a, b] = await Promise.all([read("signer-1"), read("signer-1")]);
    expect([a, b]).toEqual(["signer-1 as of 10", "signer-1 as of 10"]);
    expect(await read("signer-2")).toBe("signer-2 as of 10");
    expect(await read("signer-1")).toBe("signer-1 as of 10");
    expect(reads).toEqual(["signer-1@10", "signer-2@10"]);
    head = 11;
    expect(await read("signer-1")).toBe("signer-1 as of 11");
    expect(reads).toEqual(["signer-1@10", "signer-2@10", "signer-1@11"]);
  });

  it("forgets a read that failed, so that the next request reads again", async () => {
    let fail = true;
    let reads = 0;
    const read = perIndexedBlock(
      () => 5,
      async () => {
        reads++;
        if (fail) throw new Error("the node did not answer");
        return true;
      },
    );
    await expect(read("grant")).rejects.toThrow("the node did not answer");
    fail = false;
    expect(await read("grant")).toBe(true);
    expect(await read("grant")).toBe(true);
    expect(reads).toBe(2);
  });

  it("keeps at most 10,000 answers per block, forgetting the oldest first", async () => {
    let reads = 0;
    const read = perIndexedBlock(
      () => 1,
      async (key) => {
        reads++;
        return key;
      },
    );
    for (let i = 0; i <= 10_000; i++) await read(`signer-${i}`);
    expect(reads).toBe(10_001);
    await read("signer-10000");
    expect(reads).toBe(10_001);
    await read("signer-0");
    expect(reads).toBe(10_002);
  });
});

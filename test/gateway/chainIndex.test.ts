// The chain index reads a span of blocks in full before it changes: a read that fails part way is read again whole,
// and a record registry the directory names late brings its earlier events with it.
import { id, type Signer, Wallet } from "ethers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectRegistries, deployRegistry } from "../../lib/chain/registries.ts";
import { codeKey } from "../../lib/encoding/codeKey.ts";
import { createChainIndex } from "../../services/gateway/src/chain/chainIndex.ts";
import {
  CredentialRecordRegistry__factory,
  DistrictAccessManager__factory,
  RegistryDirectory__factory,
} from "../../types/ethers-contracts/index.ts";
import { type SeededChain, seededChain } from "./gatewayFixture.ts";
import { type SwitchableChain, switchableChain } from "./support.ts";

type Request = { method: string; params?: unknown[] };

describe("the chain index", () => {
  let chain: SeededChain;
  let node: SwitchableChain;
  /** Requests the node refuses once each, as a busy node refuses some: each is taken off as it is refused. */
  let refusals: ((request: Request) => boolean)[] = [];
  /** Requests answered `null` once each, as a node that lags the one that served the logs does not have the block. */
  let blanks: ((request: Request) => boolean)[] = [];

  beforeAll(async () => {
    chain = await seededChain();
    node = await switchableChain(chain, {
      refuse(request) {
        const at = refusals.findIndex((refuses) => refuses(request));
        if (at < 0) return undefined;
        refusals.splice(at, 1);
        return "the node is busy";
      },
      answer(request) {
        const at = blanks.findIndex((blank) => blank(request));
        if (at < 0) return undefined;
        blanks.splice(at, 1);
        return { result: null };
      },
    });
  });
  afterAll(async () => {
    await node?.close();
    chain?.cleanup();
  });

  it("indexes a record registry's events from before the directory named it, each once, though reads fail part way", async () => {
    const [first] = await chain.connection.ethers.getSigners();
    const operator = first as unknown as Signer;
    const { deployment } = chain;
    const manager = DistrictAccessManager__factory.connect(deployment.accessManager, operator);
    const live = connectRegistries(deployment, operator);
    const psbId = Number(await live.departments.departmentIdOf(codeKey("psb")));
    const typeId = Number(await live.types.typeIdOf(codeKey("resident-id-card"), 1));
    const fresh = (
      await deployRegistry(operator, manager, "CredentialRecordRegistry", deployment.registries)
    ).toLowerCase();
    const psb = new Wallet(chain.signerKeys.psb as string, chain.connection.ethers.provider);
    const records = CredentialRecordRegistry__factory.connect(fresh, psb);
    const anchor = async (n: number) => {
      const hash = id(`chain-index-record-${n}`);
      await (await records.anchor(hash, id(`subject-${n}`), typeId, 0, 0)).wait();
      return hash;
    };

    const index = createChainIndex({
      provider: node.provider,
      directory: deployment.directory,
      fromBlock: deployment.fromBlock,
      chunk: 3,
    });
    const anchoredBefore = await anchor(1);
    await index.syncNow();
    expect(index.record(psbId, anchoredBefore)).toBeUndefined();
    const replaced = deployment.registries.CredentialRecordRegistry.toLowerCase();
    expect(index.history("CredentialRecordRegistry")).toEqual([replaced]);

    await (
      await RegistryDirectory__factory.connect(deployment.directory, operator).setRegistry(
        id("CredentialRecordRegistry"),
        fresh,
      )
    ).wait();
    const anchoredAfter = await anchor(2);
    await (await records.revokeRecord(anchoredBefore, 1)).wait();
    // The first read of the new registry's earlier events fails, then the first block time asked for.
    const addresses = (request: Request) => {
      const filter = request.params?.[0] as { address?: string | string[] } | undefined;
      return [filter?.address ?? []].flat().map((a) => a.toLowerCase());
    };
    refusals = [
      (r) => r.method === "eth_getLogs" && addresses(r).includes(fresh),
      (r) => r.method === "eth_getBlockByNumber",
    ];
    // And the block of the revocation is missing once: its time is not taken as 0, which would hide the revocation.
    const revokedIn = (await chain.connection.ethers.provider.getBlockNumber()).toString(16);
    blanks = [(r) => r.method === "eth_getBlockByNumber" && r.params?.[0] === `0x${revokedIn}`];
    let failures = 0;
    for (
      let attempt = 0;
      attempt < 5 && index.head() < (await chain.connection.ethers.provider.getBlockNumber());
      attempt++
    ) {
      try {
        await index.syncNow();
      } catch {
        failures++;
      }
    }
    expect(failures).toBe(3);
    expect(refusals).toEqual([]);
    expect(blanks).toEqual([]);
    expect(index.history("CredentialRecordRegistry")).toEqual([replaced, fresh]);
    expect(index.current("CredentialRecordRegistry")).toBe(fresh);
    expect(index.record(psbId, anchoredBefore)).toMatchObject({ registry: fresh, revokedAt: expect.any(Number) });
    expect(index.record(psbId, anchoredBefore)?.revokedAt).toBeGreaterThan(0);
    expect(index.record(psbId, anchoredAfter)).toMatchObject({ registry: fresh, revokedAt: 0 });
    expect(index.recordCount()).toBe(2);
    expect(index.typeRegistryOf(fresh)).toBe(deployment.registries.CredentialTypeRegistry.toLowerCase());
  });
});

// The operator's writes to a replaced registry: a replaced record registry is not opened again, and a department's
// access-log commitments made with a misused key can be set aside in a replaced (closed) access-log registry too.
import { id, type Signer, Wallet } from "ethers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectRegistries, currentRegistries } from "../../lib/chain/registries.ts";
import { codeKey } from "../../lib/encoding/codeKey.ts";
import { rejectLogCommitments, setClosed } from "../../scripts/lib/operatorActions.ts";
import { rollOut } from "../../scripts/lib/rollOut.ts";
import { AccessLogRegistry__factory, DistrictAccessManager__factory } from "../../types/ethers-contracts/index.ts";
import { type SeededChain, seededChain } from "../gateway/gatewayFixture.ts";

describe("the operator's writes to replaced registries", () => {
  let chain: SeededChain;
  let admin: Signer;
  const live = () => currentRegistries(chain.deployment, chain.connection.ethers.provider);

  beforeAll(async () => {
    chain = await seededChain();
    const [first] = await chain.connection.ethers.getSigners();
    admin = first as unknown as Signer;
  });
  afterAll(() => chain?.cleanup());

  it("sets aside commitments a misused key made before a roll-out, in the closed registry it replaced", async () => {
    const psbId = Number(await connectRegistries(chain.deployment, admin).departments.departmentIdOf(codeKey("psb")));
    const before = await live();
    const old = before.registries.AccessLogRegistry;
    const misused = new Wallet(chain.signerKeys.psb ?? "", chain.connection.ethers.provider);
    await (await AccessLogRegistry__factory.connect(old, misused).commit(1, 1_000, id("not the log"))).wait();
    const { closed } = await rollOut(admin, chain.deployment, "AccessLogRegistry", chain.catalogue);
    expect(closed).toEqual([old]);
    const after = await live();
    const fresh = AccessLogRegistry__factory.connect(after.registries.AccessLogRegistry, admin);
    // The new registry continues from the bogus range until it is set aside.
    expect(await fresh.nextSequence(psbId)).toBe(1_001n);
    // Closed, the replaced registry takes no operator write either.
    const manager = DistrictAccessManager__factory.connect(chain.deployment.accessManager, admin);
    expect(await manager.isTargetClosed(old)).toBe(true);
    await expect(AccessLogRegistry__factory.connect(old, admin).rejectCommitments(psbId, 0, 1)).rejects.toThrow();

    const done = await rejectLogCommitments(admin, after, psbId, 0, 1, old);
    expect(done).toEqual({ registry: old, nextSequence: 1n });
    expect(await AccessLogRegistry__factory.connect(old, admin).rejectedCount(psbId)).toBe(1n);
    expect(await manager.isTargetClosed(old)).toBe(true);
    await expect(rejectLogCommitments(admin, after, psbId, 0, 1, `0x${"ab".repeat(20)}`)).rejects.toThrow(
      "is no AccessLogRegistry the directory has named",
    );
  });

  it("does not open a replaced record registry again, and closes and opens the current one", async () => {
    const { replaced } = await rollOut(admin, chain.deployment, "CredentialRecordRegistry", chain.catalogue);
    const old = replaced[0]?.previous ?? "";
    const now = await live();
    await expect(setClosed(admin, now, "CredentialRecordRegistry", false, old)).rejects.toThrow("is not opened again");
    const manager = DistrictAccessManager__factory.connect(chain.deployment.accessManager, admin);
    expect(await manager.isTargetClosed(old)).toBe(true);
    const current = now.registries.CredentialRecordRegistry;
    expect(await setClosed(admin, now, "CredentialRecordRegistry", true)).toBe(current);
    expect(await manager.isTargetClosed(current)).toBe(true);
    await setClosed(admin, now, "CredentialRecordRegistry", false);
    expect(await manager.isTargetClosed(current)).toBe(false);
  });
});

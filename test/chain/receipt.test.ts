// receiptOf on a real chain whose mining the test holds back: a transaction kept in the pool is waited for, one the
// node drops is reported as dropped (not waited for for ever), and one mined is returned.
import hre from "hardhat";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { receiptOf, TransactionDroppedError } from "../../lib/chain/receipt.ts";
import type { NetworkConnection } from "../support/chain.ts";
import { closeChain, scanChainLater } from "../support/leftBehind.ts";

let connection: NetworkConnection;
beforeAll(async () => {
  connection = await hre.network.create();
  scanChainLater(connection.provider, "receipt-chain");
});
afterAll(() => connection && closeChain(connection));

async function sentWhileHeld() {
  const [from, to] = await connection.ethers.getSigners();
  if (!from || !to) throw new Error("two accounts");
  await connection.ethers.provider.send("evm_setAutomine", [false]);
  const tx = await from.sendTransaction({ to: to.address, value: 1n });
  return { tx, from };
}

describe("receiptOf", () => {
  it("keeps waiting for a transaction the node holds unmined past the drop window, and returns its receipt", async () => {
    const { tx } = await sentWhileHeld();
    const waiting = receiptOf(tx);
    await new Promise((resolve) => setTimeout(resolve, 3_500));
    await connection.ethers.provider.send("evm_mine", []);
    await connection.ethers.provider.send("evm_setAutomine", [true]);
    expect((await waiting).hash).toBe(tx.hash);
  });

  it("reports a transaction the node dropped unmined as dropped, its nonce still unused", async () => {
    const { tx, from } = await sentWhileHeld();
    const nonce = await connection.ethers.provider.getTransactionCount(from.address, "latest");
    expect(tx.nonce).toBe(nonce);
    const waiting = receiptOf(tx);
    expect(await connection.ethers.provider.send("hardhat_dropTransaction", [tx.hash])).toBe(true);
    await connection.ethers.provider.send("evm_setAutomine", [true]);
    await expect(waiting).rejects.toBeInstanceOf(TransactionDroppedError);
    expect(await connection.ethers.provider.getTransactionCount(from.address, "pending")).toBe(nonce);
  });
});

// Waiting for a transaction's receipt without hanging on a chain that makes no new blocks while idle: the gateway,
// the scripts (deploy, seed, roll-out, the operator's actions) and the benchmarks all wait this way.
import { isError } from "ethers";

const RECEIPT_POLL_MS = 250;

/**
 * The transaction's receipt, as `tx.wait()` gives it (a reverted transaction throws), but asked for again every
 * RECEIPT_POLL_MS: when the receipt is not there at its first two looks, `wait()` waits for a block after the one it
 * saw, and a chain that mines on demand (anvil, Hardhat) makes none while nothing else is sent, so it never returned.
 */
export async function receiptOf<R>(tx: { wait(confirms?: number, timeout?: number): Promise<R | null> }): Promise<R> {
  for (;;) {
    try {
      const receipt = await tx.wait(1, RECEIPT_POLL_MS);
      if (receipt) return receipt;
    } catch (error) {
      if (!isError(error, "TIMEOUT")) throw error;
    }
  }
}

/** A contract just deployed, once its deployment's receipt is in (not waitForDeployment, which waits for a block too). */
export async function deployedContract<
  T extends { deploymentTransaction(): { wait(confirms?: number, timeout?: number): Promise<unknown> } | null },
>(contract: T): Promise<T> {
  const tx = contract.deploymentTransaction();
  if (tx) await receiptOf(tx);
  return contract;
}

// Waiting for a transaction's receipt without hanging on a chain that makes no new blocks while idle.
import { type ContractTransactionReceipt, type ContractTransactionResponse, isError } from "ethers";

const RECEIPT_POLL_MS = 250;

/**
 * The transaction's receipt, as `tx.wait()` gives it (a reverted transaction throws), but asked for again every
 * RECEIPT_POLL_MS: when the receipt is not there at its first two looks, `wait()` waits for a block after the one it
 * saw, and a chain that mines on demand (anvil, Hardhat) makes none while nothing else is sent, so it never returned.
 */
export async function receiptOf(tx: ContractTransactionResponse): Promise<ContractTransactionReceipt> {
  for (;;) {
    try {
      const receipt = await tx.wait(1, RECEIPT_POLL_MS);
      if (receipt) return receipt;
    } catch (error) {
      if (!isError(error, "TIMEOUT")) throw error;
    }
  }
}

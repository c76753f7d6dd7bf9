// Waiting for a transaction's receipt without hanging on a chain that makes no new blocks while idle, nor on a node
// that has forgotten the transaction: the gateway, the scripts (deploy, seed, roll-out, the operator's actions) and the
// benchmarks all wait this way.
import { isError } from "ethers";

const RECEIPT_POLL_MS = 250;
/** A transaction the node has not known at every look for this long, and at least DROPPED_LOOKS looks, is dropped. */
const DROPPED_AFTER_MS = 2_000;
const DROPPED_LOOKS = 3;

/** A sent transaction, as ethers' TransactionResponse and ContractTransactionResponse are. */
export interface SentTransaction<R> {
  readonly hash: string;
  readonly provider: { getTransaction(hash: string): Promise<unknown> } & ChainSettings;
  wait(confirms?: number, timeout?: number): Promise<R | null>;
}

/** What a provider may say of its chain (FailoverProvider does): the confirmations a transaction needs. */
export interface ChainSettings {
  readonly confirmations?: number;
}

/** The blocks a transaction needs on `provider`'s chain, its own included, before it counts: 1 unless it says more. */
export const confirmationsOf = (provider: unknown): number =>
  Math.max(1, (provider as ChainSettings | null)?.confirmations ?? 1);

/**
 * The node answered for a transaction and then forgot it, unmined: it restarted without its pool, or evicted it. Its
 * nonce was not used, so the same work sent again takes that nonce, and the forgotten transaction, should another
 * node still hold it, can no longer land beside it. The caller resets its nonces and sends again.
 */
export class TransactionDroppedError extends Error {
  readonly code = "TRANSACTION_DROPPED";
  constructor(readonly hash: string) {
    super(
      `transaction ${hash} is no longer known to the node and was not mined: it was dropped, and may be sent again`,
    );
    this.name = "TransactionDroppedError";
  }
}

/**
 * The transaction's receipt once it has the chain's confirmations (confirmationsOf: 1 unless the provider says more), as
 * `tx.wait()` gives it (a reverted transaction throws), but asked for again every
 * RECEIPT_POLL_MS: when the receipt is not there at its first two looks, `wait()` waits for a block after the one it
 * saw, and a chain that mines on demand (anvil, Hardhat) makes none while nothing else is sent, so it never returned.
 * Between looks the node is asked whether it still holds the transaction: `wait()` would wait for ever for one it has
 * dropped, which happens when a node restarts (anvil reloaded from its state file, a Besu node, whose pool is not kept).
 */
export async function receiptOf<R>(tx: SentTransaction<R>): Promise<R> {
  const confirmations = confirmationsOf(tx.provider);
  let unknownSince: number | undefined;
  let unknownLooks = 0;
  for (;;) {
    try {
      const receipt = await tx.wait(confirmations, RECEIPT_POLL_MS);
      if (receipt) return receipt;
    } catch (error) {
      if (!isError(error, "TIMEOUT")) throw error;
    }
    if ((await tx.provider.getTransaction(tx.hash)) !== null) {
      unknownSince = undefined;
      unknownLooks = 0;
      continue;
    }
    unknownSince ??= Date.now();
    unknownLooks++;
    // A receipt may have come between the two looks: the transaction is mined, not dropped.
    if (unknownLooks >= DROPPED_LOOKS && Date.now() - unknownSince >= DROPPED_AFTER_MS) {
      const receipt = await tx.wait(0);
      if (!receipt) throw new TransactionDroppedError(tx.hash);
      if (confirmations === 1) return receipt;
      // Mined, and waiting for the blocks on top of it.
      unknownSince = undefined;
      unknownLooks = 0;
    }
  }
}

/** A contract just deployed, once its deployment's receipt is in (not waitForDeployment, which waits for a block too). */
export async function deployedContract<T extends { deploymentTransaction(): SentTransaction<unknown> | null }>(
  contract: T,
): Promise<T> {
  const tx = contract.deploymentTransaction();
  if (tx) await receiptOf(tx);
  return contract;
}

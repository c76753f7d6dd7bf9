// What a department's signer did on a chain, read back from the chain alone: records anchored (singly or in batches),
// its transactions to the record registry, those that reverted, and those its node still holds unmined. A second send
// of work already on chain reverts (the registry refuses a record or root anchored before); a nonce gap leaves
// transactions waiting in the pool.
import type { JsonRpcProvider } from "ethers";
import type { DeploymentRecord } from "../../lib/chain/deploymentStore.ts";
import { connectRegistries } from "../../lib/chain/registries.ts";

export interface AnchoringOnChain {
  /** Records anchored by the issuer: singles, and the record counts of its batches. */
  records: number;
  /** The signer's transactions to the record registry, mined. */
  sent: number;
  reverted: number;
  /** The signer's transactions in the node's pool, pending or queued. */
  pending: number;
}

export async function anchoringOnChain(
  provider: JsonRpcProvider,
  deployment: DeploymentRecord,
  issuerId: number,
  signer: string,
): Promise<AnchoringOnChain> {
  const records = connectRegistries(deployment, provider).records;
  const singles = await records.queryFilter(records.filters.CredentialAnchored(undefined, undefined, issuerId));
  const batches = await records.queryFilter(records.filters.CredentialBatchAnchored(undefined, issuerId));
  const registry = (await records.getAddress()).toLowerCase();
  let sent = 0;
  let reverted = 0;
  const head = await provider.getBlockNumber();
  for (let b = 0; b <= head; b++) {
    const block = await provider.getBlock(b, true);
    for (const tx of block?.prefetchedTransactions ?? []) {
      if (tx.from.toLowerCase() !== signer.toLowerCase() || tx.to?.toLowerCase() !== registry) continue;
      sent++;
      if ((await provider.getTransactionReceipt(tx.hash))?.status === 0) reverted++;
    }
  }
  // The node's pool, both parts: a transaction behind a nonce gap waits in "queued", which the pending nonce omits.
  const pool = (await provider.send("txpool_content", [])) as Record<string, Record<string, object>>;
  const pending = Object.values(pool).reduce(
    (sum, bySender) =>
      sum +
      Object.entries(bySender)
        .filter(([from]) => from.toLowerCase() === signer.toLowerCase())
        .reduce((n, [, byNonce]) => n + Object.keys(byNonce).length, 0),
    0,
  );
  return {
    records: singles.length + batches.reduce((sum, e) => sum + Number(e.args.recordCount), 0),
    sent,
    reverted,
    pending,
  };
}

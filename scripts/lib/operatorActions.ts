// What npm run operator does to a registry besides rolling one out: the emergency stop, and setting a department's
// access-log commitments aside, on the current version of a registry or one the directory named before.

import type { Signer } from "ethers";
import { receiptOf } from "../../lib/chain/receipt.ts";
import type { RegistryAddresses, RegistryName } from "../../lib/chain/registries.ts";
import { AccessLogRegistry__factory, DistrictAccessManager__factory } from "../../types/ethers-contracts/index.ts";

/** The directory's registries now, with every version each name has had (lib/chain/registries.ts currentRegistries). */
type Live = RegistryAddresses & { history: Record<RegistryName, string[]> };

/** `address` if the directory has named it for `name` (any version), else the current one; anything else is refused. */
export function namedVersion(live: Live, name: RegistryName, address?: string): string {
  const named = live.history[name].map((a) => a.toLowerCase());
  const chosen = address ?? live.registries[name];
  if (!named.includes(chosen.toLowerCase())) {
    throw new Error(`--address ${chosen} is no ${name} the directory has named (${named.join(", ")})`);
  }
  return chosen;
}

/**
 * Closes or opens a version of `name`. A replaced record registry is not opened again: gateways send what they had
 * queued or noted for it to its successor once they have read it closed, and a transaction still pending there could
 * then land in both.
 */
export async function setClosed(
  admin: Signer,
  live: Live,
  name: RegistryName,
  closed: boolean,
  address?: string,
): Promise<string> {
  const target = namedVersion(live, name, address);
  const replaced = target.toLowerCase() !== live.registries[name].toLowerCase();
  if (!closed && replaced && name === "CredentialRecordRegistry") {
    throw new Error(
      `${target} is a replaced CredentialRecordRegistry: it is not opened again, since gateways have sent what they ` +
        "had for it to the current one; its records can still be revoked while it is closed",
    );
  }
  const manager = DistrictAccessManager__factory.connect(live.accessManager, admin);
  await receiptOf(await manager.setTargetClosed(target, closed));
  return target;
}

/**
 * Sets a department's commitments from `fromIndex` on aside in a version of the access-log registry. A replaced one is
 * closed (its roll-out closed it) and takes no operator write either: it is opened for this one transaction and
 * closed again, whatever happens.
 */
export async function rejectLogCommitments(
  admin: Signer,
  live: Live,
  departmentId: number,
  fromIndex: number,
  reason: number,
  address?: string,
): Promise<{ registry: string; nextSequence: bigint }> {
  const registry = namedVersion(live, "AccessLogRegistry", address);
  const manager = DistrictAccessManager__factory.connect(live.accessManager, admin);
  const accessLog = AccessLogRegistry__factory.connect(registry, admin);
  const wasClosed = await manager.isTargetClosed(registry);
  if (wasClosed) await receiptOf(await manager.setTargetClosed(registry, false));
  try {
    await receiptOf(await accessLog.rejectCommitments(departmentId, fromIndex, reason));
  } finally {
    if (wasClosed) await receiptOf(await manager.setTargetClosed(registry, true));
  }
  const current = AccessLogRegistry__factory.connect(live.registries.AccessLogRegistry, admin);
  return { registry, nextSequence: await current.nextSequence(departmentId) };
}

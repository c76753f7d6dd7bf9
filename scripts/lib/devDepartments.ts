// On a development chain each department gets a generated signer key, registered by the seed and funded for gas.
import { type JsonRpcProvider, Wallet } from "ethers";
import { fundDevAccounts, loadOrCreateDevKeys } from "../../lib/chain/devKeys.ts";

/** `{ code: [address] }` for the seed's `signers` option, after funding each key on the dev chain. */
export async function devDepartmentSigners(
  provider: JsonRpcProvider,
  dataDir: string,
  codes: readonly string[],
): Promise<Record<string, string[]>> {
  const keys = loadOrCreateDevKeys(dataDir, codes);
  const signers: Record<string, string[]> = {};
  for (const code of codes) {
    const key = keys.departments[code];
    if (key) signers[code] = [new Wallet(key).address];
  }
  await fundDevAccounts(provider, Object.values(signers).flat());
  return signers;
}

// Development keys: generated once and kept under the data directory (never in the repo), for the local chain only.
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { type JsonRpcProvider, toQuantity, Wallet } from "ethers";

/** The chain id of the local development chain (`npm start`, `npm run chain`), the only chain dev keys are for. */
export const LOCAL_CHAIN_ID = 31337;

export interface DevKeys {
  operator: string;
  /** Each department's signer key. */
  departments: Record<string, string>;
  /** Each department's key sealing its records at rest (32 bytes, hex). */
  dataKeys: Record<string, string>;
  /** The district's secret for subject references (32 bytes, hex). */
  districtSecret: string;
}

const random32 = () => `0x${randomBytes(32).toString("hex")}`;

const FUNDS = toQuantity(10n ** 24n);

/** Reads `<dataDir>/keys/dev-keys.json`, adding a key for every department that has none yet. */
export function loadOrCreateDevKeys(dataDir: string, departmentCodes: readonly string[]): DevKeys {
  const dir = `${dataDir}/keys`;
  const file = `${dir}/dev-keys.json`;
  const stored = existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as Partial<DevKeys>) : {};
  const keys: DevKeys = {
    operator: stored.operator ?? Wallet.createRandom().privateKey,
    departments: stored.departments ?? {},
    dataKeys: stored.dataKeys ?? {},
    districtSecret: stored.districtSecret ?? random32(),
  };
  let changed = !stored.operator || !stored.districtSecret;
  for (const code of departmentCodes) {
    if (!keys.departments[code]) {
      keys.departments[code] = Wallet.createRandom().privateKey;
      changed = true;
    }
    if (!keys.dataKeys[code]) {
      keys.dataKeys[code] = random32();
      changed = true;
    }
  }
  if (changed) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    writeFileSync(file, `${JSON.stringify(keys, null, 2)}\n`, { mode: 0o600 });
  }
  return keys;
}

/** Gives development accounts ether on a development chain (anvil or Hardhat), so they can pay for gas. */
export async function fundDevAccounts(provider: JsonRpcProvider, addresses: readonly string[]): Promise<void> {
  for (const address of addresses) {
    if ((await provider.getBalance(address)) < 10n ** 21n) {
      await provider.send("hardhat_setBalance", [address, FUNDS]);
    }
  }
}

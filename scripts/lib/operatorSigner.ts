// The operator's key: from the environment or a keystore file, or on a development chain a generated dev key.
import { readFileSync } from "node:fs";
import { type JsonRpcProvider, NonceManager, Wallet } from "ethers";
import { fundDevAccounts, LOCAL_CHAIN_ID, loadOrCreateDevKeys } from "../../lib/chain/devKeys.ts";

export interface OperatorSigner {
  signer: NonceManager;
  address: string;
  source: "environment" | "keystore" | "dev";
}

/**
 * OPERATOR_PRIVATE_KEY, else OPERATOR_KEYSTORE (+ OPERATOR_KEYSTORE_PASSWORD), else — only on a development chain
 * (chain id 31337) — the dev key kept in `<dataDir>/keys/dev-keys.json`, funded on the spot.
 */
export async function operatorSigner(
  provider: JsonRpcProvider,
  dataDir: string,
  departmentCodes: readonly string[] = [],
): Promise<OperatorSigner> {
  let wallet: Wallet;
  let source: OperatorSigner["source"];
  if (process.env.OPERATOR_PRIVATE_KEY) {
    wallet = new Wallet(process.env.OPERATOR_PRIVATE_KEY, provider);
    source = "environment";
  } else if (process.env.OPERATOR_KEYSTORE) {
    const path = process.env.OPERATOR_KEYSTORE;
    const password = process.env.OPERATOR_KEYSTORE_PASSWORD;
    if (password === undefined)
      throw new Error(`OPERATOR_KEYSTORE is set (${path}) but OPERATOR_KEYSTORE_PASSWORD is not`);
    const decrypted = await Wallet.fromEncryptedJson(readFileSync(path, "utf8"), password);
    wallet = new Wallet(decrypted.privateKey, provider);
    source = "keystore";
  } else {
    const { chainId } = await provider.getNetwork();
    if (chainId !== BigInt(LOCAL_CHAIN_ID)) {
      throw new Error(
        `chain ${chainId} is not a development chain: set OPERATOR_PRIVATE_KEY or OPERATOR_KEYSTORE for the operator key`,
      );
    }
    const keys = loadOrCreateDevKeys(dataDir, departmentCodes);
    wallet = new Wallet(keys.operator, provider);
    await fundDevAccounts(provider, [wallet.address]);
    source = "dev";
  }
  return { signer: new NonceManager(wallet), address: wallet.address, source };
}

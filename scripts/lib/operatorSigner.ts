// The operator's key: from the environment or a keystore file, or on a development chain a generated dev key.
import { type JsonRpcProvider, NonceManager, Wallet } from "ethers";
import { fundDevAccounts, LOCAL_CHAIN_ID, loadOrCreateDevKeys } from "../../lib/chain/devKeys.ts";
import { passwordFromEnvironment, passwordFromTerminal, walletFromKeystore } from "../../lib/chain/keystore.ts";

export interface OperatorSigner {
  signer: NonceManager;
  address: string;
  source: "environment" | "keystore" | "dev";
}

/**
 * OPERATOR_PRIVATE_KEY, else OPERATOR_KEYSTORE with its password (OPERATOR_KEYSTORE_PASSWORD_FILE, else
 * OPERATOR_KEYSTORE_PASSWORD, else typed on the terminal, unechoed), else — only on a development chain (chain id 31337)
 * — the dev key kept in `<dataDir>/keys/dev-keys.json`, funded on the spot.
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
    const password =
      passwordFromEnvironment("OPERATOR_KEYSTORE_PASSWORD") ??
      (await passwordFromTerminal(`password of the operator's keystore ${path}: `));
    if (password === undefined) {
      throw new Error(
        `OPERATOR_KEYSTORE is set (${path}) but not its password: run this on a terminal to type it, or set ` +
          "OPERATOR_KEYSTORE_PASSWORD_FILE (or OPERATOR_KEYSTORE_PASSWORD)",
      );
    }
    wallet = (await walletFromKeystore("OPERATOR_KEYSTORE", path, password)).connect(provider);
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

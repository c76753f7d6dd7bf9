// One hosted department: its keys, its own database, its anchoring writer and the API keys of its systems.
import { NonceManager, type Provider, Wallet } from "ethers";
import { connectRegistries, type Registries } from "../../../lib/chain/registries.ts";
import type { DeploymentRecord } from "../../../scripts/lib/deploymentStore.ts";
import { ApiKeyFile } from "./auth/apiKeys.ts";
import { type AnchoringOptions, type AnchorWorker, createAnchorWorker } from "./chain/anchorWorker.ts";
import { type DepartmentStore, openDepartmentStore } from "./store/departmentStore.ts";

export interface HostedDepartmentConfig {
  code: string;
  /** The department signer's private key (0x hex): anchors, revocations and federation requests are signed with it. */
  signerKey: string;
  /** 32 bytes sealing records at rest. */
  dataKey: Uint8Array;
}

export interface DepartmentRuntime {
  code: string;
  id: number;
  nameZh: string;
  nameEn: string;
  address: string;
  store: DepartmentStore;
  signer: NonceManager;
  wallet: Wallet;
  /** Registries bound to this department's signer. */
  registries: Registries;
  worker: AnchorWorker;
  apiKeys: ApiKeyFile;
  close(): Promise<void>;
}

export interface OpenDepartmentOptions {
  config: HostedDepartmentConfig;
  id: number;
  names: { nameZh: string; nameEn: string };
  provider: Provider;
  deployment: DeploymentRecord;
  dataDir: string;
  anchoring: AnchoringOptions;
  onAnchored?: (department: string, count: number, latencies: number[]) => void;
  onError?: (department: string, error: unknown) => void;
}

export async function openDepartment(options: OpenDepartmentOptions): Promise<DepartmentRuntime> {
  const { config } = options;
  const dir = `${options.dataDir}/${config.code}`;
  const store = await openDepartmentStore(`${dir}/db`, config.dataKey);
  const wallet = new Wallet(config.signerKey, options.provider);
  const signer = new NonceManager(wallet);
  const registries = connectRegistries(options.deployment, signer);
  const worker = createAnchorWorker({
    departmentId: options.id,
    store,
    registries,
    signer,
    options: options.anchoring,
    onAnchored: (count, latencies) => options.onAnchored?.(config.code, count, latencies),
    onError: (error) => options.onError?.(config.code, error),
  });
  return {
    code: config.code,
    id: options.id,
    ...options.names,
    address: wallet.address,
    store,
    signer,
    wallet,
    registries,
    worker,
    apiKeys: new ApiKeyFile(`${dir}/api-keys.json`, config.code),
    async close() {
      await worker.stop();
      await store.close();
    },
  };
}

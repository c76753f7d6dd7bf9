// One hosted department: its keys, its own database, its anchoring writer and the API keys of its systems.
import { NonceManager, type Provider, Wallet } from "ethers";
import type { DeploymentRecord } from "../../../lib/chain/deploymentStore.ts";
import { type AccessLog, createAccessLog } from "./audit/accessLog.ts";
import { type AccessLogCommitter, createAccessLogCommitter } from "./audit/accessLogCommitter.ts";
import { type LogCommitments, logCommitments } from "./audit/logCommitments.ts";
import { ApiKeyFile } from "./auth/apiKeys.ts";
import { type KeyRate, keyRate } from "./auth/keyRate.ts";
import { DEFAULT_SELF_SERVICE_MINUTES, type SelfServiceTokens, selfServiceTokens } from "./auth/selfServiceTokens.ts";
import { type AnchoringOptions, type AnchorWorker, createAnchorWorker } from "./chain/anchorWorker.ts";
import type { ChainIndex } from "./chain/chainIndex.ts";
import { type LiveRegistries, liveRegistries } from "./chain/liveRegistries.ts";
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
  /** Registries bound to this department's signer, following the directory. */
  registries: LiveRegistries;
  /** The chain index the gateway process shares: a write is answered once the index has seen it. */
  index: ChainIndex;
  /** Records this gateway is revoking or superseding right now: one change of a record at a time. */
  changing: Set<string>;
  /** How many new applications each of the department's API keys may open in an hour. */
  applicationRate: KeyRate;
  /** How many citizens' access logs each of its keys may look up in an hour: as many, counted apart. */
  lookupRate: KeyRate;
  /** How long an application stays live (takes evaluations, and so data) after it is opened. */
  applicationLifetimeMs: number;
  worker: AnchorWorker;
  /** Who read this department's records: written on every federation answer, committed to the chain. */
  accessLog: AccessLog;
  accessLogCommitter: AccessLogCommitter;
  /** Its commitments on chain with the transactions that made them, read from the registries' events. */
  logCommitments: LogCommitments;
  apiKeys: ApiKeyFile;
  /** Its directory: the database (db/), the key file and the backups (backups/). */
  dir: string;
  /** The tokens its counters give citizens, each opening one subject's view of who accessed their data. */
  selfService: SelfServiceTokens;
  close(): Promise<void>;
}

/** The bounds on applications: new ones per API key and hour, and how long one stays live. */
export interface ApplicationLimits {
  /** Also the bound on a key's lookups of a citizen's access log, which name a person by ID number as well. */
  perKeyPerHour: number;
  lifetimeDays: number;
  /** How long a citizen's self-service token opens their view of the access logs (default 15 minutes). */
  selfServiceMinutes?: number;
}

export const DEFAULT_APPLICATION_LIMITS: ApplicationLimits = { perKeyPerHour: 120, lifetimeDays: 30 };

/** How often a department commits its access log when nothing says otherwise: every minute. */
export const DEFAULT_ACCESS_LOG_COMMIT_MS = 60_000;

export interface OpenDepartmentOptions {
  config: HostedDepartmentConfig;
  id: number;
  names: { nameZh: string; nameEn: string };
  provider: Provider;
  deployment: DeploymentRecord;
  index: ChainIndex;
  dataDir: string;
  anchoring: AnchoringOptions;
  /** How often the access log is committed to the chain; 0 = only on demand. */
  accessLogCommitMs?: number;
  applications?: ApplicationLimits;
  now?: () => number;
  onAnchored?: (department: string, count: number, latencies: number[]) => void;
  onStranded?: (department: string, count: number, registry: string) => void;
  onError?: (department: string, error: unknown) => void;
  onCommitError?: (department: string, error: unknown) => void;
}

export async function openDepartment(options: OpenDepartmentOptions): Promise<DepartmentRuntime> {
  const { config } = options;
  const dir = `${options.dataDir}/${config.code}`;
  const store = await openDepartmentStore(`${dir}/db`, config.dataKey);
  const wallet = new Wallet(config.signerKey, options.provider);
  const signer = new NonceManager(wallet);
  const registries = liveRegistries(options.deployment, options.index, signer);
  const worker = createAnchorWorker({
    departmentId: options.id,
    store,
    registries,
    index: options.index,
    signer,
    options: options.anchoring,
    onAnchored: (count, latencies) => options.onAnchored?.(config.code, count, latencies),
    onStranded: (count, registry) => options.onStranded?.(config.code, count, registry),
    onError: (error) => options.onError?.(config.code, error),
  });
  const accessLog = createAccessLog(store, options.now);
  const accessLogCommitter = createAccessLogCommitter({
    departmentId: options.id,
    store,
    log: accessLog,
    registries,
    index: options.index,
    signer,
    intervalMs: options.accessLogCommitMs ?? DEFAULT_ACCESS_LOG_COMMIT_MS,
    onError: (error) => options.onCommitError?.(config.code, error),
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
    index: options.index,
    changing: new Set(),
    applicationRate: keyRate((options.applications ?? DEFAULT_APPLICATION_LIMITS).perKeyPerHour),
    lookupRate: keyRate((options.applications ?? DEFAULT_APPLICATION_LIMITS).perKeyPerHour),
    applicationLifetimeMs: (options.applications ?? DEFAULT_APPLICATION_LIMITS).lifetimeDays * 86_400_000,
    worker,
    accessLog,
    accessLogCommitter,
    logCommitments: logCommitments({
      provider: options.provider,
      departmentId: options.id,
      fromBlock: options.deployment.fromBlock,
      registries: () => options.index.history("AccessLogRegistry"),
      notBefore: () => accessLogCommitter.last()?.blockNumber ?? 0,
    }),
    apiKeys: new ApiKeyFile(`${dir}/api-keys.json`, config.code),
    dir,
    selfService: selfServiceTokens(store, options.applications?.selfServiceMinutes ?? DEFAULT_SELF_SERVICE_MINUTES),
    async close() {
      await worker.stop();
      await accessLogCommitter.stop();
      await store.close();
    },
  };
}

// What every hosted department shares in one gateway process: the chain, its index, the catalogue, the district key.
import type { Provider } from "ethers";
import type { Logger } from "pino";
import type { DeploymentRecord } from "../../../lib/chain/deploymentStore.ts";
import type { QuotaSettings } from "./auth/keyQuota.ts";
import type { CatalogueService } from "./catalogue/catalogueService.ts";
import type { BlockCachedReads } from "./chain/blockCachedReads.ts";
import type { ChainIndex } from "./chain/chainIndex.ts";
import type { LiveRegistries } from "./chain/liveRegistries.ts";
import type { CommitmentFollower } from "./commitments/followCommitments.ts";
import type { DepartmentRuntime } from "./department.ts";
import type { FederationClient } from "./federation/federationClient.ts";
import type { Metrics } from "./http/metrics.ts";

export interface GatewayServices {
  provider: Provider;
  deployment: DeploymentRecord;
  /** Read-only registry handles (bound to the provider), following the directory. */
  registries: LiveRegistries;
  index: ChainIndex;
  /** Who a signer signs for and what a grant allows, read once per block the index has seen. */
  chainReads: BlockCachedReads;
  catalogue: CatalogueService;
  /** The district's secret for subject references (HMAC-SHA256); the same in every department's gateway. */
  districtSecret: Uint8Array;
  departments: Map<string, DepartmentRuntime>;
  /** Signed queries to other departments' gateways over HTTP; the departments this process hosts are asked in it. */
  federation: FederationClient;
  logger: Logger;
  metrics: Metrics;
  limits: { bodyBytes: number; keyQuota: QuotaSettings };
  /** The base URL this process serves departments under: `${publicUrl}/departments/<code>`. */
  publicUrl: string;
  now(): number;
  /** Each hosted department's follower of its open commitments (告知承诺). */
  commitmentFollowers: Map<string, CommitmentFollower>;
}

// A gateway on a real in-process chain with the whole catalogue seeded, real LevelDB in a temp dir, real HTTP.
import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { toQuantity, Wallet } from "ethers";
import hre from "hardhat";
import { loadCatalogue } from "../../lib/catalogue/loadCatalogue.ts";
import type { Catalogue } from "../../lib/catalogue/schemas.ts";
import { type DeploymentRecord, ensureDeployment } from "../../lib/chain/deploymentStore.ts";
import { connectRegistries } from "../../lib/chain/registries.ts";
import { seedsDir } from "../../scripts/lib/paths.ts";
import { seedCatalogue } from "../../scripts/lib/seed/seedCatalogue.ts";
import type { Role } from "../../services/gateway/src/auth/apiKeys.ts";
import type { AnchoringOptions } from "../../services/gateway/src/chain/anchorWorker.ts";
import type { HostedDepartmentConfig } from "../../services/gateway/src/department.ts";
import { createGateway, type Gateway, type GatewayOptions } from "../../services/gateway/src/gateway.ts";
import { removeTestDir, scanChainLater, testLogger } from "../support/leftBehind.ts";

export type NetworkConnection = Awaited<ReturnType<typeof hre.network.create>>;

/** A chain with the registries deployed and the real catalogue seeded; department signer keys known. */
export interface SeededChain {
  connection: NetworkConnection;
  deployment: DeploymentRecord;
  catalogue: Catalogue;
  signerKeys: Record<string, string>;
  districtSecret: Uint8Array;
  dataDir: string;
  cleanup(): void;
}

export async function seededChain(): Promise<SeededChain> {
  const dataDir = mkdtempSync(`${tmpdir()}/oncechain-gateway-`);
  const catalogue = await loadCatalogue(seedsDir);
  const connection = await hre.network.create();
  scanChainLater(connection.provider, "gateway-chain");
  const [operator] = await connection.ethers.getSigners();
  if (!operator) throw new Error("no operator account");
  const { record: deployment } = await ensureDeployment(connection.ethers.provider, operator, dataDir);
  const signerKeys: Record<string, string> = {};
  const signers: Record<string, string[]> = {};
  for (const d of catalogue.departments) {
    const wallet = Wallet.createRandom();
    signerKeys[d.code] = wallet.privateKey;
    signers[d.code] = [wallet.address];
    await connection.ethers.provider.send("hardhat_setBalance", [wallet.address, toQuantity(10n ** 24n)]);
  }
  await seedCatalogue(catalogue, connectRegistries(deployment, operator), { update: false, signers });
  return {
    connection,
    deployment,
    catalogue,
    signerKeys,
    districtSecret: randomBytes(32),
    dataDir,
    cleanup: () => removeTestDir(dataDir),
  };
}

export interface RunningGateway {
  gateway: Gateway;
  url: string;
  /** `${url}/departments/<code>` */
  base(code: string): string;
  /** Creates an API key of `role` for `department` and returns the bearer token. */
  key(department: string, role: Role): string;
  close(): Promise<void>;
}

/** Starts a gateway hosting `codes` on an ephemeral port; `dataSubdir` lets a test restart on the same data. */
export async function startGateway(
  chain: SeededChain,
  codes: string[],
  options: {
    anchoring?: AnchoringOptions;
    dataSubdir?: string;
    dataKeys?: Record<string, Uint8Array>;
    /** The port to listen on (default: any free one), to restart a gateway at the same address. */
    port?: number;
  } & Partial<GatewayOptions> = {},
): Promise<RunningGateway> {
  const departments: HostedDepartmentConfig[] = codes.map((code) => ({
    code,
    signerKey: chain.signerKeys[code] ?? "",
    dataKey: options.dataKeys?.[code] ?? deterministicKey(code),
  }));
  const gateway = await createGateway({
    provider: chain.connection.ethers.provider,
    deployment: chain.deployment,
    catalogue: chain.catalogue,
    departments,
    districtSecret: chain.districtSecret,
    dataDir: `${chain.dataDir}/${options.dataSubdir ?? "gateway"}`,
    anchoring: options.anchoring ?? { batchSize: 1, maxWaitMs: 0, pollMs: 20 },
    publicUrl: "http://127.0.0.1",
    logger: testLogger(),
    indexPollMs: 50,
    ...options,
  });
  const { url } = await gateway.listen(options.port ?? 0);
  return {
    gateway,
    url,
    base: (code) => `${url}/departments/${code}`,
    key(department, role) {
      const runtime = gateway.services.departments.get(department);
      if (!runtime) throw new Error(`${department} is not hosted`);
      return runtime.apiKeys.create(role, "test").token;
    },
    close: () => gateway.close(),
  };
}

function deterministicKey(code: string): Uint8Array {
  return new Uint8Array(Buffer.from(code.padEnd(32, "#").slice(0, 32)));
}

/** JSON over real HTTP; returns status, parsed body and headers. */
export async function call(
  method: "GET" | "POST",
  url: string,
  token: string | undefined,
  body?: unknown,
  headers: Record<string, string> = {},
  // biome-ignore lint/suspicious/noExplicitAny: tests read whatever JSON the gateway answered.
): Promise<{ status: number; body: any; headers: Headers }> {
  const response = await fetch(url, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body !== undefined ? { "content-type": "application/json" } : {}),
      ...headers,
    },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status: response.status, body: parsed, headers: response.headers };
}

// Runs a gateway process for `npm start`, `npm run gateway` and each of `npm run cluster`'s: settings, secrets, dev API
// keys, the HTTP server, and the hosted departments' endpoints on chain.
import { mkdirSync } from "node:fs";
import type { Provider } from "ethers";
import type { Logger } from "pino";
import type { Catalogue } from "../../../lib/catalogue/schemas.ts";
import type { DeploymentRecord } from "../../../lib/chain/deploymentStore.ts";
import { ensureDevApiKeys } from "./auth/devApiKeys.ts";
import { registerEndpoints } from "./chain/registerEndpoints.ts";
import { loadSecrets, processSettings } from "./config.ts";
import { createGateway, type Gateway } from "./gateway.ts";

export interface ServeOptions {
  provider: Provider;
  deployment: DeploymentRecord;
  catalogue: Catalogue;
  /** The project data directory; the gateway keeps its databases under `<dataDir>/gateway`. */
  dataDir: string;
  codes: readonly string[];
  logger?: Logger;
}

export interface Serving {
  gateway: Gateway;
  url: string;
  /** Where the dev API keys were written, on a development chain. */
  devKeysFile?: string;
  close(): Promise<void>;
}

/** The URL each hosted department is reached at; what the chain lists as its endpoint. */
export function departmentEndpoint(publicUrl: string, code: string): string {
  return `${publicUrl}/departments/${code}`;
}

export async function serveGateway(options: ServeOptions): Promise<Serving> {
  const settings = processSettings();
  const { chainId } = await options.provider.getNetwork();
  const secrets = await loadSecrets(chainId, options.dataDir, options.codes);
  const dataDir = `${options.dataDir}/gateway`;
  mkdirSync(dataDir, { recursive: true });
  const gateway = await createGateway({
    provider: options.provider,
    deployment: options.deployment,
    catalogue: options.catalogue,
    departments: secrets.departments,
    districtSecret: secrets.districtSecret,
    dataDir,
    anchoring: settings.anchoring,
    publicUrl: settings.publicUrl,
    bodyLimitBytes: settings.bodyLimitBytes,
    applications: settings.applications,
    keyQuota: settings.keyQuota,
    federationTimeoutMs: settings.peerTimeoutMs,
    accessLogCommitMs: settings.accessLogCommitMs,
    commitmentCheckMs: settings.commitmentCheckMs,
    ...(settings.tls ? { tls: settings.tls } : {}),
    logger: options.logger,
  });
  let url: string;
  try {
    ({ url } = await gateway.listen(settings.port, settings.host));
  } catch (error) {
    await gateway.close();
    const code = (error as { code?: string }).code;
    throw new Error(
      code === "EADDRINUSE"
        ? `port ${settings.port} is in use: set GATEWAY_PORT to another port, or stop what is listening there`
        : `the gateway could not listen on ${settings.host}:${settings.port}: ${(error as Error).message}`,
    );
  }
  // Once it listens, so that a peer that finds the new endpoint finds the gateway there.
  await registerEndpoints(
    gateway.services.departments.values(),
    (code) => departmentEndpoint(settings.publicUrl, code),
    gateway.services.logger,
  );
  const devKeysFile = secrets.source === "dev" ? `${dataDir}/dev-api-keys.json` : undefined;
  if (devKeysFile) await ensureDevApiKeys(gateway.services.departments.values(), devKeysFile);
  return { gateway, url, devKeysFile, close: () => gateway.close() };
}

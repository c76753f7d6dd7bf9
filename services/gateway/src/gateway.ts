// A gateway process: the shared chain index and catalogue, one runtime per hosted department, and the HTTP server.
import { createServer as createHttpServer, type Server } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { Provider } from "ethers";
import pino, { type Logger } from "pino";
import type { Catalogue } from "../../../lib/catalogue/schemas.ts";
import type { DeploymentRecord } from "../../../lib/chain/deploymentStore.ts";
import { FailoverProvider } from "../../../lib/chain/failoverProvider.ts";
import { confirmationsOf } from "../../../lib/chain/receipt.ts";
import { NO_QUOTA, type QuotaSettings } from "./auth/keyQuota.ts";
import { type CatalogueService, loadCatalogueService } from "./catalogue/catalogueService.ts";
import type { AnchoringOptions } from "./chain/anchorWorker.ts";
import { blockCachedReads } from "./chain/blockCachedReads.ts";
import { createChainIndex } from "./chain/chainIndex.ts";
import { liveRegistries } from "./chain/liveRegistries.ts";
import { createCommitmentFollower, DEFAULT_COMMITMENT_CHECK_MS } from "./commitments/followCommitments.ts";
import {
  type ApplicationLimits,
  type DepartmentRuntime,
  type HostedDepartmentConfig,
  openDepartment,
} from "./department.ts";
import { createFederationAuthenticator } from "./federation/authenticateFederation.ts";
import { createFederationClient } from "./federation/federationClient.ts";
import { inProcessPeers } from "./federation/inProcessPeers.ts";
import { logRefusedPeer } from "./federation/refusedPeer.ts";
import { type AppHooks, createApp } from "./http/app.ts";
import { answerClientError } from "./http/clientError.ts";
import { Metrics } from "./http/metrics.ts";
import type { RouteSpec } from "./http/route.ts";
import { ROUTES } from "./http/routes/index.ts";
import type { GatewayServices } from "./services.ts";

export interface GatewayOptions {
  provider: Provider;
  deployment: DeploymentRecord;
  catalogue: Catalogue;
  departments: HostedDepartmentConfig[];
  districtSecret: Uint8Array;
  /** Each department's database and key file live under `<dataDir>/<code>/`. */
  dataDir: string;
  anchoring: AnchoringOptions;
  /** Base URL under which this process serves departments (what the chain lists as their endpoints). */
  publicUrl: string;
  bodyLimitBytes?: number;
  logger?: Logger;
  indexPollMs?: number;
  now?: () => number;
  // biome-ignore lint/suspicious/noExplicitAny: route declarations differ in body and query types.
  extraRoutes?: readonly RouteSpec<any, any, any>[];
  /** Replaces the default check of signed gateway-to-gateway requests (EIP-191 by a department signer on chain). */
  authenticateFederation?: AppHooks["authenticateFederation"];
  /** How long a query to another department's gateway may take before its material counts as unavailable. */
  federationTimeoutMs?: number;
  /** How often each department commits its access log to the chain; 0 = only on demand. */
  accessLogCommitMs?: number;
  /** New applications per API key and hour, and how long an application stays live. */
  applications?: ApplicationLimits;
  /** Requests a second per API key and per peer gateway (429 beyond); none when not given. */
  keyQuota?: QuotaSettings;
  /** How often each department checks its open commitments with the issuers; 0 = only when asked. */
  commitmentCheckMs?: number;
  /** HTTPS instead of HTTP (plain HTTP is then not served at all); `ca` is what peers' certificates must chain to. */
  tls?: GatewayTls;
}

export interface GatewayTls {
  /** PEM: the gateway's certificate (with its chain) and private key. */
  cert: string | Buffer;
  key: string | Buffer;
  /** PEM: the CA a peer gateway's certificate must be issued by; the system's CAs when absent. */
  ca?: string | Buffer;
}

export interface Gateway {
  services: GatewayServices;
  app: ReturnType<typeof createApp>;
  listen(port: number, host?: string): Promise<{ url: string; server: Server }>;
  close(): Promise<void>;
}

export async function createGateway(options: GatewayOptions): Promise<Gateway> {
  const logger = options.logger ?? pino({ name: "oncechain-gateway", level: process.env.LOG_LEVEL ?? "info" });
  const metrics = new Metrics();
  // Every registry is found through the directory, and followed through it: a fix rolled out there is picked up.
  const index = createChainIndex({
    provider: options.provider,
    directory: options.deployment.directory,
    fromBlock: options.deployment.fromBlock,
    pollMs: options.indexPollMs,
    onError: (error) => logger.warn({ err: { message: (error as Error).message } }, "chain index could not sync"),
  });
  await index.start();
  const registries = liveRegistries(options.deployment, index, options.provider);
  let closing = false;
  let catalogue: CatalogueService | undefined;
  /** Whether the directory named a registry the catalogue reads while the catalogue was first read. */
  let namedWhileLoading = false;
  /** Reads the catalogue's on-chain side again, and again a second later while that fails: it must not stay stale. */
  const reloadCatalogue = (): void => {
    catalogue?.reload().catch((error: unknown) => {
      logger.warn({ err: { message: (error as Error).message } }, "the catalogue could not be read again; retrying");
      if (!closing) setTimeout(reloadCatalogue, 1_000).unref();
    });
  };
  // Listened to before the catalogue is first read, so that a registry named meanwhile is not missed.
  index.onRegistrySet((name, address) => {
    logger.info({ registry: name, address }, "the directory names a new registry version; following it");
    // A new record registry may read a new type registry: the type ids of new records follow it.
    if (name === "CredentialRecordRegistry" || name === "ScenarioRegistry" || name === "DepartmentRegistry") {
      if (catalogue) reloadCatalogue();
      else namedWhileLoading = true;
    }
  });
  catalogue = await loadCatalogueService(options.catalogue, registries);
  if (namedWhileLoading) reloadCatalogue();
  const departments = new Map<string, DepartmentRuntime>();
  for (const config of options.departments) {
    const id = catalogue.departmentIds.get(config.code);
    const seeded = options.catalogue.departments.find((d) => d.code === config.code);
    if (!id || !seeded) throw new Error(`department ${config.code} is not registered on chain`);
    const runtime = await openDepartment({
      config,
      id,
      names: { nameZh: seeded.nameZh, nameEn: seeded.nameEn },
      provider: options.provider,
      deployment: options.deployment,
      index,
      dataDir: options.dataDir,
      anchoring: options.anchoring,
      accessLogCommitMs: options.accessLogCommitMs,
      applications: options.applications,
      now: options.now,
      onAnchored: (department, count, latencies) => {
        metrics.inc("oncechain_records_anchored_total", "Records anchored on chain", { department }, count);
        for (const ms of latencies)
          metrics.observe("oncechain_anchor_lag_seconds", "Accepted-to-anchored latency", ms / 1000);
      },
      onStranded: (department, count, registry) => {
        metrics.inc("oncechain_records_stranded_total", "Records that can be anchored nowhere", { department }, count);
        logger.error(
          { department, count, registry, event: "records-stranded" },
          "queued records were issued against types no open record registry reads any more: marked stranded, to be " +
            "issued again (the operator closed their registry before they were anchored)",
        );
      },
      // Once the gateway is closing, a chain already stopped (Ctrl-C reaches the whole process group, the chain node
      // with it) fails what was in flight: that is no warning, and the work is taken up at the next start, as after
      // any failure (the queue and the uncommitted entries are on disk).
      onError: (department, error) =>
        logger[closing ? "debug" : "warn"](
          { department, err: { message: (error as Error).message } },
          closing ? "anchoring interrupted by the stop; resumed at the next start" : "anchoring failed; will retry",
        ),
      onCommitError: (department, error) =>
        logger[closing ? "debug" : "warn"](
          { department, err: { message: (error as Error).message } },
          closing
            ? "access log commit interrupted by the stop; made at the next start"
            : "access log commit failed; will retry",
        ),
    });
    departments.set(config.code, runtime);
  }
  metrics.gauge("oncechain_index_block", "Last block indexed", () => index.head());
  metrics.gauge("oncechain_index_records", "Records in the chain index", () => index.recordCount());
  metrics.gauge(
    "oncechain_index_events",
    "Events of the registries the index has applied since it started",
    () => index.stats().events,
  );
  metrics.gauge(
    "oncechain_index_sync_milliseconds",
    "Time the index's syncs with the chain took since it started",
    () => index.stats().syncMs,
  );
  // Several nodes of the chain: each move from one to another is logged and counted.
  const stopWatchingNodes =
    options.provider instanceof FailoverProvider
      ? options.provider.onSwitch(({ from, to, reason }) => {
          logger.warn({ from, to, reason }, "chain requests moved to another RPC node");
          metrics.inc(
            "oncechain_rpc_node_switches_total",
            "Times chain requests moved from one RPC node to another (down, failing, too slow or behind)",
            { from, to },
          );
        })
      : () => undefined;
  const services: GatewayServices = {
    provider: options.provider,
    deployment: options.deployment,
    registries,
    index,
    chainReads: blockCachedReads(index, registries),
    catalogue,
    districtSecret: options.districtSecret,
    departments,
    federation: createFederationClient({
      index,
      inProcess: inProcessPeers(() => services),
      timeoutMs: options.federationTimeoutMs ?? 3_000,
      now: options.now ?? Date.now,
      peerCa: options.tls?.ca,
    }),
    logger,
    metrics,
    limits: { bodyBytes: options.bodyLimitBytes ?? 64 * 1024, keyQuota: options.keyQuota ?? NO_QUOTA },
    publicUrl: options.publicUrl,
    now: options.now ?? Date.now,
    commitmentFollowers: new Map(),
  };
  for (const department of departments.values()) {
    const follower = createCommitmentFollower(
      { services, department },
      options.commitmentCheckMs ?? DEFAULT_COMMITMENT_CHECK_MS,
      (error) =>
        logger.warn(
          { department: department.code, err: { message: (error as Error).message } },
          "a commitment could not be checked; will retry",
        ),
    );
    services.commitmentFollowers.set(department.code, follower);
  }
  const app = createApp(services, [...ROUTES, ...(options.extraRoutes ?? [])], {
    authenticateFederation: options.authenticateFederation ?? createFederationAuthenticator(services),
    onPeerRefused: (req, department, error, proved) => logRefusedPeer(services, department, req, error, proved),
    async readiness() {
      try {
        const chainHead = await options.provider.getBlockNumber();
        // The index follows the chain as far behind its head as the chain's confirmations ask.
        const lag = chainHead - (confirmationsOf(options.provider) - 1) - index.head();
        return { ready: lag <= 2, checks: { chain: "reachable", chainHead, indexedBlock: index.head(), lag } };
      } catch {
        return { ready: false, checks: { chain: "unreachable", indexedBlock: index.head() } };
      }
    },
  });
  for (const department of departments.values()) {
    department.worker.start();
    department.accessLogCommitter.start();
    services.commitmentFollowers.get(department.code)?.start();
  }
  let server: Server | undefined;
  return {
    services,
    app,
    listen(port, host = "127.0.0.1") {
      return new Promise((resolve, reject) => {
        // With a certificate, HTTPS alone: a request in plain HTTP finds no server that speaks it.
        const s: Server = options.tls
          ? (createHttpsServer({ cert: options.tls.cert, key: options.tls.key }, app) as unknown as Server)
          : createHttpServer(app);
        s.once("error", reject);
        s.listen(port, host, () => {
          s.off("error", reject);
          server = s;
          const address = s.address();
          const actual = typeof address === "object" && address ? address.port : port;
          const scheme = options.tls ? "https" : "http";
          const url = `${scheme}://${host.includes(":") ? `[${host}]` : host}:${actual}`;
          resolve({ url, server: s });
        });
        s.on("clientError", answerClientError(logger));
      });
    },
    async close() {
      closing = true;
      stopWatchingNodes();
      for (const follower of services.commitmentFollowers.values()) await follower.stop();
      await index.stop();
      if (server) await new Promise<void>((resolve) => server?.close(() => resolve()));
      for (const department of departments.values()) await department.close();
    },
  };
}

// Where a gateway process gets its settings and secrets: the environment, or on a development chain the dev keys.
import { readFileSync } from "node:fs";
import { getBytes, hexlify } from "ethers";
import { LOCAL_CHAIN_ID, loadOrCreateDevKeys } from "../../../lib/chain/devKeys.ts";
import { passwordFromEnvironment, walletFromKeystore } from "../../../lib/chain/keystore.ts";
import { DEFAULT_KEY_QUOTA, type QuotaSettings } from "./auth/keyQuota.ts";
import { DEFAULT_SELF_SERVICE_MINUTES } from "./auth/selfServiceTokens.ts";
import type { AnchoringOptions } from "./chain/anchorWorker.ts";
import { DEFAULT_COMMITMENT_CHECK_MS } from "./commitments/followCommitments.ts";
import {
  type ApplicationLimits,
  DEFAULT_ACCESS_LOG_COMMIT_MS,
  DEFAULT_APPLICATION_LIMITS,
  type HostedDepartmentConfig,
} from "./department.ts";
import type { GatewayTls } from "./gateway.ts";

export interface ProcessSettings {
  port: number;
  host: string;
  publicUrl: string;
  anchoring: AnchoringOptions;
  bodyLimitBytes: number;
  applications: ApplicationLimits;
  /** Requests a second per API key and per peer gateway, and at once (GATEWAY_KEY_RATE, 0: none; GATEWAY_KEY_BURST). */
  keyQuota: QuotaSettings;
  /** How long a query to another department's gateway may take before its materials cannot be checked now. */
  peerTimeoutMs: number;
  /** How often each department commits its access log to the chain; 0 = only on POST /access-log/commit. */
  accessLogCommitMs: number;
  /** How often each department checks its open commitments with the issuers; 0 = only on POST …/check. */
  commitmentCheckMs: number;
  /** HTTPS (and no plain HTTP), from GATEWAY_TLS_CERT and GATEWAY_TLS_KEY; GATEWAY_TLS_CA for peers' certificates. */
  tls?: GatewayTls;
}

/** The PEM file an environment variable names, or a message naming the variable and the file. */
function pemFile(name: string): Buffer | undefined {
  const file = process.env[name];
  if (!file) return undefined;
  let text: Buffer;
  try {
    text = readFileSync(file);
  } catch (error) {
    throw new Error(
      `${name}: cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
  if (!text.toString("latin1").includes("-----BEGIN ")) throw new Error(`${name}: ${file} is not a PEM file`);
  return text;
}

function tlsSettings(): GatewayTls | undefined {
  const cert = pemFile("GATEWAY_TLS_CERT");
  const key = pemFile("GATEWAY_TLS_KEY");
  const ca = pemFile("GATEWAY_TLS_CA");
  if (!cert !== !key)
    throw new Error("set both GATEWAY_TLS_CERT and GATEWAY_TLS_KEY (PEM files) for HTTPS, or neither");
  if (!cert || !key) {
    if (ca)
      throw new Error(
        "GATEWAY_TLS_CA is for a gateway served over HTTPS: set GATEWAY_TLS_CERT and GATEWAY_TLS_KEY too",
      );
    return undefined;
  }
  return { cert, key, ...(ca ? { ca } : {}) };
}

export interface Secrets {
  departments: HostedDepartmentConfig[];
  districtSecret: Uint8Array;
  source: "environment" | "dev";
}

function int(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a whole number (it is "${raw}")`);
  return value;
}

/**
 * GATEWAY_PORT, GATEWAY_HOST, GATEWAY_PUBLIC_URL, GATEWAY_BATCH_SIZE, GATEWAY_BATCH_WAIT_MS, GATEWAY_BODY_LIMIT,
 * GATEWAY_APPLICATIONS_PER_HOUR, GATEWAY_APPLICATION_DAYS, GATEWAY_ACCESS_LOG_COMMIT_MS, GATEWAY_SELF_SERVICE_MINUTES,
 * GATEWAY_PEER_TIMEOUT_MS, GATEWAY_COMMITMENT_CHECK_MS, GATEWAY_KEY_RATE, GATEWAY_KEY_BURST, GATEWAY_TLS_CERT,
 * GATEWAY_TLS_KEY, GATEWAY_TLS_CA.
 */
export function processSettings(): ProcessSettings {
  const port = int("GATEWAY_PORT", 8080);
  const host = process.env.GATEWAY_HOST ?? "127.0.0.1";
  const peerTimeoutMs = int("GATEWAY_PEER_TIMEOUT_MS", 3000);
  // 0 would abort every peer query before it is sent: no material could ever be checked.
  if (peerTimeoutMs === 0) throw new Error("GATEWAY_PEER_TIMEOUT_MS must be at least 1 (milliseconds)");
  const tls = tlsSettings();
  return {
    port,
    host,
    publicUrl: process.env.GATEWAY_PUBLIC_URL ?? `${tls ? "https" : "http"}://${host}:${port}`,
    ...(tls ? { tls } : {}),
    anchoring: { batchSize: int("GATEWAY_BATCH_SIZE", 64), maxWaitMs: int("GATEWAY_BATCH_WAIT_MS", 1000), pollMs: 100 },
    bodyLimitBytes: int("GATEWAY_BODY_LIMIT", 64 * 1024),
    applications: {
      perKeyPerHour: int("GATEWAY_APPLICATIONS_PER_HOUR", DEFAULT_APPLICATION_LIMITS.perKeyPerHour),
      lifetimeDays: int("GATEWAY_APPLICATION_DAYS", DEFAULT_APPLICATION_LIMITS.lifetimeDays),
      selfServiceMinutes: int("GATEWAY_SELF_SERVICE_MINUTES", DEFAULT_SELF_SERVICE_MINUTES),
    },
    keyQuota: {
      perSecond: int("GATEWAY_KEY_RATE", DEFAULT_KEY_QUOTA.perSecond),
      burst: int("GATEWAY_KEY_BURST", DEFAULT_KEY_QUOTA.burst),
    },
    peerTimeoutMs,
    accessLogCommitMs: int("GATEWAY_ACCESS_LOG_COMMIT_MS", DEFAULT_ACCESS_LOG_COMMIT_MS),
    commitmentCheckMs: int("GATEWAY_COMMITMENT_CHECK_MS", DEFAULT_COMMITMENT_CHECK_MS),
  };
}

function key32(name: string, value: string): Uint8Array {
  const bytes = getBytes(value.startsWith("0x") ? value : `0x${value}`);
  if (bytes.length !== 32) throw new Error(`${name} must be 32 bytes of hex`);
  return bytes;
}

/**
 * One department from the environment (its signer key, GATEWAY_DATA_KEY, DISTRICT_SECRET), which is how a department
 * runs its own gateway; or, on a development chain without them, every named department from the dev keys. The signer
 * key is GATEWAY_SIGNER_KEY, or the keystore file GATEWAY_SIGNER_KEYSTORE opened with GATEWAY_SIGNER_KEYSTORE_PASSWORD_FILE
 * (or GATEWAY_SIGNER_KEYSTORE_PASSWORD): a service has no terminal to ask on.
 */
export async function loadSecrets(chainId: bigint, dataDir: string, codes: readonly string[]): Promise<Secrets> {
  const { GATEWAY_SIGNER_KEY, GATEWAY_SIGNER_KEYSTORE, GATEWAY_DATA_KEY, DISTRICT_SECRET } = process.env;
  const signer = GATEWAY_SIGNER_KEY || GATEWAY_SIGNER_KEYSTORE;
  if (signer || GATEWAY_DATA_KEY || DISTRICT_SECRET) {
    if (!signer || !GATEWAY_DATA_KEY || !DISTRICT_SECRET) {
      throw new Error(
        "set all three of GATEWAY_SIGNER_KEY (or GATEWAY_SIGNER_KEYSTORE), GATEWAY_DATA_KEY and DISTRICT_SECRET, or none",
      );
    }
    if (GATEWAY_SIGNER_KEY && GATEWAY_SIGNER_KEYSTORE) {
      throw new Error("set GATEWAY_SIGNER_KEY or GATEWAY_SIGNER_KEYSTORE, not both");
    }
    if (codes.length !== 1) throw new Error("keys from the environment serve exactly one --department");
    return {
      departments: [
        {
          code: codes[0] as string,
          signerKey: GATEWAY_SIGNER_KEY
            ? hexlify(key32("GATEWAY_SIGNER_KEY", GATEWAY_SIGNER_KEY))
            : await signerFromKeystore(GATEWAY_SIGNER_KEYSTORE as string),
          dataKey: key32("GATEWAY_DATA_KEY", GATEWAY_DATA_KEY),
        },
      ],
      districtSecret: key32("DISTRICT_SECRET", DISTRICT_SECRET),
      source: "environment",
    };
  }
  if (chainId !== BigInt(LOCAL_CHAIN_ID)) {
    throw new Error(
      `chain ${chainId} is not a development chain: set GATEWAY_SIGNER_KEY (or GATEWAY_SIGNER_KEYSTORE), GATEWAY_DATA_KEY and DISTRICT_SECRET`,
    );
  }
  const keys = loadOrCreateDevKeys(dataDir, codes);
  return {
    departments: codes.map((code) => ({
      code,
      signerKey: keys.departments[code] as string,
      dataKey: key32(`dev data key of ${code}`, keys.dataKeys[code] as string),
    })),
    districtSecret: key32("dev district secret", keys.districtSecret),
    source: "dev",
  };
}

async function signerFromKeystore(path: string): Promise<string> {
  const password = passwordFromEnvironment("GATEWAY_SIGNER_KEYSTORE_PASSWORD");
  if (password === undefined) {
    throw new Error(
      `GATEWAY_SIGNER_KEYSTORE is set (${path}) but not its password: set GATEWAY_SIGNER_KEYSTORE_PASSWORD_FILE ` +
        "(or GATEWAY_SIGNER_KEYSTORE_PASSWORD)",
    );
  }
  return (await walletFromKeystore("GATEWAY_SIGNER_KEYSTORE", path, password)).privateKey;
}

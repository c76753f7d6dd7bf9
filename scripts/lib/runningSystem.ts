// Where a running `npm start` or `npm run cluster` of this checkout is: it writes its chain, gateways and data
// directory to a git-ignored file in the checkout, so that commands from another terminal find it without being given
// the same environment.
// The file is in the checkout, not the data directory, because the data directory is one of the things to be found.
import { existsSync, mkdirSync, readFileSync, realpathSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dataDir, projectRoot } from "./paths.ts";
import { processAlive } from "./processAlive.ts";

export interface RunningRecord {
  /** The process of `npm start` or `npm run cluster` (the one running scripts/start.ts or scripts/cluster.ts). */
  pid: number;
  /** Which of the two; a record without it (written before the cluster existed) is npm start's. */
  command?: RunningCommand;
  startedAt: string;
  chainRpcUrl: string;
  /** Where this machine reaches the gateway hosting every department; with npm run cluster, its first gateway's. */
  gatewayUrl: string;
  dataDir: string;
  /** npm run cluster: each department's own gateway process, by department code. */
  departments?: Record<string, { url: string; pid: number }>;
}

export type RunningCommand = "npm start" | "npm run cluster";

/** What a command from another terminal talks to, and where each setting came from. */
export interface LocalSystem {
  rpcUrl: string;
  gatewayUrl: string;
  dataDir: string;
  /** The running npm start or cluster these came from, where the environment did not set them. */
  running?: RunningRecord;
  /** The URL of a department (`…/departments/<code>`) on the gateway that hosts it. */
  departmentUrl(code: string): string;
}

export function runningFile(root = projectRoot): string {
  return `${root}.oncechain/running.json`;
}

function readRecord(file: string): RunningRecord | undefined {
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, "utf8")) as RunningRecord;
  } catch {
    return undefined;
  }
}

/**
 * Records this process as the running npm start, unless another live npm start of this checkout is recorded already
 * (then that one stays what other terminals find, and this returns it). Returns a function that removes the record.
 */
export function recordRunning(
  record: Omit<RunningRecord, "pid" | "startedAt">,
  file = runningFile(),
): { release(): void } | { other: RunningRecord } {
  const other = readRecord(file);
  if (other && other.pid !== process.pid && processAlive(other.pid)) return { other };
  mkdirSync(file.slice(0, file.lastIndexOf("/")), { recursive: true });
  const mine: RunningRecord = { pid: process.pid, startedAt: new Date().toISOString(), ...record };
  writeFileSync(`${file}.${process.pid}`, `${JSON.stringify(mine, null, 2)}\n`);
  renameSync(`${file}.${process.pid}`, file);
  return {
    release() {
      if (readRecord(file)?.pid === process.pid) rmSync(file, { force: true });
    },
  };
}

/** The running npm start or cluster of this checkout, if its process is alive; one left by a process gone is ignored. */
export function findRunning(file = runningFile()): RunningRecord | undefined {
  const record = readRecord(file);
  if (!record) return undefined;
  if (processAlive(record.pid)) return record;
  console.error(
    `note: ignoring ${file}: the ${record.command ?? "npm start"} that wrote it (pid ${record.pid}, started ${record.startedAt}) is no ` +
      "longer running; using the environment and the defaults",
  );
  return undefined;
}

const samePath = (a: string, b: string) => {
  const real = (p: string) => (existsSync(p) ? realpathSync(p) : p).replace(/\/+$/, "");
  return real(a) === real(b);
};

/**
 * Refuses to start `command` on `dir` while another npm start or npm run cluster of this checkout runs on it: both
 * keep their chain and every department's database there, and two of them would write the same files.
 */
export function refuseIfRunning(command: RunningCommand, dir: string, file = runningFile()): void {
  const other = findRunning(file);
  if (!other || other.pid === process.pid || !samePath(other.dataDir, dir)) return;
  throw new Error(
    `${other.command ?? "npm start"} (pid ${other.pid}) is running on the data directory ${other.dataDir}: ` +
      `stop it first (Ctrl-C in its terminal) before ${command}; the two share the chain and the gateways' data`,
  );
}

/**
 * The chain, gateway and data directory for a command run from any terminal: each from its environment variable
 * when set (CHAIN_RPC_URL or CHAIN_PORT; GATEWAY_PUBLIC_URL or GATEWAY_PORT; ONCECHAIN_DATA_DIR), else from the
 * running npm start, else the defaults.
 */
export function localSystem(): LocalSystem {
  const env = process.env;
  const chainFromEnv = env.CHAIN_RPC_URL ?? (env.CHAIN_PORT && `http://127.0.0.1:${env.CHAIN_PORT}`);
  const gatewayFromEnv = env.GATEWAY_PUBLIC_URL ?? (env.GATEWAY_PORT && `http://127.0.0.1:${env.GATEWAY_PORT}`);
  const running = chainFromEnv && gatewayFromEnv && env.ONCECHAIN_DATA_DIR ? undefined : findRunning();
  const gatewayUrl = gatewayFromEnv || running?.gatewayUrl || "http://127.0.0.1:8080";
  const departments = gatewayFromEnv ? undefined : running?.departments;
  return {
    rpcUrl: chainFromEnv || running?.chainRpcUrl || "http://127.0.0.1:8545",
    gatewayUrl,
    dataDir: env.ONCECHAIN_DATA_DIR ?? running?.dataDir ?? dataDir(),
    ...(running ? { running } : {}),
    departmentUrl(code) {
      if (!departments) return `${gatewayUrl}/departments/${code}`;
      const hosted = departments[code];
      if (!hosted) {
        throw new Error(
          `the running npm run cluster has no gateway for ${code} (it runs ${Object.keys(departments).join(", ")}); ` +
            `start it with --department ${code} among the others, or --all`,
        );
      }
      return `${hosted.url}/departments/${code}`;
    },
  };
}

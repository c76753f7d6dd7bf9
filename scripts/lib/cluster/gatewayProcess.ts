// One department's gateway as an OS process of its own (scripts/gateway.ts), its output kept in a log file beside its
// data, started and stopped by npm run cluster and by the tests that run departments apart.
import { type ChildProcess, spawn } from "node:child_process";
import { createWriteStream, mkdirSync } from "node:fs";
import { projectRoot } from "../paths.ts";

export interface GatewayProcessOptions {
  code: string;
  port: number;
  rpcUrl: string;
  dataDir: string;
  /** Set over this process's environment (GATEWAY_PEER_TIMEOUT_MS, LOG_LEVEL, …). */
  env?: Record<string, string>;
  /** How long it may take to be ready (default 120 s): a dozen starting at once on a loaded 2-core machine took 45. */
  timeoutMs?: number;
}

export interface GatewayProcess {
  code: string;
  pid: number;
  /** The gateway's base URL; the department is at `${url}/departments/${code}`. */
  url: string;
  logFile: string;
  child: ChildProcess;
  /** Resolves when the process has exited, however it ended. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** The last lines it printed, for a report when it ends unexpectedly. */
  tail(): string;
  /** SIGTERM (the gateway closes its databases), SIGKILL if it is still there after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

/** The variables that would make every process the same gateway, or one department's from the environment. */
const NOT_PASSED_ON = [
  "GATEWAY_PUBLIC_URL",
  "GATEWAY_PORT",
  "CHAIN_PORT",
  "GATEWAY_SIGNER_KEY",
  "GATEWAY_SIGNER_KEYSTORE",
  "GATEWAY_SIGNER_KEYSTORE_PASSWORD",
  "GATEWAY_SIGNER_KEYSTORE_PASSWORD_FILE",
  "GATEWAY_DATA_KEY",
  "DISTRICT_SECRET",
];

/** scripts/gateway.ts's line once it serves (its endpoint registered): "… department(s) at <url>/departments/<code>". */
const READY = /department\(s\) at (http\S+)\/departments\/<code>/;

export function gatewayLogFile(dataDir: string, code: string): string {
  return `${dataDir}/gateway/${code}/gateway.log`;
}

/**
 * Starts the gateway of `code` on `port` and resolves once it serves. The process is node itself with tsx's loader
 * (not tsx's own wrapper process), so that its pid is the gateway's and a signal sent to it reaches the gateway.
 */
export function startGatewayProcess(options: GatewayProcessOptions): Promise<GatewayProcess> {
  const { code, port } = options;
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of NOT_PASSED_ON) delete env[name];
  Object.assign(env, options.env, {
    CHAIN_RPC_URL: options.rpcUrl,
    ONCECHAIN_DATA_DIR: options.dataDir,
    GATEWAY_PORT: String(port),
  });
  const logFile = gatewayLogFile(options.dataDir, code);
  mkdirSync(logFile.slice(0, logFile.lastIndexOf("/")), { recursive: true });
  const log = createWriteStream(logFile, { flags: "a" });
  const child = spawn(
    process.execPath,
    [
      "--import",
      import.meta.resolve("tsx"),
      "--max-semi-space-size=16",
      `${projectRoot}scripts/gateway.ts`,
      "--department",
      code,
    ],
    { cwd: projectRoot, env, stdio: ["ignore", "pipe", "pipe"] },
  );
  let recent = "";
  const onOutput = (chunk: Buffer) => {
    log.write(chunk);
    recent = (recent + chunk.toString()).slice(-4000);
  };
  child.stdout?.on("data", onOutput);
  child.stderr?.on("data", onOutput);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (exitCode, signal) => {
      log.end();
      resolve({ code: exitCode, signal });
    }),
  );
  const handle = (url: string): GatewayProcess => ({
    code,
    pid: child.pid ?? 0,
    url,
    logFile,
    child,
    exited,
    tail: () => recent.trimEnd().split("\n").slice(-8).join("\n"),
    async stop(graceMs = 10_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
      await exited;
      clearTimeout(timer);
    },
  });
  return new Promise((resolve, reject) => {
    const timeoutMs = options.timeoutMs ?? 120_000;
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(
        new Error(
          `the gateway of ${code} was not ready within ${timeoutMs / 1000} s; its log (${logFile}) ends:\n${recent.trimEnd()}`,
        ),
      );
    }, timeoutMs);
    const check = () => {
      const found = READY.exec(recent)?.[1];
      if (!found) return;
      clearTimeout(timer);
      child.stdout?.off("data", check);
      resolve(handle(found));
    };
    child.stdout?.on("data", check);
    void exited.then(({ code: exitCode, signal }) => {
      clearTimeout(timer);
      reject(
        new Error(
          `the gateway of ${code} exited while starting (${signal ?? `code ${exitCode}`}):\n${recent.trimEnd()}`,
        ),
      );
    });
  });
}

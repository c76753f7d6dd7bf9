// Runs the project's scripts as a user would, as child processes on the pinned Node, and reads what they print.
import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";
import { projectRoot } from "../../scripts/lib/paths.ts";
import { logCopy } from "../support/leftBehind.ts";

export interface Started {
  child: ChildProcess;
  output(): string;
  /** What it printed on stdout alone. */
  stdout(): string;
  /** Each line printed (stdout and stderr), with the time it arrived. */
  lines(): { at: number; text: string }[];
  /** Resolves once the output matches, rejects if the process exits first or the time runs out. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** Resolves with the exit code once the output is closed too (by the command and whatever it started). */
  exited: Promise<number | null>;
  /** What Ctrl-C does in a terminal: SIGINT to the command (with runNpm, to its whole process group). */
  interrupt(signal?: NodeJS.Signals): void;
}

/** The variables that tell the scripts where the system is: a second terminal that was given none has none of them. */
export const LOCATION_VARIABLES = [
  "CHAIN_RPC_URL",
  "CHAIN_PORT",
  "GATEWAY_PORT",
  "GATEWAY_HOST",
  "GATEWAY_PUBLIC_URL",
  "ONCECHAIN_DATA_DIR",
];

function environment(env: Record<string, string>): NodeJS.ProcessEnv {
  const merged: NodeJS.ProcessEnv = { ...process.env };
  for (const name of LOCATION_VARIABLES) delete merged[name];
  return { ...merged, ...env };
}

function track(child: ChildProcess, group: boolean, label: string): Started {
  const copy = logCopy(label);
  let text = "";
  let stdout = "";
  const lines: { at: number; text: string }[] = [];
  let partial = "";
  const listeners = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    copy?.(chunk);
    const at = Date.now();
    text += chunk.toString();
    const parts = (partial + chunk.toString()).split("\n");
    partial = parts.pop() ?? "";
    for (const line of parts) lines.push({ at, text: line });
    for (const listener of listeners) listener();
  };
  child.stdout?.on("data", (chunk: Buffer) => {
    stdout += chunk.toString();
    onData(chunk);
  });
  child.stderr?.on("data", onData);
  const exited = new Promise<number | null>((resolve) => child.once("close", (code) => resolve(code)));
  return {
    child,
    output: () => text,
    stdout: () => stdout,
    lines: () => lines,
    exited,
    interrupt(signal = "SIGINT") {
      if (child.exitCode !== null || child.signalCode !== null || !child.pid) return;
      if (group) process.kill(-child.pid, signal);
      else child.kill(signal);
    },
    waitFor(pattern, timeoutMs = 120_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const match = pattern.exec(text);
          if (match) {
            cleanup();
            resolve(match[0]);
          }
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`timed out waiting for ${pattern}; output so far:\n${text}`));
        }, timeoutMs);
        void exited.then((code) => {
          cleanup();
          reject(new Error(`exited with ${code} before ${pattern}; output:\n${text}`));
        });
        const cleanup = () => {
          clearTimeout(timer);
          listeners.delete(check);
        };
        listeners.add(check);
        check();
      });
    },
  };
}

/** `tsx scripts/<script>` in this checkout, with `env` over the test's environment (less the location variables). */
export function runScript(script: string, args: string[], env: Record<string, string>): Started {
  const child = spawn(`${projectRoot}node_modules/.bin/tsx`, [`${projectRoot}scripts/${script}`, ...args], {
    cwd: projectRoot,
    env: environment(env),
    stdio: ["ignore", "pipe", "pipe"],
  });
  return track(child, false, script);
}

/**
 * `tsx scripts/<script>` as on a terminal: under `script` (util-linux), which gives it a pseudo-terminal for its standard
 * input and output, so that it can ask for a password; `type` sends keys to that terminal.
 */
export function runOnTerminal(
  script: string,
  args: string[],
  env: Record<string, string>,
): Started & { type(text: string): void } {
  const command = [`${projectRoot}node_modules/.bin/tsx`, `${projectRoot}scripts/${script}`, ...args]
    .map((word) => `'${word.replaceAll("'", `'\\''`)}'`)
    .join(" ");
  const child = spawn("script", ["--quiet", "--return", "--command", command, "/dev/null"], {
    cwd: projectRoot,
    env: environment(env),
    stdio: ["pipe", "pipe", "pipe"],
  });
  return { ...track(child, false, script), type: (text) => child.stdin?.write(text) };
}

/**
 * `npm <args>` in the checkout at `root`, as typed in a terminal: in a process group of its own, which interrupt()
 * signals as Ctrl-C would. `env` goes over the test's environment, less the location variables.
 */
export function runNpm(root: string, args: string[], env: Record<string, string> = {}): Started {
  const child = spawn("npm", args, {
    cwd: root,
    env: environment(env),
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  return track(child, true, `npm ${args.join(" ")}`);
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

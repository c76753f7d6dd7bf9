// What every `npm run audit` command is given and gives back: the chain alone (an RPC URL and the directory), and a
// report a person can read and a machine can parse. The dispatcher (scripts/audit.ts) turns reports into exit codes.
import type { JsonRpcProvider } from "ethers";

/** What a command may use: a JSON-RPC connection and the RegistryDirectory's address, nothing of any gateway. */
export interface AuditContext {
  provider: JsonRpcProvider;
  /** Address of the deployment's RegistryDirectory: every registry is found through it. */
  directory: string;
  /** Where the command reports progress on a long check (a bar on a terminal, quiet under --json). */
  progress(label: string, total: number): { tick(count?: number): void; stop(): void };
}

/** One command's outcome: `ok` false exits 1; `lines` is what a person reads, `details` what --json prints. */
export interface AuditReport {
  command: string;
  ok: boolean;
  lines: string[];
  details: unknown;
}

/**
 * Bad usage or input (a missing argument, an unreadable file, a file that is not what the command checks): exit 2,
 * with a message that names the file and, where a parser says so, the line. Never used for a check that failed.
 */
export class AuditInputError extends Error {
  override name = "AuditInputError";
}

export type AuditCommand = (context: AuditContext, args: string[]) => Promise<AuditReport>;

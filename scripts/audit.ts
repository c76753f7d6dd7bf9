// npm run audit -- <command> …: the auditor's checks, against the chain alone over JSON-RPC (an RPC URL and the
// RegistryDirectory's address; no gateway, no API key). Exit 0: every check passed; 1: a check failed; 2: the check
// could not be made (bad usage, a file that is missing or not what the command reads, no chain at the URL).
import { isError } from "ethers";
import { nodeLabels } from "../lib/chain/failoverProvider.ts";
import { type AuditCommand, AuditInputError } from "./lib/audit/command.ts";
import { connectChain, directoryAddress, directoryRegistries } from "./lib/audit/connect.ts";
import { type Invocation, parseInvocation, printReport, progressOn } from "./lib/audit/invocation.ts";
import { VERIFY_CATALOGUE_HELP, verifyCatalogue } from "./lib/audit/verifyCatalogue.ts";
import { VERIFY_DISCLOSURE_HELP, verifyDisclosure } from "./lib/audit/verifyDisclosure.ts";
import { VERIFY_LOG_HELP, verifyLog } from "./lib/audit/verifyLog.ts";
import { VERIFY_RECORD_HELP, verifyRecord } from "./lib/audit/verifyRecord.ts";
import { VERIFY_SCENARIO_HELP, verifyScenario } from "./lib/audit/verifyScenario.ts";
import { localSystem } from "./lib/runningSystem.ts";

interface CommandEntry {
  run: AuditCommand;
  synopsis: string;
  summary: string;
  help: string;
}

const COMMANDS: Record<string, CommandEntry> = {
  "verify-record": {
    run: verifyRecord,
    synopsis: "verify-record <file>",
    summary: "a record a gateway gave out: its hash, its batch proof, its status and evidence on chain",
    help: VERIFY_RECORD_HELP,
  },
  "verify-disclosure": {
    run: verifyDisclosure,
    synopsis: "verify-disclosure <file>",
    summary: "some fields of a record, disclosed without the others: their proofs, and the record on chain",
    help: VERIFY_DISCLOSURE_HELP,
  },
  "verify-log": {
    run: verifyLog,
    synopsis: "verify-log <export>",
    summary: "a department's access-log export against its commitments on chain",
    help: VERIFY_LOG_HELP,
  },
  "verify-catalogue": {
    run: verifyCatalogue,
    synopsis: "verify-catalogue [seeds dir]",
    summary: "every department, credential type, scenario and grant of the seeds against the chain",
    help: VERIFY_CATALOGUE_HELP,
  },
  "verify-scenario": {
    run: verifyScenario,
    synopsis: "verify-scenario <code|file>",
    summary: "one scenario definition's hash and registration against the chain",
    help: VERIFY_SCENARIO_HELP,
  },
};

const USAGE = [
  "usage: npm run audit -- <command> [arguments] [--rpc <url>] [--directory <address> | --deployment <file>] [--json]",
  "",
  "Checks what oncechain holds on chain, reading the chain alone over JSON-RPC: no gateway, no API key.",
  "",
  "commands:",
  ...Object.values(COMMANDS).map((c) => `  ${c.synopsis.padEnd(30)} ${c.summary}`),
  "",
  "options:",
  "  --rpc <url>[,<url>...] the chain's JSON-RPC URL, or several of its nodes (default: CHAIN_RPC_URL, else the chain of a running npm start,",
  "                         else http://127.0.0.1:8545)",
  "  --directory <address>  the RegistryDirectory, through which every registry is found",
  "  --deployment <file>    a deployment record (as in data/deployments/<chainId>.json) naming the directory; with",
  "                         neither, the deployment recorded for the chain in the data directory",
  "  --json                 the report as one JSON document on stdout",
  "  --help                 this text; <command> --help for the command's",
  "",
  "exit status: 0 every check passed, 1 a check failed, 2 the check could not be made (bad usage or input, no chain)",
].join("\n");

/** A failure of the chain's connection rather than of a check: the node went away or answered garbage. */
function chainFailure(error: unknown): boolean {
  return ["NETWORK_ERROR", "SERVER_ERROR", "TIMEOUT"].some((code) => isError(error, code as "NETWORK_ERROR"));
}

async function run(invocation: Invocation): Promise<number> {
  const { flags, command, args } = invocation;
  if (command === "help" || (command === undefined && flags.help)) {
    const entry = COMMANDS[args[0] ?? ""];
    console.log(entry ? entry.help : USAGE);
    return 0;
  }
  if (command === undefined) throw new AuditInputError(USAGE);
  const entry = COMMANDS[command];
  if (!entry)
    throw new AuditInputError(`unknown command "${command}"; the commands are ${Object.keys(COMMANDS).join(", ")}`);
  if (flags.help) {
    console.log(entry.help);
    return 0;
  }
  const rpcUrl = flags.rpc ?? localSystem().rpcUrl;
  const { provider, chainId } = await connectChain(rpcUrl);
  try {
    const directory = await directoryAddress({ ...flags, dataDir: () => localSystem().dataDir }, chainId);
    await directoryRegistries(provider, directory);
    const report = await entry.run({ provider, directory, progress: progressOn(flags.json) }, args);
    printReport(report, flags.json);
    return report.ok ? 0 : 1;
  } catch (error) {
    if (chainFailure(error)) {
      throw new AuditInputError(
        `the chain at ${nodeLabels(rpcUrl)} stopped answering: ${(error as { shortMessage?: string }).shortMessage ?? error}`,
      );
    }
    throw error;
  } finally {
    provider.destroy();
  }
}

async function main(argv: string[]): Promise<number> {
  try {
    return await run(parseInvocation(argv));
  } catch (error) {
    if (error instanceof AuditInputError) console.error(error.message);
    else {
      console.error(`error: ${(error as Error).message ?? error}`);
      if (process.env.DEBUG) console.error((error as Error).stack);
    }
    return 2;
  }
}

process.exitCode = await main(process.argv.slice(2));

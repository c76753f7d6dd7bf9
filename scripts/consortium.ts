// npm run consortium -- init | check : a Besu QBFT network's folder for the district's consortium (docs/CONSORTIUM.md).
//   init   new validator keys (under <out>/keys, which git ignores), the genesis, each validator's config.toml and the
//          allowlists; refuses to overwrite a folder that has a genesis unless --force
//   check  whether the folder agrees with itself and with the contracts as compiled (exit 1 and each problem if not):
//          chain id, EVM fork, contract size, validators, allowlists, nodes, keys (the gas limit against our largest
//          transaction is checked by test/networks/besuQbft.test.ts, which measures it)
//   admin  one JSON-RPC call to a validator's administration (its loopback WebSocket, through an SSH tunnel): the
//          allowlists (perm_*), validator votes (qbft_*)
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { parseArgs } from "node:util";
import { isAddress, WebSocketProvider } from "ethers";
import { parseFlags, runCli } from "./lib/cli.ts";
import { checkQbftNetwork, compiledContracts } from "./lib/consortium/checkNetwork.ts";
import { type Fork, newValidators, qbftNetworkFiles } from "./lib/consortium/qbftNetwork.ts";
import { projectRoot } from "./lib/paths.ts";

const USAGE =
  "npm run consortium -- init --operator <address> [--accounts <address>,...] [--hosts <host>,...] [--chain-id <id>] " +
  "[--out <dir>] [--force]\n       npm run consortium -- check [--out <dir>]" +
  "\n       npm run consortium -- admin --node <ws://127.0.0.1:port> <method> [<params as JSON>]";

/** One call to a node's administration over WebSocket; prints its result as JSON. */
async function admin(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({ args, options: { node: { type: "string" } }, allowPositionals: true });
  const [method, params = "[]"] = positionals;
  if (!values.node || !/^wss?:\/\//.test(values.node) || !method) throw new Error(`usage: ${USAGE}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(params);
  } catch {
    throw new Error(`the params of ${method} are not JSON: give them as a JSON array, e.g. '[["0x…"]]'`);
  }
  if (!Array.isArray(parsed)) throw new Error(`the params of ${method} must be a JSON array`);
  const provider = new WebSocketProvider(values.node);
  try {
    console.log(JSON.stringify(await provider.send(method, parsed)));
  } finally {
    await provider.destroy();
  }
}

runCli(async () => {
  const [command, ...rest] = process.argv.slice(2);
  if (command === "admin") return admin(rest);
  process.argv.splice(2, process.argv.length, ...rest);
  const flags = parseFlags(
    {
      out: { type: "string" },
      operator: { type: "string" },
      accounts: { type: "string" },
      hosts: { type: "string" },
      "chain-id": { type: "string" },
      force: { type: "boolean" },
    },
    USAGE,
  );
  const out = resolve(flags.out ?? `${projectRoot}networks/besu-qbft`);
  const compiled = compiledContracts();
  if (command === "check") {
    const problems = checkQbftNetwork(out, compiled);
    for (const problem of problems) console.error(`${out}/${problem}`);
    if (problems.length > 0) process.exit(1);
    console.log(`${out}: consistent (EVM ${compiled.evmVersion}, ${Object.keys(compiled.codeSizes).length} contracts)`);
    return;
  }
  if (command !== "init") throw new Error(`usage: ${USAGE}`);
  if (!flags.operator || !isAddress(flags.operator)) throw new Error("--operator: give the operator's address (0x…)");
  const accounts = (flags.accounts ?? "").split(",").filter((a) => a !== "");
  const wrong = accounts.find((a) => !isAddress(a));
  if (wrong) throw new Error(`--accounts: ${wrong} is not an address`);
  const hosts = (flags.hosts ?? "127.0.0.1,127.0.0.1,127.0.0.1,127.0.0.1").split(",");
  const chainId = Number(flags["chain-id"] ?? 110116);
  if (!Number.isSafeInteger(chainId) || chainId <= 0)
    throw new Error(`--chain-id ${flags["chain-id"]}: not a chain id`);
  if (existsSync(`${out}/genesis.json`) && !flags.force) {
    throw new Error(`${out}/genesis.json exists: a network's genesis is made once (--force to make a new network)`);
  }
  // All on one host: a trial on one machine, each validator on ports of its own.
  const portPerNode = new Set(hosts).size < hosts.length;
  const options = {
    chainId,
    hosts,
    p2pPort: 30303,
    rpcPort: 8545,
    portPerNode,
    evmVersion: compiled.evmVersion as Fork,
    blockPeriodSeconds: 2,
    operator: flags.operator,
    accounts: [flags.operator, ...accounts],
  };
  const files = qbftNetworkFiles(options, newValidators(options), "besu-qbft");
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(`${out}/${path}`), { recursive: true });
    writeFileSync(`${out}/${path}`, text, path.startsWith("keys/") ? { mode: 0o600 } : {});
  }
  const problems = checkQbftNetwork(out, compiled);
  if (problems.length > 0) throw new Error(`the network made is not consistent:\n${problems.join("\n")}`);
  console.log(`${out}: ${hosts.length} validators, chain ${chainId}; their keys in ${out}/keys (keep them there)`);
});

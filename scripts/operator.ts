// npm run operator -- <command>: what the district's operator does on chain besides deploying and seeding.
//   roll-out <Registry>          this checkout's version of a registry, beside the live one, named in the directory
//   close <Registry> | open <Registry> [--address <a version the directory named>]
//                                the emergency stop (AccessManager.setTargetClosed), and lifting it
//   reject-log-commitments --department <code> --from-index <n> --reason <n> [--address <a version>]
//                                sets a department's newest access-log commitments aside (made with a misused key)
//   rotate-signer --department <code> --old <address> --new <address>
//                                replaces a department's signer key on chain (DepartmentRegistry.rotateSigner)
//   fund --to <address> [--wei <n>]
//                                sends the chain's currency from the operator's account (a new department's signer)

import { getAddress, isAddress } from "ethers";
import { loadCatalogue } from "../lib/catalogue/loadCatalogue.ts";
import { deploymentFile, deploymentProblems, readDeployment } from "../lib/chain/deploymentStore.ts";
import { receiptOf } from "../lib/chain/receipt.ts";
import {
  connectRegistries,
  currentRegistries,
  REGISTRY_NAMES,
  type Registries,
  type RegistryName,
} from "../lib/chain/registries.ts";
import { codeKey } from "../lib/encoding/codeKey.ts";
import { connectProvider, resolveNetwork } from "./lib/chainConnection.ts";
import { parseFlags, runCli } from "./lib/cli.ts";
import { devDepartmentSigners } from "./lib/devDepartments.ts";
import { rejectLogCommitments, setClosed } from "./lib/operatorActions.ts";
import { operatorSigner } from "./lib/operatorSigner.ts";
import { seedsDir } from "./lib/paths.ts";
import { rollOut } from "./lib/rollOut.ts";
import { localSystem } from "./lib/runningSystem.ts";

const USAGE = [
  "npm run operator -- roll-out <Registry> [--network local|<network>|<rpc-url>[,<rpc-url>...]]",
  "       npm run operator -- close <Registry> | open <Registry> [--address <0x…>] [--network ...]",
  "       npm run operator -- reject-log-commitments --department <code> --from-index <n> --reason <n> [--address <0x…>] [--network ...]",
  "       npm run operator -- rotate-signer --department <code> --old <0x…> --new <0x…> [--network ...]",
  "       npm run operator -- fund --to <0x…> [--wei <n>] [--network ...]",
  `Registries: ${REGISTRY_NAMES.join(", ")}`,
].join("\n");

function registryName(value: string | undefined): RegistryName {
  if (!value || !(REGISTRY_NAMES as readonly string[]).includes(value)) {
    throw new Error(`name a registry (${value === undefined ? "none given" : `"${value}" is none`})\nusage: ${USAGE}`);
  }
  return value as RegistryName;
}

function wholeNumber(flag: string, value: string | undefined): number {
  if (value === undefined || !/^\d+$/.test(value)) throw new Error(`--${flag} must be a whole number\nusage: ${USAGE}`);
  return Number(value);
}

function address(flag: string, value: string | undefined): string {
  if (value === undefined || !isAddress(value)) throw new Error(`--${flag} must be an address (0x…)\nusage: ${USAGE}`);
  return getAddress(value);
}

async function departmentIdOf(registries: Registries, code: string | undefined): Promise<number> {
  if (!code) throw new Error(`--department is required\nusage: ${USAGE}`);
  const departmentId = Number(await registries.departments.departmentIdOf(codeKey(code)));
  if (departmentId === 0) throw new Error(`no department "${code}" is registered`);
  return departmentId;
}

runCli(async () => {
  const [command, ...rest] = process.argv.slice(2);
  if (!command || command === "--help" || command === "help") {
    console.log(`usage: ${USAGE}`);
    return;
  }
  // roll-out, close and open name a registry before their flags.
  const positional = ["reject-log-commitments", "rotate-signer", "fund"].includes(command) ? undefined : rest.shift();
  process.argv.splice(2, process.argv.length, ...rest);
  const flags = parseFlags(
    {
      network: { type: "string" },
      department: { type: "string" },
      "from-index": { type: "string" },
      reason: { type: "string" },
      address: { type: "string" },
      old: { type: "string" },
      new: { type: "string" },
      to: { type: "string" },
      wei: { type: "string" },
    },
    USAGE,
  );
  const system = localSystem();
  const target = resolveNetwork(flags.network, system);
  const provider = await connectProvider(target.rpcUrl, target);
  try {
    const { chainId } = await provider.getNetwork();
    // Not recordedDeployment: a roll-out is what brings a registry running other code in line, so that check would
    // refuse the very command that fixes it.
    const record = readDeployment(system.dataDir, chainId);
    if (!record)
      throw new Error(`nothing is deployed on chain ${chainId} (no ${deploymentFile(system.dataDir, chainId)})`);
    const catalogue = await loadCatalogue(seedsDir);
    const codes = catalogue.departments.map((d) => d.code);
    const operator = await operatorSigner(provider, system.dataDir, codes);
    const registries = connectRegistries(await currentRegistries(record, provider), operator.signer);
    switch (command) {
      case "roll-out": {
        const name = registryName(positional);
        const signers =
          operator.source === "dev" ? await devDepartmentSigners(provider, system.dataDir, codes) : undefined;
        const report = await rollOut(operator.signer, record, name, catalogue, signers);
        for (const { name: rolled, previous, address } of report.replaced) {
          console.log(`${rolled}: ${address} (replaces ${previous}, which stays on chain with its records)`);
        }
        for (const closed of report.closed) console.log(`${closed} is closed: it takes no new writes but revocations`);
        for (const { address, why } of report.leftOpen) console.log(`${address} stays open: ${why}`);
        if (report.seeded > 0) console.log(`${report.seeded} catalogue entries registered in the new registries`);
        const problems = await deploymentProblems(provider, record);
        console.log(
          problems.length === 0
            ? "the directory now names this checkout's registries; running gateways follow within a poll"
            : `still to settle:\n  - ${problems.join("\n  - ")}`,
        );
        break;
      }
      case "close":
      case "open": {
        const name = registryName(positional);
        // A version the directory named before (a replaced one, left open by a roll-out), or by default the current.
        const live = await currentRegistries(record, provider);
        const address = await setClosed(operator.signer, live, name, command === "close", flags.address);
        console.log(`${name} (${address}) is ${command === "close" ? "closed: it takes no writes" : "open again"}`);
        break;
      }
      case "reject-log-commitments": {
        const departmentId = await departmentIdOf(registries, flags.department);
        const fromIndex = wholeNumber("from-index", flags["from-index"]);
        const reason = wholeNumber("reason", flags.reason);
        if (reason > 255) throw new Error(`--reason must be at most 255\nusage: ${USAGE}`);
        const live = await currentRegistries(record, provider);
        const { registry, nextSequence } = await rejectLogCommitments(
          operator.signer,
          live,
          departmentId,
          fromIndex,
          reason,
          flags.address,
        );
        console.log(
          `${flags.department}'s commitments from index ${fromIndex} on in ${registry} are set aside (readable with ` +
            `rejectedAt); its next range starts at ${nextSequence}`,
        );
        break;
      }
      case "rotate-signer": {
        const departmentId = await departmentIdOf(registries, flags.department);
        const [old, next] = [address("old", flags.old), address("new", flags.new)];
        await receiptOf(await registries.departments.rotateSigner(departmentId, old, next));
        console.log(
          `${flags.department}'s signer ${old} is replaced by ${next}: records it anchored stay valid, it signs no more`,
        );
        break;
      }
      case "fund": {
        const to = address("to", flags.to);
        const value = BigInt(wholeNumber("wei", flags.wei ?? String(10n ** 21n)));
        await receiptOf(await operator.signer.sendTransaction({ to, value }));
        console.log(`sent ${value} wei to ${to}; it holds ${await provider.getBalance(to)}`);
        break;
      }
      default:
        throw new Error(`unknown command "${command}"\nusage: ${USAGE}`);
    }
  } finally {
    provider.destroy();
  }
});

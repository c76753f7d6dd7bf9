// What the chain says of the commitments an access-log export names, read at the latest block through the directory:
// the department's id, its access-log registries, their commitments and the transactions that made them.
import { id, isError, type JsonRpcProvider, ZeroAddress } from "ethers";
import type { ExportToCheck } from "../../../lib/audit/accessLogExport.ts";
import type { ChainCommitments, ChainRange } from "../../../lib/audit/exportCoverage.ts";
import { eventDecoder } from "../../../lib/chain/eventLogs.ts";
import { codeKey } from "../../../lib/encoding/codeKey.ts";
import {
  AccessLogRegistry__factory,
  DepartmentRegistry__factory,
  RegistryDirectory__factory,
} from "../../../types/ethers-contracts/index.ts";
import type { AuditContext } from "./command.ts";

const decodeEvent = eventDecoder(AccessLogRegistry__factory.createInterface());
const lower = (s: string) => s.toLowerCase();

/**
 * The department's access-log registries, newest first: the directory's current one and each one it continues
 * (previousRegistry), every one of them named by the directory, so that a registry claiming to continue the
 * sequence without the directory's say is not taken.
 */
async function accessLogRegistries(provider: JsonRpcProvider, directory: string): Promise<string[]> {
  const named = (await RegistryDirectory__factory.connect(directory, provider).history(id("AccessLogRegistry"))).map(
    lower,
  );
  const chain: string[] = [];
  for (let at = named.at(-1); at && at !== lower(ZeroAddress); ) {
    if (!named.includes(at))
      throw new Error(
        `the AccessLogRegistry ${chain.at(-1)} continues ${at}, which the directory at ${directory} never named`,
      );
    chain.push(at);
    at = lower(await AccessLogRegistry__factory.connect(at, provider).previousRegistry());
  }
  if (chain.length === 0) throw new Error(`the RegistryDirectory at ${directory} names no AccessLogRegistry`);
  return chain;
}

/** The commitment at `index` in `registry`, or undefined when the registry holds none there for the department. */
async function commitmentAt(provider: JsonRpcProvider, registry: string, departmentId: number, index: number) {
  const log = AccessLogRegistry__factory.connect(registry, provider);
  if (index >= Number(await log.commitmentCount(departmentId))) return undefined;
  const c = await log.commitmentAt(departmentId, index);
  return { registry, index, fromSeq: Number(c.fromSeq), toSeq: Number(c.toSeq), root: lower(c.root) };
}

/** The commitment in force that covers `seq`, in whichever of the registries holds it. */
async function commitmentFor(provider: JsonRpcProvider, registries: string[], departmentId: number, seq: number) {
  for (const registry of registries) {
    try {
      const [index, c] = await AccessLogRegistry__factory.connect(registry, provider).commitmentFor(departmentId, seq);
      return {
        registry,
        index: Number(index),
        fromSeq: Number(c.fromSeq),
        toSeq: Number(c.toSeq),
        root: lower(c.root),
      };
    } catch (error) {
      // This registry covers no such entry (AccessLogRegistryUnknownCommitment); anything else is a failed read.
      if (!isError(error, "CALL_EXCEPTION")) throw error;
    }
  }
  return undefined;
}

async function committedIn(provider: JsonRpcProvider, txHash: string) {
  const receipt = await provider.getTransactionReceipt(txHash);
  if (!receipt) return undefined;
  const committed = receipt.logs.flatMap((log) => {
    const parsed = decodeEvent(log);
    if (parsed?.name !== "AccessLogCommitted") return [];
    const a = parsed.args;
    return [
      {
        registry: lower(log.address),
        departmentId: Number(a.departmentId),
        index: Number(a.index),
        fromSeq: Number(a.fromSeq),
        toSeq: Number(a.toSeq),
        root: lower(a.root),
      },
    ];
  });
  return { blockNumber: receipt.blockNumber, committed };
}

/** Reads, at the latest block, everything verifyExport needs to check `x`. */
export async function commitmentsOnChain(context: AuditContext, x: ExportToCheck): Promise<ChainCommitments> {
  const { provider, directory } = context;
  const chainId = Number((await provider.getNetwork()).chainId);
  if ((await provider.getCode(directory)) === "0x") {
    throw new Error(
      `no contract is at ${directory} on chain ${chainId}: it is not this deployment's RegistryDirectory`,
    );
  }
  const registries = await accessLogRegistries(provider, directory);
  const departments = await RegistryDirectory__factory.connect(directory, provider).registry(id("DepartmentRegistry"));
  const found = Number(
    await DepartmentRegistry__factory.connect(departments, provider).departmentIdOf(codeKey(x.department.code)),
  );
  const departmentId = found === 0 ? undefined : found;
  const base = { chainId, directory, departmentId, registries, transactions: new Map() };
  if (departmentId === undefined) return { ...base, committedThrough: 0, commitments: [] };
  const current = AccessLogRegistry__factory.connect(registries[0] as string, provider);
  const committedThrough = Number(await current.nextSequence(departmentId)) - 1;

  const commitments = new Map<string, ChainRange>();
  const transactions = new Map<string, NonNullable<Awaited<ReturnType<typeof committedIn>>>>();
  const shown = context.progress("reading the commitments on chain", x.commitments.length);
  try {
    for (const c of x.commitments) {
      const registry = lower(c.registry);
      const onChain = registries.includes(registry)
        ? await commitmentAt(provider, registry, departmentId, c.index)
        : undefined;
      if (onChain) commitments.set(`${registry}:${c.index}`, onChain);
      const tx = await committedIn(provider, c.txHash);
      if (tx) transactions.set(lower(c.txHash), tx);
      shown.tick();
    }
    // Entries marked uncommitted that the chain has committed since: the commitments that cover them.
    const marked = x.entries
      .filter((e) => "uncommitted" in e && e.entry.seq <= committedThrough)
      .map((e) => e.entry.seq);
    for (let i = 0; i < marked.length; ) {
      const seq = marked[i] as number;
      const c = await commitmentFor(provider, registries, departmentId, seq);
      if (c) commitments.set(`${c.registry}:${c.index}`, c);
      const end = c?.toSeq ?? seq;
      while (i < marked.length && (marked[i] as number) <= end) i++;
    }
  } finally {
    shown.stop();
  }
  return { ...base, committedThrough, commitments: [...commitments.values()], transactions };
}

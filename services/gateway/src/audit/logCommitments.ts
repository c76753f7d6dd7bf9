// A department's access-log commitments in force, each with the transaction and block that made it, from the
// registries' events alone: no state at a past block, which a node that prunes old state does not have.
import { getAddress, type Log, type Provider, toBeHex, zeroPadValue } from "ethers";
import type { ExportedCommitment } from "../../../../lib/audit/accessLogExport.ts";
import { eventDecoder } from "../../../../lib/chain/eventLogs.ts";
import { AccessLogRegistry__factory } from "../../../../types/ethers-contracts/index.ts";

const EVENTS = AccessLogRegistry__factory.createInterface();
const decodeEvent = eventDecoder(EVENTS);
const COMMITTED = EVENTS.getEvent("AccessLogCommitted").topicHash;
const REJECTED = EVENTS.getEvent("AccessLogCommitmentRejected").topicHash;

export interface LogCommitments {
  /** The commitments in force in every registry `registries()` names, in sequence order, as of the head read. */
  read(): Promise<{ asOfBlock: number; commitments: ExportedCommitment[] }>;
}

export interface LogCommitmentsDeps {
  provider: Provider;
  departmentId: number;
  /** Where the deployment's events begin. */
  fromBlock: number;
  /** Every AccessLogRegistry the directory has named, oldest first. */
  registries: () => readonly string[];
  /**
   * A block the head read is taken to be at least: the department's own last commitment, which a provider answering
   * the head it read a moment ago (ethers caches it for 250 ms) would leave out.
   */
  notBefore?: () => number;
  /** The most blocks one getLogs call asks for. */
  chunk?: number;
}

interface Followed {
  scannedTo: number;
  inForce: ExportedCommitment[];
}

/** Keeps what it has read of each registry, so each read asks only for the blocks since the last. */
export function logCommitments(deps: LogCommitmentsDeps): LogCommitments {
  const followed = new Map<string, Followed>();
  const department = zeroPadValue(toBeHex(deps.departmentId), 32);
  let queue: Promise<unknown> = Promise.resolve();

  async function logsOf(registry: string, fromBlock: number, toBlock: number): Promise<Log[]> {
    const chunk = deps.chunk ?? 5_000;
    const logs: Log[] = [];
    for (let from = fromBlock; from <= toBlock; from += chunk) {
      const to = Math.min(toBlock, from + chunk - 1);
      logs.push(
        ...(await deps.provider.getLogs({
          address: registry,
          topics: [[COMMITTED, REJECTED], department],
          fromBlock: from,
          toBlock: to,
        })),
      );
    }
    return logs.sort((x, y) => x.blockNumber - y.blockNumber || x.index - y.index);
  }

  /** Replays the events in order: a commitment takes its index; a rejection sets aside it and those after it. */
  function replay(registry: string, inForce: ExportedCommitment[], logs: Log[]): ExportedCommitment[] {
    const list = [...inForce];
    for (const log of logs) {
      const parsed = decodeEvent(log);
      if (!parsed) continue;
      const index = Number(parsed.args.index);
      if (parsed.name === "AccessLogCommitmentRejected") {
        list.length = Math.min(list.length, index);
        continue;
      }
      list[index] = {
        registry,
        index,
        fromSeq: Number(parsed.args.fromSeq),
        toSeq: Number(parsed.args.toSeq),
        root: String(parsed.args.root).toLowerCase(),
        txHash: log.transactionHash.toLowerCase(),
        blockNumber: log.blockNumber,
      };
    }
    return list;
  }

  async function read() {
    const head = Math.max(await deps.provider.getBlockNumber(), deps.notBefore?.() ?? 0);
    const registries = deps.registries().map((r) => getAddress(r));
    // Read in full before anything is kept, so a failed read leaves nothing half applied.
    const updated = new Map<string, Followed>();
    for (const registry of registries) {
      const known = followed.get(registry) ?? { scannedTo: deps.fromBlock - 1, inForce: [] };
      const logs = known.scannedTo < head ? await logsOf(registry, known.scannedTo + 1, head) : [];
      updated.set(registry, {
        scannedTo: Math.max(known.scannedTo, head),
        inForce: replay(registry, known.inForce, logs),
      });
    }
    for (const [registry, state] of updated) followed.set(registry, state);
    const commitments = registries.flatMap((r) => updated.get(r)?.inForce ?? []);
    return { asOfBlock: head, commitments: commitments.sort((a, b) => a.fromSeq - b.fromSeq) };
  }

  return {
    read() {
      const next = queue.catch(() => undefined).then(read);
      queue = next;
      return next;
    },
  };
}

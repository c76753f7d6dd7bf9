// A local index of the registries' events, so that verification is answered without a chain round trip. It is built
// from events and current state only: a node that prunes old state (or an anvil reloaded from its state file) has no
// state at past blocks, so nothing here reads at a past block. Each span of blocks is read in full before the index
// changes, so a read that fails part way leaves the index as it was, and the next sync reads the span again.
import { type Interface, id, type Log, type Provider } from "ethers";
import { eventDecoder } from "../../../../lib/chain/eventLogs.ts";
import { confirmationsOf } from "../../../../lib/chain/receipt.ts";
import { REGISTRY_NAMES, type RegistryName } from "../../../../lib/chain/registries.ts";
import type { Hex32 } from "../../../../lib/encoding/canonical.ts";
import {
  CredentialRecordRegistry__factory,
  DepartmentRegistry__factory,
  RegistryDirectory__factory,
} from "../../../../types/ethers-contracts/index.ts";

export interface IndexedRecord {
  /** The CredentialRecordRegistry that holds the record: the rules of its version decide the record's status. */
  registry: string;
  issuer: number;
  credentialType: number;
  subjectRef?: Hex32;
  anchoredAt: number;
  validFrom: number;
  validUntil: number;
  revokedAt: number;
  revocationReason: number;
  batchRoot?: Hex32;
  supersededBy?: Hex32;
  supersedes?: Hex32;
  blockNumber: number;
  txHash: string;
}

export interface IndexedBatch {
  registry: string;
  issuer: number;
  anchoredAt: number;
  recordCount: number;
  blockNumber: number;
  txHash: string;
}

interface Period {
  from: number;
  until: number;
}

export interface ChainIndex {
  /** Catches up with the chain, then keeps following it every `pollMs`. */
  start(): Promise<void>;
  /** Stops following the chain; resolves once a sync under way has finished. */
  stop(): Promise<void>;
  /** Reads what the chain added since the last look; resolves once indexed up to the chain's head at the call. */
  syncNow(): Promise<number>;
  /**
   * Syncs until at least `blockNumber` is indexed (this gateway's own transaction, or a peer's anchor, is there), or
   * `timeoutMs` passes.
   */
  syncTo(blockNumber: number, timeoutMs?: number): Promise<number>;
  /** The last block indexed: answers are as of this block. */
  head(): number;
  /** The chain's head at the last look (for readiness: caught up when head() is this). */
  chainHead(): number;
  /** `issuer`'s record with this hash, from the first record registry that holds it (oldest version first). */
  record(issuer: number, recordHash: string): IndexedRecord | undefined;
  /** `issuer`'s batch under this root, from the first record registry that holds it. */
  batch(issuer: number, root: string): IndexedBatch | undefined;
  isSuspended(departmentId: number): boolean;
  /**
   * Whether the department's authority for the type version of `typeRegistry` began before `timestamp` and had not
   * ended by it (DepartmentRegistry.isAuthorisedIssuer's rule).
   */
  isAuthorised(departmentId: number, typeRegistry: string, typeId: number, timestamp: number): boolean;
  endpoint(departmentId: number): string | undefined;
  recordCount(): number;
  /** Events the index has applied since it started, and the time its syncs took in all (for /metrics). */
  stats(): { events: number; syncMs: number };
  /** The registry the directory names now for `name` (as indexed). */
  current(name: RegistryName): string;
  /** Every registry the directory has named for `name`, oldest first. */
  history(name: RegistryName): readonly string[];
  /** The type registry a record registry judges its records' types by (fixed at its deployment). */
  typeRegistryOf(recordRegistry: string): string;
  /** Called when the directory names a new registry (after the sync that saw it). */
  onRegistrySet(listener: (name: RegistryName, address: string) => void): void;
}

export interface ChainIndexOptions {
  provider: Provider;
  /** The RegistryDirectory every registry is found through. */
  directory: string;
  fromBlock: number;
  pollMs?: number;
  /** The most blocks one getLogs call asks for. */
  chunk?: number;
  onError?: (error: unknown) => void;
}

/** The registries whose events the index follows. */
const FOLLOWED: Partial<Record<RegistryName, Interface>> = {
  CredentialRecordRegistry: CredentialRecordRegistry__factory.createInterface(),
  DepartmentRegistry: DepartmentRegistry__factory.createInterface(),
};
const NAMES_BY_ID = new Map<string, RegistryName>(REGISTRY_NAMES.map((name) => [id(name), name]));
const DIRECTORY = RegistryDirectory__factory.createInterface();
const decodeRecordEvent = eventDecoder(FOLLOWED.CredentialRecordRegistry as Interface);
const decodeDepartmentEvent = eventDecoder(FOLLOWED.DepartmentRegistry as Interface);
const decodeDirectoryEvent = eventDecoder(DIRECTORY);

const key = (issuer: number | bigint, hash: string) => `${issuer}:${hash.toLowerCase()}`;

/** What the index holds of one record registry. */
interface RecordRegistryIndex {
  address: string;
  typeRegistry: string;
  records: Map<string, IndexedRecord>;
  batches: Map<string, IndexedBatch>;
}

export function createChainIndex(options: ChainIndexOptions): ChainIndex {
  const { provider } = options;
  const directory = options.directory.toLowerCase();
  /** Per record registry (in the directory's order), its records and batches. */
  const recordRegistries: RecordRegistryIndex[] = [];
  const byAddress = new Map<string, RecordRegistryIndex>();
  const histories = new Map<RegistryName, string[]>();
  /** Address (lower case) → the interface its logs are parsed with. */
  const followed = new Map<string, Interface>();
  const suspended = new Set<number>();
  const periods = new Map<string, Period[]>();
  const endpoints = new Map<number, string>();
  const blockTimes = new Map<number, number>();
  const listeners: ((name: RegistryName, address: string) => void)[] = [];
  let head = options.fromBlock - 1;
  let eventsApplied = 0;
  let syncMs = 0;
  let chainHead = head;
  let timer: NodeJS.Timeout | undefined;
  let queue: Promise<unknown> = Promise.resolve();
  let stopped = false;
  let recordTotal = 0;

  /** Reads the times of the blocks these logs are in (those not known yet), before any of them is applied. */
  async function readBlockTimes(logs: Log[]): Promise<void> {
    for (const n of new Set(logs.map((log) => log.blockNumber))) {
      if (blockTimes.has(n)) continue;
      // A node that lags the one that served the logs may not have the block yet: the span is read again, since a
      // time taken as 0 would hide a revocation and date an anchoring before every issuer's authority.
      const block = await provider.getBlock(n);
      if (!block) throw new Error(`the node has no block ${n}, whose logs it served; reading the span again`);
      blockTimes.set(n, block.timestamp);
    }
  }

  /** Keeps the newest 10,000 block times: those a later span may still need. */
  function forgetOldBlockTimes(): void {
    const excess = blockTimes.size - 10_000;
    if (excess > 0) for (const n of [...blockTimes.keys()].slice(0, excess)) blockTimes.delete(n);
  }

  function applyRecordEvent(log: Log, registry: RecordRegistryIndex): void {
    const parsed = decodeRecordEvent(log);
    if (!parsed) return;
    const a = parsed.args;
    const at = () => blockTimes.get(log.blockNumber) ?? 0;
    const { records, batches } = registry;
    switch (parsed.name) {
      case "CredentialAnchored": {
        const k = key(a.issuer, a.recordHash);
        if (!records.has(k)) recordTotal++;
        records.set(k, {
          registry: registry.address,
          issuer: Number(a.issuer),
          credentialType: Number(a.credentialType),
          subjectRef: a.subjectRef,
          anchoredAt: at(),
          validFrom: Number(a.validFrom),
          validUntil: Number(a.validUntil),
          revokedAt: 0,
          revocationReason: 0,
          blockNumber: log.blockNumber,
          txHash: log.transactionHash,
        });
        break;
      }
      case "CredentialBatchAnchored":
        batches.set(key(a.issuer, a.root), {
          registry: registry.address,
          issuer: Number(a.issuer),
          anchoredAt: at(),
          recordCount: Number(a.recordCount),
          blockNumber: log.blockNumber,
          txHash: log.transactionHash,
        });
        break;
      case "CredentialBatchRecordRegistered": {
        const b = batches.get(key(a.issuer, a.root));
        if (!b) break;
        // The event carries the facts the registry stored, so no state is read.
        const k = key(b.issuer, a.recordHash);
        if (!records.has(k)) recordTotal++;
        records.set(k, {
          registry: registry.address,
          issuer: b.issuer,
          credentialType: Number(a.credentialType),
          subjectRef: a.subjectRef,
          anchoredAt: b.anchoredAt,
          validFrom: Number(a.validFrom),
          validUntil: Number(a.validUntil),
          revokedAt: 0,
          revocationReason: 0,
          batchRoot: a.root,
          blockNumber: b.blockNumber,
          txHash: b.txHash,
        });
        break;
      }
      case "CredentialRevoked": {
        const r = records.get(key(a.issuer, a.recordHash));
        if (r) {
          r.revokedAt = at();
          r.revocationReason = Number(a.reason);
        }
        break;
      }
      case "CredentialSuperseded": {
        const older = records.get(key(a.issuer, a.oldRecordHash));
        const newer = records.get(key(a.issuer, a.newRecordHash));
        if (older) older.supersededBy = a.newRecordHash;
        if (newer) newer.supersedes = a.oldRecordHash;
        break;
      }
    }
  }

  function applyDepartmentEvent(log: Log): void {
    const parsed = decodeDepartmentEvent(log);
    if (!parsed) return;
    const a = parsed.args;
    switch (parsed.name) {
      case "DepartmentSuspended":
        suspended.add(Number(a.departmentId));
        break;
      case "DepartmentReinstated":
        suspended.delete(Number(a.departmentId));
        break;
      case "DepartmentEndpointChanged":
        endpoints.set(Number(a.departmentId), a.endpoint);
        break;
      case "DepartmentIssuerRoleGranted": {
        const k = `${String(a.typeRegistry).toLowerCase()}:${a.departmentId}:${a.typeId}`;
        periods.set(k, [...(periods.get(k) ?? []), { from: Number(a.from), until: 0 }]);
        break;
      }
      case "DepartmentIssuerRoleEnded": {
        const last = periods.get(`${String(a.typeRegistry).toLowerCase()}:${a.departmentId}:${a.typeId}`)?.at(-1);
        if (last) last.until = Number(a.until);
        break;
      }
    }
  }

  /** Applies a log already read (with its block's time): no read, so nothing can fail half way. */
  function apply(log: Log): void {
    const registry = byAddress.get(log.address.toLowerCase());
    if (registry) applyRecordEvent(log, registry);
    else applyDepartmentEvent(log);
  }

  /** A registry the directory names that the index follows and has not met before, with what is read of it. */
  interface Newcomer {
    name: RegistryName;
    address: string;
    /** For a record registry: the type registry it judges by (an immutable, so its current state is its state). */
    typeRegistry?: string;
  }

  /** Learns that the directory names `address` for `name` (a newcomer's reads are done already). */
  function learn(name: RegistryName, address: string, newcomer: Newcomer | undefined): void {
    histories.set(name, [...(histories.get(name) ?? []), address]);
    if (!newcomer) return;
    if (newcomer.typeRegistry !== undefined) {
      const entry: RecordRegistryIndex = {
        address,
        typeRegistry: newcomer.typeRegistry,
        records: new Map(),
        batches: new Map(),
      };
      recordRegistries.push(entry);
      byAddress.set(address, entry);
    }
    followed.set(address, FOLLOWED[name] as Interface);
  }

  async function logsOf(addresses: string[], fromBlock: number, toBlock: number): Promise<Log[]> {
    const chunk = options.chunk ?? 5_000;
    const logs: Log[] = [];
    for (let from = fromBlock; from <= toBlock; from += chunk) {
      logs.push(
        ...(await provider.getLogs({
          address: addresses,
          fromBlock: from,
          toBlock: Math.min(toBlock, from + chunk - 1),
        })),
      );
    }
    logs.sort((x, y) => x.blockNumber - y.blockNumber || x.index - y.index);
    return logs;
  }

  async function sync(atLeast = 0): Promise<number> {
    // Blocks count once they have the chain's confirmations (one, their own, unless its connection says more).
    const target = Math.max((await provider.getBlockNumber()) - (confirmationsOf(provider) - 1), atLeast);
    chainHead = Math.max(chainHead, target);
    const chunk = options.chunk ?? 5_000;
    const started = performance.now();
    while (head < target) {
      const from = head + 1;
      const to = Math.min(target, from + chunk - 1);
      // Everything the span needs is read first; only then does the index change.
      const named: [RegistryName, string][] = [];
      for (const log of await logsOf([directory], from, to)) {
        const parsed = decodeDirectoryEvent(log);
        const name = parsed?.name === "RegistrySet" ? NAMES_BY_ID.get(parsed.args.name) : undefined;
        if (name) named.push([name, String(parsed?.args.registry).toLowerCase()]);
      }
      const newcomers = new Map<string, Newcomer>();
      for (const [name, address] of named) {
        if (!FOLLOWED[name] || followed.has(address) || newcomers.has(address)) continue;
        const typeRegistry =
          name === "CredentialRecordRegistry"
            ? (await CredentialRecordRegistry__factory.connect(address, provider).typeRegistry()).toLowerCase()
            : undefined;
        newcomers.set(address, { name, address, ...(typeRegistry !== undefined ? { typeRegistry } : {}) });
      }
      // A registry may have events from before the directory named it: those are applied first.
      const earlier =
        newcomers.size > 0 && from > options.fromBlock
          ? await logsOf([...newcomers.keys()], options.fromBlock, from - 1)
          : [];
      const addresses = [...followed.keys(), ...newcomers.keys()];
      const logs = addresses.length > 0 ? await logsOf(addresses, from, to) : [];
      await readBlockTimes([...earlier, ...logs]);
      for (const [name, address] of named) {
        learn(name, address, newcomers.get(address));
        newcomers.delete(address);
      }
      for (const log of earlier) apply(log);
      for (const log of logs) apply(log);
      eventsApplied += earlier.length + logs.length;
      head = to;
      for (const [name, address] of named) for (const listener of listeners) listener(name, address);
      forgetOldBlockTimes();
    }
    syncMs += performance.now() - started;
    return head;
  }

  /** Syncs run one after another, so a caller always sees every block that existed when it asked. */
  function syncNow(atLeast?: number): Promise<number> {
    const next = queue.catch(() => undefined).then(() => sync(atLeast));
    queue = next;
    return next;
  }

  async function syncTo(blockNumber: number, timeoutMs = 3_000): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    while (head < blockNumber && Date.now() < deadline) {
      try {
        await syncNow(blockNumber);
      } catch {
        // A node may not serve logs of a block it has only just made: try again until the deadline.
      }
      if (head < blockNumber) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return head;
  }

  function find<T>(pick: (registry: RecordRegistryIndex) => T | undefined): T | undefined {
    for (const registry of recordRegistries) {
      const found = pick(registry);
      if (found) return found;
    }
    return undefined;
  }

  return {
    async start() {
      await syncNow();
      const poll = async () => {
        if (stopped) return;
        try {
          await syncNow();
        } catch (error) {
          if (!stopped) options.onError?.(error);
        }
        if (stopped) return;
        timer = setTimeout(poll, options.pollMs ?? 500);
        timer.unref();
      };
      timer = setTimeout(poll, options.pollMs ?? 500);
      timer.unref();
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await queue.catch(() => undefined);
    },
    syncNow: () => syncNow(),
    syncTo,
    head: () => head,
    chainHead: () => chainHead,
    record: (issuer, hash) => find((r) => r.records.get(key(issuer, hash))),
    batch: (issuer, root) => find((r) => r.batches.get(key(issuer, root))),
    isSuspended: (departmentId) => suspended.has(departmentId),
    isAuthorised(departmentId, typeRegistry, typeId, timestamp) {
      return (periods.get(`${typeRegistry.toLowerCase()}:${departmentId}:${typeId}`) ?? []).some(
        (p) => p.from < timestamp && (p.until === 0 || timestamp < p.until),
      );
    },
    endpoint: (departmentId) => endpoints.get(departmentId),
    recordCount: () => recordTotal,
    stats: () => ({ events: eventsApplied, syncMs: Math.round(syncMs) }),
    current(name) {
      const address = histories.get(name)?.at(-1);
      if (!address) throw new Error(`the directory names no ${name} (as indexed)`);
      return address;
    },
    history: (name) => histories.get(name) ?? [],
    typeRegistryOf(recordRegistry) {
      const entry = byAddress.get(recordRegistry.toLowerCase());
      if (!entry) throw new Error(`${recordRegistry} is no record registry the directory named`);
      return entry.typeRegistry;
    },
    onRegistrySet(listener) {
      listeners.push(listener);
    },
  };
}

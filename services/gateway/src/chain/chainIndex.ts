// A local index of the registries' events, so that verification is answered without a chain round trip.
import type { Log, Provider } from "ethers";
import type { Registries } from "../../../../lib/chain/registries.ts";
import type { Hex32 } from "../../../../lib/encoding/canonical.ts";

export interface IndexedRecord {
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
   * Syncs until at least `blockNumber` is indexed (a peer reported an anchor there), or `timeoutMs` passes; the
   * provider may answer the head from a short-lived cache, so one sync is not always enough.
   */
  syncTo(blockNumber: number, timeoutMs?: number): Promise<number>;
  /** The last block indexed: answers are as of this block. */
  head(): number;
  /** The chain's head at the last look (for readiness: caught up when head() is this). */
  chainHead(): number;
  record(issuer: number, recordHash: string): IndexedRecord | undefined;
  batch(issuer: number, root: string): IndexedBatch | undefined;
  isSuspended(departmentId: number): boolean;
  /** Whether the department's authority for the type version began before `timestamp` and had not ended by it
   * (DepartmentRegistry.isAuthorisedIssuer's rule). */
  isAuthorised(departmentId: number, typeId: number, timestamp: number): boolean;
  endpoint(departmentId: number): string | undefined;
  recordCount(): number;
}

export interface ChainIndexOptions {
  provider: Provider;
  registries: Registries;
  fromBlock: number;
  pollMs?: number;
  /** The most blocks one getLogs call asks for. */
  chunk?: number;
  onError?: (error: unknown) => void;
}

const key = (issuer: number | bigint, hash: string) => `${issuer}:${hash.toLowerCase()}`;

export function createChainIndex(options: ChainIndexOptions): ChainIndex {
  const { provider, registries } = options;
  const records = new Map<string, IndexedRecord>();
  const batches = new Map<string, IndexedBatch>();
  const suspended = new Set<number>();
  const periods = new Map<string, Period[]>();
  const endpoints = new Map<number, string>();
  const blockTimes = new Map<number, number>();
  let head = options.fromBlock - 1;
  let chainHead = head;
  let timer: NodeJS.Timeout | undefined;
  let queue: Promise<unknown> = Promise.resolve();
  let stopped = false;
  const addresses: string[] = [];
  const interfaces = [registries.records.interface, registries.departments.interface];

  async function blockTime(blockNumber: number): Promise<number> {
    let time = blockTimes.get(blockNumber);
    if (time === undefined) {
      const block = await provider.getBlock(blockNumber);
      time = block?.timestamp ?? 0;
      blockTimes.set(blockNumber, time);
      if (blockTimes.size > 10_000) blockTimes.delete(blockTimes.keys().next().value as number);
    }
    return time;
  }

  async function apply(log: Log): Promise<void> {
    const parsed = interfaces[log.address.toLowerCase() === addresses[0] ? 0 : 1]?.parseLog(log);
    if (!parsed) return;
    const a = parsed.args;
    const at = () => blockTime(log.blockNumber);
    switch (parsed.name) {
      case "CredentialAnchored":
        records.set(key(a.issuer, a.recordHash), {
          issuer: Number(a.issuer),
          credentialType: Number(a.credentialType),
          subjectRef: a.subjectRef,
          anchoredAt: await at(),
          validFrom: Number(a.validFrom),
          validUntil: Number(a.validUntil),
          revokedAt: 0,
          revocationReason: 0,
          blockNumber: log.blockNumber,
          txHash: log.transactionHash,
        });
        break;
      case "CredentialBatchAnchored":
        batches.set(key(a.issuer, a.root), {
          issuer: Number(a.issuer),
          anchoredAt: await at(),
          recordCount: Number(a.recordCount),
          blockNumber: log.blockNumber,
          txHash: log.transactionHash,
        });
        break;
      case "CredentialBatchRecordRegistered": {
        const b = batches.get(key(a.issuer, a.root));
        if (!b) break;
        const [, e] = await registries.records.recordStatus(b.issuer, a.recordHash, { blockTag: log.blockNumber });
        records.set(key(b.issuer, a.recordHash), {
          issuer: b.issuer,
          credentialType: Number(e.credentialType),
          subjectRef: a.subjectRef,
          anchoredAt: b.anchoredAt,
          validFrom: Number(e.validFrom),
          validUntil: Number(e.validUntil),
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
          r.revokedAt = await at();
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
        const k = `${a.departmentId}:${a.typeId}`;
        periods.set(k, [...(periods.get(k) ?? []), { from: Number(a.from), until: 0 }]);
        break;
      }
      case "DepartmentIssuerRoleEnded": {
        const last = periods.get(`${a.departmentId}:${a.typeId}`)?.at(-1);
        if (last) last.until = Number(a.until);
        break;
      }
    }
  }

  async function sync(): Promise<number> {
    if (addresses.length === 0) {
      addresses.push(
        (await registries.records.getAddress()).toLowerCase(),
        (await registries.departments.getAddress()).toLowerCase(),
      );
    }
    const target = await provider.getBlockNumber();
    chainHead = target;
    const chunk = options.chunk ?? 5_000;
    while (head < target) {
      const from = head + 1;
      const to = Math.min(target, from + chunk - 1);
      const logs = await provider.getLogs({ address: addresses, fromBlock: from, toBlock: to });
      logs.sort((x, y) => x.blockNumber - y.blockNumber || x.index - y.index);
      for (const log of logs) await apply(log);
      head = to;
    }
    return head;
  }

  /** Syncs run one after another, so a caller always sees every block that existed when it asked. */
  function syncNow(): Promise<number> {
    const next = queue.catch(() => undefined).then(sync);
    queue = next;
    return next;
  }

  async function syncTo(blockNumber: number, timeoutMs = 3_000): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    while (head < blockNumber && Date.now() < deadline) {
      await syncNow();
      if (head < blockNumber) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return head;
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
    syncNow,
    syncTo,
    head: () => head,
    chainHead: () => chainHead,
    record: (issuer, hash) => records.get(key(issuer, hash)),
    batch: (issuer, root) => batches.get(key(issuer, root)),
    isSuspended: (departmentId) => suspended.has(departmentId),
    isAuthorised(departmentId, typeId, timestamp) {
      return (periods.get(`${departmentId}:${typeId}`) ?? []).some(
        (p) => p.from < timestamp && (p.until === 0 || timestamp < p.until),
      );
    },
    endpoint: (departmentId) => endpoints.get(departmentId),
    recordCount: () => records.size,
  };
}

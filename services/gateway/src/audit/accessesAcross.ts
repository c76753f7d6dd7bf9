// A citizen's view of who accessed their data: every department's access-log entries about them, asked of each
// department's own gateway, each entry checked here against the chain (its hash, its proof, its commitment) rather
// than believed: a department that answers is not trusted to answer truly.
import { type AccessLogEntry, entryHashOf } from "../../../../lib/audit/accessLogEntry.ts";
import type { ExportedCommitment } from "../../../../lib/audit/accessLogExport.ts";
import { proves } from "../../../../lib/audit/exportCoverage.ts";
import type { Hex32 } from "../../../../lib/encoding/canonical.ts";
import type { DepartmentRuntime } from "../department.ts";
import { GatewayError } from "../errors/GatewayError.ts";
import type { GatewayServices } from "../services.ts";
import { type LogCommitments, logCommitments } from "./logCommitments.ts";
import {
  type HistoryReader,
  type SubjectAccesses,
  type SubjectAccessesAnswer,
  subjectAccesses,
} from "./subjectAccesses.ts";

/** A hosted department's answer as it would come over the wire: entries are entries either way. */
const toWire = (answer: SubjectAccesses) => answer as unknown as SubjectAccessesAnswer;

/** How an entry stands against the chain: its proof leads to a commitment there, none covers it yet, or neither. */
export type AccessCheck = "proved" | "uncommitted" | "not-proved";

export interface CheckedAccess {
  /** The department whose log holds the entry. */
  department: string;
  entry: AccessLogEntry;
  commitment?: ExportedCommitment;
  proof?: Hex32[];
  check: AccessCheck;
}

export interface DepartmentAnswer {
  department: string;
  nameZh: string;
  nameEn: string;
  /** `unavailable`: its gateway could not be asked now (no endpoint, no answer in time, a refusal); try again later. */
  status: "answered" | "unavailable";
  reason?: string;
  entries: number;
}

export interface AccessesAcross {
  /** Every access, oldest first, across the departments that answered. */
  accesses: CheckedAccess[];
  departments: DepartmentAnswer[];
}

/** Readers of other departments' commitments, kept per gateway process so each reads only new blocks. */
const readers = new WeakMap<GatewayServices, Map<number, LogCommitments>>();

export function commitmentsOf(services: GatewayServices, departmentId: number): LogCommitments {
  let byId = readers.get(services);
  if (!byId) {
    byId = new Map();
    readers.set(services, byId);
  }
  let reader = byId.get(departmentId);
  if (!reader) {
    reader = logCommitments({
      provider: services.provider,
      departmentId,
      fromBlock: services.deployment.fromBlock,
      registries: () => services.index.history("AccessLogRegistry"),
    });
    byId.set(departmentId, reader);
  }
  return reader;
}

/** Checks one department's answer: entries about another subject, or with another hash, are not its to give. */
function checkAnswer(
  code: string,
  subjectRef: Hex32,
  answer: SubjectAccessesAnswer,
  onChain: readonly ExportedCommitment[],
): CheckedAccess[] {
  const key = (c: { registry: string; index: number }) => `${c.registry.toLowerCase()}:${c.index}`;
  const chainByKey = new Map(onChain.map((c) => [key(c), c]));
  const seen = new Set<number>();
  return answer.entries.flatMap((item): CheckedAccess[] => {
    const entry = item.entry as unknown as AccessLogEntry;
    // Another subject's entry is not this view's; an entry given twice is one access.
    if (entry.subjectRef !== subjectRef || seen.has(entry.seq)) return [];
    seen.add(entry.seq);
    const hash = entryHashOf(entry);
    if (hash !== entry.entryHash) return [{ department: code, entry, check: "not-proved" }];
    if (!("commitment" in item)) {
      // Uncommitted when the department read its commitments; one made since (after its asOfBlock) is no lie of its.
      const covering = onChain.find((c) => c.fromSeq <= entry.seq && entry.seq <= c.toSeq);
      const since = covering !== undefined && covering.blockNumber > answer.asOfBlock;
      return [{ department: code, entry, check: covering && !since ? "not-proved" : "uncommitted" }];
    }
    const held = chainByKey.get(key(item.commitment));
    const proved =
      held !== undefined &&
      held.root === item.commitment.root &&
      held.fromSeq <= entry.seq &&
      entry.seq <= held.toSeq &&
      proves(held.root, hash, item.proof);
    return [
      {
        department: code,
        entry,
        commitment: held ?? item.commitment,
        proof: item.proof as Hex32[],
        check: proved ? "proved" : "not-proved",
      },
    ];
  });
}

/**
 * Asks every department on chain, the hosted ones directly and the others through their gateways, in parallel. Each
 * logs the read as `asking`'s; `caller` is who asked `asking` (a counter's key, or a citizen's token), for its own log.
 */
export async function accessesAcross(
  services: GatewayServices,
  asking: DepartmentRuntime,
  subjectRef: Hex32,
  caller: { keyId: string; role: string },
): Promise<AccessesAcross> {
  const departments = services.catalogue.catalogue.departments.flatMap((d) => {
    const id = services.catalogue.departmentIds.get(d.code);
    return id === undefined ? [] : [{ ...d, id }];
  });
  const answers = await Promise.all(
    departments.map(async (d) => {
      const named = { department: d.code, nameZh: d.nameZh, nameEn: d.nameEn };
      try {
        const hosted = services.departments.get(d.code);
        const reader: HistoryReader =
          d.code === asking.code
            ? { channel: "api", consumer: asking.code, ...caller }
            : { channel: "peer", consumer: asking.code };
        const result = hosted
          ? { kind: "answer" as const, answer: toWire(await subjectAccesses(hosted, subjectRef, reader)) }
          : await services.federation.accessesAbout(asking, d, { subjectRef });
        if (result.kind !== "answer") {
          const reason = result.kind === "refused" ? result.code || `refused (${result.status})` : result.reason;
          return { answer: { ...named, status: "unavailable" as const, reason, entries: 0 }, accesses: [] };
        }
        const onChain = (await commitmentsOf(services, d.id).read()).commitments;
        const accesses = checkAnswer(d.code, subjectRef, result.answer, onChain);
        return { answer: { ...named, status: "answered" as const, entries: accesses.length }, accesses };
      } catch (error) {
        // The chain could not be read to check the answer, or a hosted department's log could not be read.
        const reason = error instanceof GatewayError ? error.code : "check-failed";
        return { answer: { ...named, status: "unavailable" as const, reason, entries: 0 }, accesses: [] };
      }
    }),
  );
  const accesses = answers.flatMap((a) => a.accesses).sort((x, y) => x.entry.at.localeCompare(y.entry.at));
  return { accesses, departments: answers.map((a) => a.answer) };
}

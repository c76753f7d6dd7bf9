// The applicants' commitments (告知承诺) a department has recorded, and what became of each, in its LevelDB.
import type { CommitmentOutcome } from "../../../../lib/audit/accessLogEntry.ts";
import type { Hex32 } from "../../../../lib/encoding/canonical.ts";
import { GatewayError } from "../errors/GatewayError.ts";
import type { MaterialEvidence } from "../scenarios/materialOutcome.ts";
import { type BatchOp, type DepartmentStore, DURABLE } from "../store/departmentStore.ts";

/**
 * open: waiting for the promised records; fulfilled: each was found anchored and valid for its subject; overdue: the
 * check window ended first (it can still turn fulfilled, late); breached: the department found the promise broken.
 */
export type CommitmentStatus = "open" | "fulfilled" | "overdue" | "breached";

export interface CommittedMaterial {
  credentialType: string;
  /** Who the promised record is about: the applicant or the organisation of the application, by the type's kind. */
  subjectRef: Hex32;
  /** When the authoritative issuer's record was found anchored and valid, with what was verified of it. */
  fulfilledAt?: string;
  evidence?: Pick<MaterialEvidence, "issuer" | "issuerId" | "status" | "asOfBlock">;
}

/** A commitment as kept: subject references only; what was promised is in its sealed record, anchored on chain. */
export interface StoredCommitment {
  commitmentId: string;
  applicationId: string;
  /** The department that decided on it and keeps it. */
  department: string;
  scenario: { code: string; version: number; definitionHash: Hex32 };
  matter: { code: string; nameZh: string; nameEn: string; produces?: string };
  /** The applicant who committed. */
  subjectRef: Hex32;
  /** The subjects a record the matter produces may be about: the applicant, and the organisation if any. */
  subjects: Hex32[];
  materials: CommittedMaterial[];
  /** The commitment's own record (the applicant-commitment type), anchored like any record. */
  recordHash: Hex32;
  committedAt: string;
  /** The application's submission: a decision the same day saves the statutory time limit the commitment replaces. */
  applicationSubmittedAt: string;
  replacesDays: number;
  checkedBy: string;
  /** The last day of the check window, in Beijing (YYYY-MM-DD), as its record states it. */
  checkBy: string;
  /** The end of that day in Beijing: from then on, an open commitment is overdue. */
  dueAt: string;
  status: CommitmentStatus;
  fulfilledAt?: string;
  overdueAt?: string;
  /** When the issuers are next asked for what is still awaited, and how often they were asked so far. */
  nextCheckAt: string;
  checks: number;
  /** Until when the gateway asks by itself: long after the window ended it stops; a check on request still asks. */
  followedUntil: string;
  /** When the gateway stopped asking by itself (the commitment stays overdue). */
  stoppedFollowingAt?: string;
  /** The record the approval produced (the licence issued on the commitment), once the department names it. */
  produced?: { recordHash: Hex32; credentialType: string; at: string };
  breach?: { at: string; reason: string; revokedRecord?: Hex32 };
  /** A step whose access-log entry is still to be written (its write failed after the commitment's did). */
  unlogged?: CommitmentOutcome;
}

const queues = new WeakMap<DepartmentStore, Promise<unknown>>();

/** Still followed by the gateway: not fulfilled or breached and not given up on, or a step still to log. */
const followed = (c: StoredCommitment) =>
  ((c.status === "open" || c.status === "overdue") && c.stoppedFollowingAt === undefined) || c.unlogged !== undefined;

export function commitmentStore(store: DepartmentStore) {
  const commitments = store.sublevel<StoredCommitment>("commitments");
  /** `<applicationId>!<matter>!<material>` → commitmentId: one commitment per material of a matter. */
  const byMaterial = store.sublevel<string>("commitments-by-material");
  /** `<subjectRef>!<commitmentId>` → "". */
  const bySubject = store.sublevel<string>("commitments-by-subject");
  /** The commitments the gateway follows, by id. */
  const following = store.sublevel<string>("commitments-followed");

  const materialKey = (applicationId: string, matter: string, material: string) =>
    `${applicationId}!${matter}!${material}`;

  function putOps(commitment: StoredCommitment): BatchOp[] {
    return [
      { type: "put", sublevel: commitments, key: commitment.commitmentId, value: commitment },
      followed(commitment)
        ? { type: "put", sublevel: following, key: commitment.commitmentId, value: commitment.commitmentId }
        : { type: "del", sublevel: following, key: commitment.commitmentId },
    ];
  }

  return {
    /**
     * Runs `change` while no other change of this department's commitments runs: a check and the write it leads to
     * never interleave with another's (two clerks confirming the same material at once).
     */
    exclusively<T>(change: () => Promise<T>): Promise<T> {
      const next = (queues.get(store) ?? Promise.resolve()).catch(() => undefined).then(change);
      queues.set(store, next);
      return next;
    },
    get: (commitmentId: string) => commitments.get(commitmentId),
    /** The commitment, or 404 COMMITMENT_NOT_FOUND naming the path's id. */
    async held(commitmentId: string): Promise<StoredCommitment> {
      const commitment = await commitments.get(commitmentId);
      if (!commitment) throw new GatewayError("COMMITMENT_NOT_FOUND", { field: "commitmentId" });
      return commitment;
    },
    /** The commitment already recorded for this material of this matter of the application, if any. */
    forMaterial: (applicationId: string, matter: string, material: string) =>
      byMaterial.get(materialKey(applicationId, matter, material)),
    /** The operations that record a new commitment, for the batch that also issues its record. */
    createOps(commitment: StoredCommitment): BatchOp[] {
      return [
        ...putOps(commitment),
        { type: "put", sublevel: bySubject, key: `${commitment.subjectRef}!${commitment.commitmentId}`, value: "" },
        ...commitment.materials.map(
          (m): BatchOp => ({
            type: "put",
            sublevel: byMaterial,
            key: materialKey(commitment.applicationId, commitment.matter.code, m.credentialType),
            value: commitment.commitmentId,
          }),
        ),
      ];
    },
    /** The operations that save a changed commitment, for a batch with its access-log entry. */
    updateOps: putOps,
    async update(commitment: StoredCommitment): Promise<void> {
      await store.db.batch(putOps(commitment) as never, DURABLE);
    },
    async followedIds(): Promise<string[]> {
      const ids: string[] = [];
      for await (const id of following.keys()) ids.push(id);
      return ids;
    },
    /** Every commitment the applicant made to this department, oldest id first. */
    async about(subjectRef: Hex32): Promise<StoredCommitment[]> {
      const ids: string[] = [];
      for await (const key of bySubject.keys({ gte: `${subjectRef}!`, lt: `${subjectRef}!~` })) {
        ids.push(key.slice(subjectRef.length + 1));
      }
      const found = await commitments.getMany(ids);
      return found.filter((c): c is StoredCommitment => c !== undefined);
    },
    async *all(): AsyncGenerator<StoredCommitment> {
      for await (const value of commitments.values()) yield value;
    },
  };
}

// Applications a department has evaluated, and the running totals of materials no longer collected, in its LevelDB.
import type { Commitment, Procedure } from "../../../../lib/catalogue/schemas.ts";
import type { Hex32 } from "../../../../lib/encoding/canonical.ts";
import { GatewayError } from "../errors/GatewayError.ts";
import { type BatchOp, type DepartmentStore, DURABLE } from "../store/departmentStore.ts";
import type { MaterialOutcome } from "./materialOutcome.ts";

export interface MaterialResult {
  credentialType: string;
  nameZh: string;
  nameEn: string;
  outcome: MaterialOutcome;
}

export interface MatterResult {
  code: string;
  nameZh: string;
  nameEn: string;
  department: string;
  materials: string[];
  waived: string[];
  /**
   * Materials neither waived nor on hand that the matter accepts the applicant's commitment for (告知承诺): the
   * applicant may commit to them instead of submitting them. They are in neither `required` nor `unavailable`.
   */
  mayCommit: string[];
  /** Materials to be submitted: not waived, and not accepted on commitment. */
  required: string[];
  /** Materials whose issuer could not be asked now, and not accepted on commitment. */
  unavailable: string[];
  /** How the matter is decided: on its materials, or on the applicant's commitment for some of them. */
  procedure: Procedure;
  /** The matter's commitment terms, when it accepts one: the catalogue's, which the scenario's hash on chain fixes. */
  commitment?: Commitment;
}

export interface Counts {
  materials: number;
  waived: number;
  required: number;
  unavailable: number;
}

/**
 * An application as kept: subject references only, and the record data it received left out (see saveApplication).
 * It is live (`open`, and not past `expiresAt`) until the department closes it; data is released for a live one only.
 */
export interface Application {
  applicationId: string;
  department: string;
  status: "open" | "closed";
  /** ISO 8601: after this an open application takes no more evaluations. */
  expiresAt: string;
  closedAt?: string;
  scenario: { code: string; nameZh: string; nameEn: string; version: number; definitionHash: Hex32 };
  subjectRef: Hex32;
  organisationRef?: Hex32;
  submittedAt: string;
  evaluatedAt: string;
  evaluations: number;
  materials: MaterialResult[];
  matters: MatterResult[];
  counts: Counts;
  /**
   * Commitments the applicant broke at this department (as the application was last evaluated): while there are any,
   * no matter here accepts their commitment, and the materials it would have are to be submitted.
   */
  breachedCommitments?: BreachedCommitment[];
}

export interface BreachedCommitment {
  commitmentId: string;
  scenario: string;
  matter: string;
  breachedAt: string;
  reason: string;
}

export interface ScenarioTotals {
  applications: number;
  materialsRequested: number;
  /** Materials the applicants did not have to bring: the data travelled instead. */
  materialsWaived: number;
  materialsRequired: number;
  materialsUnavailable: number;
}

export interface Totals extends ScenarioTotals {
  byScenario: Record<string, ScenarioTotals>;
}

const EMPTY: ScenarioTotals = {
  applications: 0,
  materialsRequested: 0,
  materialsWaived: 0,
  materialsRequired: 0,
  materialsUnavailable: 0,
};

function add(totals: ScenarioTotals, counts: Counts, applications: number, sign: 1 | -1): ScenarioTotals {
  return {
    applications: totals.applications + applications,
    materialsRequested: totals.materialsRequested + sign * counts.materials,
    materialsWaived: totals.materialsWaived + sign * counts.waived,
    materialsRequired: totals.materialsRequired + sign * counts.required,
    materialsUnavailable: totals.materialsUnavailable + sign * counts.unavailable,
  };
}

const queues = new WeakMap<DepartmentStore, Promise<unknown>>();

/**
 * Refuses an evaluation under a kept application that is another's (scenario or subject), closed, or past its
 * lifetime: checked before the issuers are asked, and again as the evaluation is saved, so an application closed
 * meanwhile stays closed.
 */
export function refuseUnlessLive(previous: Application, scenario: string, subjectRef: Hex32, now: number): void {
  if (previous.scenario.code !== scenario || previous.subjectRef !== subjectRef) {
    throw new GatewayError("APPLICATION_CONFLICT", { field: "applicationId" });
  }
  if (previous.status === "closed" || Date.parse(previous.expiresAt) <= now) {
    throw new GatewayError("APPLICATION_CLOSED", { field: "applicationId" });
  }
}

export function applicationStore(store: DepartmentStore) {
  const applications = store.sublevel<Application>("applications");
  const totals = store.sublevel<Totals>("application-totals");

  async function readTotals(): Promise<Totals> {
    return (await totals.get("all")) ?? { ...EMPTY, byScenario: {} };
  }

  /**
   * Saves an evaluation; a re-evaluation replaces the previous one and its counts, so totals count each application
   * once, as it stands now. Record data is dropped before saving: the issuer keeps the authoritative copy, and a copy
   * here would be personal data at rest outside it.
   */
  async function write(
    application: Application,
    alsoWrite: (kept: Application) => BatchOp[],
    now: number,
  ): Promise<Application> {
    const previous = await applications.get(application.applicationId);
    if (previous) refuseUnlessLive(previous, application.scenario.code, application.subjectRef, now);
    const kept: Application = {
      ...application,
      submittedAt: previous?.submittedAt ?? application.submittedAt,
      expiresAt: previous?.expiresAt ?? application.expiresAt,
      evaluations: (previous?.evaluations ?? 0) + 1,
      materials: application.materials.map((m) => {
        if (m.outcome.status !== "waived") return m;
        const { data: _data, ...outcome } = m.outcome;
        return { ...m, outcome };
      }),
    };
    const code = application.scenario.code;
    let all = await readTotals();
    let scenario = all.byScenario[code] ?? EMPTY;
    if (previous) {
      all = { ...add(all, previous.counts, 0, -1), byScenario: all.byScenario };
      scenario = add(scenario, previous.counts, 0, -1);
    }
    const isNew = previous ? 0 : 1;
    all = { ...add(all, kept.counts, isNew, 1), byScenario: all.byScenario };
    all.byScenario = { ...all.byScenario, [code]: add(scenario, kept.counts, isNew, 1) };
    await store.db.batch(
      [
        { type: "put", sublevel: applications, key: kept.applicationId, value: kept },
        { type: "put", sublevel: totals, key: "all", value: all },
        ...alsoWrite(kept),
      ] as never,
      DURABLE,
    );
    return kept;
  }

  /** One write at a time per department, so the read-modify-write of the totals never interleaves. */
  function queued<T>(write: () => Promise<T>): Promise<T> {
    const next = (queues.get(store) ?? Promise.resolve()).catch(() => undefined).then(write);
    queues.set(store, next);
    return next;
  }

  return {
    /**
     * Saves an evaluation, with what `alsoWrite` adds for it (the remembered answer to an Idempotency-Key); one under
     * a kept application only while that is live at `now` (409 APPLICATION_CLOSED otherwise).
     */
    save(application: Application, alsoWrite: (kept: Application) => BatchOp[], now: number): Promise<Application> {
      return queued(() => write(application, alsoWrite, now));
    },
    /** Closes an application: it is kept, and takes no more evaluations. */
    close(applicationId: string, at: string): Promise<Application | undefined> {
      return queued(async () => {
        const application = await applications.get(applicationId);
        if (!application || application.status === "closed") return application;
        const closed: Application = { ...application, status: "closed", closedAt: at };
        await applications.put(applicationId, closed, DURABLE);
        return closed;
      });
    },
    get: (applicationId: string) => applications.get(applicationId),
    totals: readTotals,
    /** Every application kept, in id order (ids are random: no order of time). */
    async *all(): AsyncGenerator<Application> {
      for await (const value of applications.values()) yield value;
    },
  };
}

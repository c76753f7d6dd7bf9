// Following a department's open commitments: fulfilled when the authoritative issuer's record is found anchored and
// valid for the subject (asked as any material is, so the issuer logs the query), overdue when the window ends first.
import type { DepartmentRuntime } from "../department.ts";
import { evaluateMaterial } from "../scenarios/evaluateMaterial.ts";
import type { GatewayServices } from "../services.ts";
import { type CommittedMaterial, commitmentStore, type StoredCommitment } from "./commitmentStore.ts";
import { logCommitmentStep } from "./recordCommitment.ts";

interface Ctx {
  services: GatewayServices;
  department: DepartmentRuntime;
}

/** Asks for each material still awaited; the record's data, if the grant shares it, is not kept. */
async function awaited(ctx: Ctx, commitment: StoredCommitment): Promise<CommittedMaterial[]> {
  return Promise.all(
    commitment.materials.map(async (material) => {
      if (material.fulfilledAt) return material;
      const outcome = await evaluateMaterial(ctx, {
        credentialType: material.credentialType,
        subjectRef: material.subjectRef,
        purpose: commitment.scenario.code,
        applicationId: commitment.applicationId,
      });
      if (outcome.status !== "waived") return material;
      const { issuer, issuerId, status, asOfBlock } = outcome.evidence;
      return {
        ...material,
        fulfilledAt: new Date(ctx.services.now()).toISOString(),
        evidence: { issuer, issuerId, status, asOfBlock },
      };
    }),
  );
}

/**
 * Checks one commitment now and saves what changed: the materials found, and its status. A commitment breached or
 * fulfilled meanwhile stays as it is (the change is applied to the commitment as it stands when saved).
 */
export async function checkCommitment(ctx: Ctx, commitmentId: string): Promise<StoredCommitment | undefined> {
  const store = commitmentStore(ctx.department.store);
  const before = await store.get(commitmentId);
  if (!before || before.status === "breached" || before.status === "fulfilled") return before;
  const materials = await awaited(ctx, before);
  return store.exclusively(async () => {
    const current = await store.get(commitmentId);
    if (!current || current.status === "breached" || current.status === "fulfilled") return current;
    const now = ctx.services.now();
    const at = new Date(now).toISOString();
    const found = new Map(materials.filter((m) => m.fulfilledAt).map((m) => [m.credentialType, m]));
    const next: StoredCommitment = {
      ...current,
      materials: current.materials.map((m) => (m.fulfilledAt ? m : (found.get(m.credentialType) ?? m))),
    };
    let step: "fulfilled" | "overdue" | undefined;
    if (next.materials.every((m) => m.fulfilledAt)) {
      next.status = "fulfilled";
      next.fulfilledAt = at;
      step = "fulfilled";
    } else if (current.status === "open" && now >= Date.parse(current.dueAt)) {
      next.status = "overdue";
      next.overdueAt = at;
      step = "overdue";
    }
    if (found.size === 0 && !step) return current;
    await store.update(next);
    if (step) await logCommitmentStep(ctx, next, step);
    return next;
  });
}

/** How often a department checks its open commitments when nothing says otherwise: every minute. */
export const DEFAULT_COMMITMENT_CHECK_MS = 60_000;

export interface CommitmentFollower {
  start(): void;
  /** Checks every followed commitment once; resolves when done. */
  checkAll(): Promise<void>;
  stop(): Promise<void>;
}

/** Checks the department's open and overdue commitments every `intervalMs` (0: only when asked). */
export function createCommitmentFollower(
  ctx: Ctx,
  intervalMs: number,
  onError: (error: unknown) => void,
): CommitmentFollower {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;
  async function checkAll() {
    const ids = await commitmentStore(ctx.department.store).followedIds();
    for (const id of ids) {
      if (stopped) return;
      await checkCommitment(ctx, id).catch(onError);
    }
  }
  function tick() {
    running = checkAll()
      .catch(onError)
      .finally(() => {
        running = undefined;
        if (!stopped) timer = setTimeout(tick, intervalMs);
      });
  }
  return {
    start() {
      if (intervalMs > 0 && !timer && !stopped) timer = setTimeout(tick, intervalMs);
    },
    checkAll,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}

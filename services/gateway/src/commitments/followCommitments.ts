// Following a department's open commitments: fulfilled when the authoritative issuer's record is found anchored and
// valid for the subject (asked for evidence only, as an application asks for a material, so the issuer logs the
// query), overdue when the window ends first. The issuers are asked less often the longer nothing comes.
import type { CommitmentOutcome } from "../../../../lib/audit/accessLogEntry.ts";
import type { DepartmentRuntime } from "../department.ts";
import { evaluateMaterial } from "../scenarios/evaluateMaterial.ts";
import type { GatewayServices } from "../services.ts";
import { type CommittedMaterial, commitmentStore, type StoredCommitment } from "./commitmentStore.ts";
import { logCommitmentStep } from "./recordCommitment.ts";

interface Ctx {
  services: GatewayServices;
  department: DepartmentRuntime;
}

/** How often a department's follower looks at its open commitments when nothing says otherwise: every minute. */
export const DEFAULT_COMMITMENT_CHECK_MS = 60_000;
/** The longest wait between two queries about one commitment: a day. */
const MAX_CHECK_GAP_MS = 86_400_000;

/** Asks for evidence of each material still awaited; what comes back is verified on chain, and no data is shared. */
async function awaited(ctx: Ctx, commitment: StoredCommitment): Promise<CommittedMaterial[]> {
  return Promise.all(
    commitment.materials.map(async (material) => {
      if (material.fulfilledAt) return material;
      const outcome = await evaluateMaterial(ctx, {
        credentialType: material.credentialType,
        subjectRef: material.subjectRef,
        purpose: commitment.scenario.code,
        applicationId: commitment.applicationId,
        evidenceOnly: true,
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

const settled = (c: StoredCommitment | undefined) => !c || c.status === "breached" || c.status === "fulfilled";

/**
 * Brings one commitment up to date and saves what changed, each step with its access-log entry: a step whose entry
 * is missing is logged; an open one past its window turns overdue (the clock alone decides); the issuers are asked
 * for what is still awaited when its next check is due, or now when `askNow` (a check on request); the gateway stops
 * asking by itself once the commitment is long overdue. `intervalMs` is the follower's: the gap between queries
 * starts there and doubles each time nothing came, up to a day.
 */
export async function checkCommitment(
  ctx: Ctx,
  commitmentId: string,
  { askNow = false, intervalMs = DEFAULT_COMMITMENT_CHECK_MS } = {},
): Promise<StoredCommitment | undefined> {
  const store = commitmentStore(ctx.department.store);
  const before = await store.get(commitmentId);
  if (!before) return undefined;
  if (before.unlogged) {
    await store.exclusively(async () => {
      const current = await store.get(commitmentId);
      if (!current?.unlogged) return;
      const { unlogged, ...logged } = current;
      await logCommitmentStep(ctx, logged, unlogged);
    });
  }
  const asking = !settled(before) && (askNow || ctx.services.now() >= Date.parse(before.nextCheckAt));
  const materials = asking ? await awaited(ctx, before) : undefined;
  return store.exclusively(async () => {
    const current = await store.get(commitmentId);
    if (!current || settled(current)) return current;
    const now = ctx.services.now();
    const at = new Date(now).toISOString();
    const found = new Map((materials ?? []).filter((m) => m.fulfilledAt).map((m) => [m.credentialType, m]));
    const next: StoredCommitment = {
      ...current,
      materials: current.materials.map((m) => (m.fulfilledAt ? m : (found.get(m.credentialType) ?? m))),
    };
    if (materials) {
      next.checks = current.checks + 1;
      const gap = Math.min(intervalMs * 2 ** Math.min(current.checks, 30), MAX_CHECK_GAP_MS);
      next.nextCheckAt = new Date(now + gap).toISOString();
    }
    let step: CommitmentOutcome | undefined;
    if (next.materials.every((m) => m.fulfilledAt)) {
      next.status = "fulfilled";
      next.fulfilledAt = at;
      step = "fulfilled";
    } else if (current.status === "open" && now >= Date.parse(current.dueAt)) {
      next.status = "overdue";
      next.overdueAt = at;
      step = "overdue";
    }
    if (next.status === "overdue" && now >= Date.parse(current.followedUntil)) next.stoppedFollowingAt = at;
    if (step) await logCommitmentStep(ctx, next, step);
    else if (materials || next.stoppedFollowingAt !== current.stoppedFollowingAt) await store.update(next);
    return next;
  });
}

export interface CommitmentFollower {
  start(): void;
  /** Brings every followed commitment up to date once (each asked only when its check is due); resolves when done. */
  checkAll(): Promise<void>;
  stop(): Promise<void>;
}

/** Looks at the department's followed commitments every `intervalMs` (0: only when asked). */
export function createCommitmentFollower(
  ctx: Ctx,
  intervalMs: number,
  onError: (error: unknown) => void,
): CommitmentFollower {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;
  const gapBase = intervalMs > 0 ? intervalMs : DEFAULT_COMMITMENT_CHECK_MS;
  async function checkAll() {
    const ids = await commitmentStore(ctx.department.store).followedIds();
    for (const id of ids) {
      if (stopped) return;
      await checkCommitment(ctx, id, { intervalMs: gapBase }).catch(onError);
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

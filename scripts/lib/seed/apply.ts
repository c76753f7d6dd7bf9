// Sends a seed plan phase by phase: within a phase without waiting, between phases after every receipt.
import type { Registries } from "../../../lib/chain/registries.ts";
import { codeKey } from "../../../lib/encoding/codeKey.ts";
import type { DepartmentIds, Drift, SeedAction, SeedPlan } from "./plan.ts";

export interface SeedReport {
  registered: number;
  updated: number;
  present: number;
  drift: Drift[];
  transactions: number;
}

export type SeedProgress = (done: number, total: number, action: SeedAction) => void;

async function departmentIds(registries: Registries, codes: readonly string[]): Promise<DepartmentIds> {
  const ids: DepartmentIds = new Map();
  for (const code of codes) {
    const id = Number(await registries.departments.departmentIdOf(codeKey(code)));
    if (id !== 0) ids.set(code, id);
  }
  return ids;
}

/** Sends every action of the plan and reports what changed. */
export async function applySeed(
  plan: SeedPlan,
  registries: Registries,
  departmentCodes: readonly string[],
  onProgress?: SeedProgress,
): Promise<SeedReport> {
  const phases = [...new Set(plan.actions.map((a) => a.phase))].sort((a, b) => a - b);
  let done = 0;
  for (const phase of phases) {
    const ids = await departmentIds(registries, departmentCodes);
    const sent: { action: SeedAction; tx: { wait(): Promise<unknown> } }[] = [];
    for (const action of plan.actions.filter((a) => a.phase === phase)) {
      try {
        sent.push({ action, tx: await action.send(registries, ids) });
      } catch (cause) {
        throw new Error(`seeding ${action.kind} ${action.code} failed: ${(cause as Error).message}`, { cause });
      }
    }
    for (const { action, tx } of sent) {
      await tx.wait();
      onProgress?.(++done, plan.actions.length, action);
    }
  }
  return {
    registered: plan.actions.filter((a) => a.effect === "registered").length,
    updated: plan.actions.filter((a) => a.effect === "updated").length,
    present: plan.present,
    drift: plan.drift,
    transactions: plan.actions.length,
  };
}

// Sends a seed plan phase by phase: within a phase without waiting, between phases after every receipt.
import { receiptOf, type SentTransaction } from "../../../lib/chain/receipt.ts";
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

/** Called after each transaction is sent and after each is confirmed, with the counts so far of the whole plan. */
export type SeedProgress = (counts: { sent: number; confirmed: number; total: number }, action: SeedAction) => void;

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
  const counts = { sent: 0, confirmed: 0, total: plan.actions.length };
  for (const phase of phases) {
    const ids = await departmentIds(registries, departmentCodes);
    const sent: { action: SeedAction; tx: SentTransaction<unknown> }[] = [];
    for (const action of plan.actions.filter((a) => a.phase === phase)) {
      try {
        sent.push({ action, tx: await action.send(registries, ids) });
      } catch (cause) {
        throw new Error(`seeding ${action.kind} ${action.code} failed: ${(cause as Error).message}`, { cause });
      }
      counts.sent++;
      onProgress?.(counts, action);
    }
    for (const { action, tx } of sent) {
      await receiptOf(tx);
      counts.confirmed++;
      onProgress?.(counts, action);
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

// Seeding as one call: plan against the chain, send what is missing, and say plainly what happened.

import type { Catalogue } from "../../../lib/catalogue/schemas.ts";
import type { Registries } from "../../../lib/chain/registries.ts";
import type { Progress } from "../cli.ts";
import { applySeed, type SeedProgress, type SeedReport } from "./apply.ts";
import { type EntryKind, type PlanOptions, planSeed } from "./plan.ts";

export async function seedCatalogue(
  catalogue: Catalogue,
  registries: Registries,
  options: PlanOptions & { onProgress?: SeedProgress },
): Promise<SeedReport> {
  const plan = await planSeed(catalogue, registries, options);
  const codes = catalogue.departments.map((d) => d.code);
  return applySeed(plan, registries, codes, options.onProgress);
}

const STAGES: Record<EntryKind, string> = {
  department: "departments",
  "credential-type": "credential types",
  scenario: "scenarios",
  grant: "sharing grants",
};

/** The seed's progress in transactions confirmed, told by the kind of entry being registered and how many are sent. */
export function seedProgress(progress: Progress): SeedProgress {
  return ({ sent, confirmed, total }, action) =>
    progress.update(confirmed, total, STAGES[action.kind], sent > confirmed ? `${sent} sent` : "");
}

/** The summary printed after a seed: counts first, then every drift with what differs. */
export function formatSeedReport(report: SeedReport, update: boolean): string {
  const lines = [
    `seed: ${report.registered} registered, ${report.updated} updated, ${report.present} already present, ` +
      `${report.drift.length} drifted (${report.transactions} transactions)`,
  ];
  for (const drift of report.drift) {
    lines.push(`  drift: ${drift.kind} ${drift.code}`);
    for (const difference of drift.differences) lines.push(`    ${difference}`);
    if (drift.blocked) lines.push(`    not updated: ${drift.blocked}`);
    else if (!update) lines.push("    run the seed with --update to register a new version");
  }
  return lines.join("\n");
}

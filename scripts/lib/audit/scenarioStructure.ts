// What a scenario's registration holds besides its definition's hash, against the seeds' projection of it
// (lib/catalogue/onChain.ts): its kind, its parent (the film platform's categories and items hang from theirs), the
// credential types it requires, the departments involved, and whether it is still live. The seed compares the hash;
// these are what gateways and grants read, so a registration whose hash matches and whose structure does not is drift.
import { scenarioOnChain } from "../../../lib/catalogue/onChain.ts";
import { SCENARIO_KINDS, type Scenario } from "../../../lib/catalogue/schemas.ts";
import type { OnChainScenario } from "./chainCatalogue.ts";
import type { ChainNames } from "./chainNames.ts";

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const left = new Set(a.map((x) => x.toLowerCase()));
  return left.size === new Set(b.map((x) => x.toLowerCase())).size && b.every((x) => left.has(x.toLowerCase()));
}

const list = async (items: readonly string[], name: (item: string) => Promise<string>) =>
  `[${(await Promise.all(items.map(name))).join(", ")}]`;

/** The differences, each as `field: chain …, seed …` (the form the seed's plan writes its own in). */
export async function structureDifferences(
  scenario: Scenario,
  onChain: OnChainScenario,
  names: ChainNames,
): Promise<string[]> {
  const projected = scenarioOnChain(scenario);
  const latest = onChain.latest;
  const differences: string[] = [];
  if (onChain.retired) differences.push("retired on chain");
  const kind = SCENARIO_KINDS[Number(latest.kind)];
  if (kind !== scenario.kind) differences.push(`kind: chain ${kind}, seed ${scenario.kind}`);
  if (latest.parent.toLowerCase() !== projected.parentKey.toLowerCase()) {
    differences.push(`parent: chain ${await names.scenario(latest.parent)}, seed ${scenario.parent ?? "none"}`);
  }
  if (!sameSet(latest.requiredTypes, projected.requiredTypes)) {
    const seeded = [...new Set(scenario.matters.flatMap((m) => m.materials))];
    differences.push(
      `requiredTypes: chain ${await list(latest.requiredTypes, names.type)}, seed [${seeded.join(", ")}]`,
    );
  }
  const seededDepartments = [...new Set(scenario.matters.map((m) => m.department))];
  const seededIds = await Promise.all(seededDepartments.map(names.departmentId));
  const chainIds = latest.departments.map(String);
  if (!sameSet(chainIds, seededIds.map(String))) {
    differences.push(
      `departments: chain ${await list(chainIds, (id) => names.department(Number(id)))}, seed [${seededDepartments.join(", ")}]`,
    );
  }
  return differences;
}

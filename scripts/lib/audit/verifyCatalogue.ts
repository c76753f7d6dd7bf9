// npm run audit -- verify-catalogue [seeds dir]: every department, credential type, scenario and grant of the seeds
// against the chain, read only. The comparison is the seed's own plan (scripts/lib/seed/plan.ts) over handles bound to
// a provider, which can send nothing, and whose planned transactions are only counted as missing entries; the audit
// adds what the plan does not look at: each scenario's structure on chain, and live entries the seeds lack.
import { deriveGrants } from "../../../lib/catalogue/deriveGrants.ts";
import type { Catalogue } from "../../../lib/catalogue/schemas.ts";
import { connectRegistries } from "../../../lib/chain/registries.ts";
import { type Drift, type EntryKind, planSeed } from "../seed/plan.ts";
import { beyondSeeds, readChainCatalogue } from "./chainCatalogue.ts";
import { chainNames } from "./chainNames.ts";
import { type AuditCommand, AuditInputError } from "./command.ts";
import { directoryRegistries } from "./connect.ts";
import { type Check, reportOf } from "./report.ts";
import { structureDifferences } from "./scenarioStructure.ts";
import { loadSeeds } from "./seedsInput.ts";

export const VERIFY_CATALOGUE_HELP = [
  "usage: npm run audit -- verify-catalogue [seeds dir]",
  "",
  "Compares every department (code, names), credential type (schema hash, default validity, issuers, version),",
  "scenario (definition hash, version, kind, parent, required types, departments, retired) and sharing grant of the",
  "seeds (default: the project's seeds/) with the chain, and lists each difference, each entry the chain lacks, and",
  "each live entry on chain that the seeds lack. Read only: it sends nothing. Departments' endpoints and signer keys",
  "are set at deployment, not in the seeds, and are not compared.",
].join("\n");

const KINDS: { kind: EntryKind; label: string; total(catalogue: Catalogue): number }[] = [
  { kind: "department", label: "departments", total: (c) => c.departments.length },
  { kind: "credential-type", label: "credential types", total: (c) => c.credentialTypes.length },
  { kind: "scenario", label: "scenarios", total: (c) => c.scenarios.length },
  { kind: "grant", label: "grants", total: (c) => deriveGrants(c).length },
];

/** The plan's drift and the structure's, one entry per code with the differences of both (the kind written once). */
function merged(...lists: Drift[][]): Drift[] {
  const byEntry = new Map<string, Drift>();
  for (const drift of lists.flat()) {
    const key = `${drift.kind} ${drift.code}`;
    const found = byEntry.get(key);
    if (!found) byEntry.set(key, { kind: drift.kind, code: drift.code, differences: [...drift.differences] });
    else found.differences = [...new Set([...found.differences, ...drift.differences])];
  }
  return [...byEntry.values()];
}

const itemOf = (drift: Drift) => `${drift.kind} ${drift.code}: ${drift.differences.join("; ")}`;

export const verifyCatalogue: AuditCommand = async (context, args) => {
  if (args.length > 1) throw new AuditInputError("usage: verify-catalogue [seeds dir]");
  const { dir, catalogue } = await loadSeeds(args[0]);
  const registries = connectRegistries(
    await directoryRegistries(context.provider, context.directory),
    context.provider,
  );
  const comparing = context.progress("comparing the seeds with the chain", 1);
  const plan = await planSeed(catalogue, registries, { update: false }).finally(() => comparing.stop());
  const chain = await readChainCatalogue(registries, context);
  const names = chainNames(registries);
  const structure: Drift[] = [];
  for (const scenario of catalogue.scenarios) {
    const onChain = chain.scenarios.get(scenario.code);
    const differences = onChain ? await structureDifferences(scenario, onChain, names) : [];
    if (differences.length > 0) structure.push({ kind: "scenario", code: scenario.code, differences });
  }
  const missing: Drift[] = plan.actions
    .filter((action) => action.effect === "registered")
    .map((action) => ({ kind: action.kind, code: action.code, differences: ["not on chain"] }));
  const drift = merged(plan.drift, structure);
  const extra = beyondSeeds(catalogue, chain);
  const checks: Check[] = KINDS.map(({ kind, label, total }) => {
    const items = [...missing, ...drift].filter((d) => d.kind === kind).map(itemOf);
    const count = total(catalogue);
    return items.length === 0
      ? { name: label, ok: true, detail: `${count} as seeded` }
      : { name: label, ok: false, detail: `${items.length} not as seeded (of ${count} seeded)`, items };
  });
  checks.push(
    extra.length === 0
      ? {
          name: "beyond the seeds",
          ok: true,
          detail: "no live department, type or scenario on chain that the seeds lack",
        }
      : {
          name: "beyond the seeds",
          ok: false,
          detail: `${extra.length} live on chain, not in the seeds`,
          items: extra.map(itemOf),
        },
  );
  return reportOf("verify-catalogue", checks, [], {
    seeds: dir,
    present: plan.present,
    missing,
    drift,
    beyondSeeds: extra,
  });
};

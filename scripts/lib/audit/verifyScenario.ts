// npm run audit -- verify-scenario <code|file>: one scenario definition against the chain. A code is looked up in the
// seeds; a file is a definition as the seeds write one (an object, or an array of them). Its hash is recomputed by the
// catalogue's rule and compared by the seed's own plan; the audit adds the registration's structure, which version
// (if any) the definition is, and the block and transaction that registered it.
import { existsSync } from "node:fs";
import { formatProblem } from "../../../lib/catalogue/errors.ts";
import { scenarioOnChain } from "../../../lib/catalogue/onChain.ts";
import { parseArrayFile, parseObjectFile } from "../../../lib/catalogue/parseEntries.ts";
import { type Scenario, scenarioSchema } from "../../../lib/catalogue/schemas.ts";
import { connectRegistries, type Registries } from "../../../lib/chain/registries.ts";
import { onChainScenario, planScenarios, type SeedPlan } from "../seed/plan.ts";
import { chainNames } from "./chainNames.ts";
import { type AuditCommand, AuditInputError } from "./command.ts";
import { directoryRegistries } from "./connect.ts";
import { inputPath, readInputJson } from "./inputFile.ts";
import { type Check, isoTime, reportOf } from "./report.ts";
import { structureDifferences } from "./scenarioStructure.ts";
import { loadSeeds } from "./seedsInput.ts";

export const VERIFY_SCENARIO_HELP = [
  "usage: npm run audit -- verify-scenario <code> [seeds dir]",
  "       npm run audit -- verify-scenario <file>",
  "",
  "Recomputes a scenario definition's hash (sha256 of its RFC 8785 form, matters and names included) and compares it,",
  "its version, kind, parent, required types and departments with the scenario's newest version on chain. A code is",
  "looked up in the seeds (default: the project's seeds/); a file holds a definition as the seeds write it, one object",
  "or an array of them. An older version's definition fails, naming the version it is.",
].join("\n");

const CODE = /^[a-z0-9]+(-[a-z0-9]+)*$/;

async function scenariosOf(target: string, seeds: string | undefined): Promise<Scenario[]> {
  if (CODE.test(target) && !existsSync(inputPath(target))) {
    const { dir, catalogue } = await loadSeeds(seeds);
    const scenario = catalogue.scenarios.find((s) => s.code === target);
    if (!scenario) throw new AuditInputError(`no scenario ${target} in ${dir}`);
    return [scenario];
  }
  if (seeds !== undefined)
    throw new AuditInputError("usage: verify-scenario <file> (a seeds directory goes with a code)");
  const raw = await readInputJson(target);
  const parse = Array.isArray(raw) ? parseArrayFile : parseObjectFile;
  const parsed = parse(raw, target, "scenario", scenarioSchema);
  if (parsed.problems.length > 0) throw new AuditInputError(parsed.problems.map(formatProblem).join("\n"));
  if (parsed.entries.length === 0) throw new AuditInputError(`${target}: no scenario in it`);
  return parsed.entries.map((entry) => entry.value);
}

/** The version of the scenario on chain whose definition hash this is, and the event that registered it. */
async function registration(registries: Registries, scenario: Scenario, versions: number) {
  const { codeKey, definitionHash } = scenarioOnChain(scenario);
  for (let version = versions; version >= 1; version--) {
    const held = await registries.scenarios.scenarioVersion(codeKey, version);
    if (held.definitionHash !== definitionHash) continue;
    const events = await registries.scenarios.queryFilter(registries.scenarios.filters.ScenarioRegistered(codeKey), 0);
    const event = events.find((e) => Number(e.args.version) === version);
    return { version, registeredAt: Number(held.registeredAt), block: event?.blockNumber, tx: event?.transactionHash };
  }
  return undefined;
}

async function checkOne(registries: Registries, scenario: Scenario, plan: SeedPlan) {
  const { codeKey, definitionHash } = scenarioOnChain(scenario);
  const name = `scenario ${scenario.code}`;
  const onChain = await onChainScenario(registries, codeKey);
  if (!onChain) {
    return { definitionHash, check: { name, ok: false, detail: `not on chain (definition hash ${definitionHash})` } };
  }
  const versions = Number(onChain.versionCount);
  const found = await registration(registries, scenario, versions);
  const differences = [
    ...plan.drift.filter((d) => d.code === scenario.code).flatMap((d) => d.differences),
    ...(await structureDifferences(scenario, onChain, chainNames(registries))),
  ];
  if (found && found.version < versions) {
    differences.unshift(`the definition is version ${found.version}; the chain's newest is version ${versions}`);
  }
  const at = found ? ` (registered ${isoTime(found.registeredAt)}, block ${found.block}, tx ${found.tx})` : "";
  const check: Check =
    differences.length === 0
      ? { name, ok: true, detail: `definition hash ${definitionHash} is version ${versions} on chain${at}` }
      : { name, ok: false, detail: `definition hash ${definitionHash}${at}`, items: [...new Set(differences)] };
  return { definitionHash, check, ...(found ? { found } : {}) };
}

export const verifyScenario: AuditCommand = async (context, args) => {
  const [target, seeds, ...extra] = args;
  if (target === undefined || extra.length > 0) throw new AuditInputError("usage: verify-scenario <code|file>");
  const scenarios = await scenariosOf(target, seeds);
  const registries = connectRegistries(
    await directoryRegistries(context.provider, context.directory),
    context.provider,
  );
  const plan: SeedPlan = { actions: [], present: 0, drift: [] };
  await planScenarios({ scenarios }, registries, { update: false }, plan);
  const bar = context.progress("checking scenarios", scenarios.length);
  const results = [];
  try {
    for (const scenario of scenarios) {
      results.push({ code: scenario.code, ...(await checkOne(registries, scenario, plan)) });
      bar.tick();
    }
  } finally {
    bar.stop();
  }
  return reportOf(
    "verify-scenario",
    results.map((r) => r.check),
    [],
    {
      target,
      scenarios: results.map((r) => ({
        code: r.code,
        ok: r.check.ok,
        definitionHash: r.definitionHash,
        ...(r.found ? { registration: r.found } : {}),
        ...(r.check.items ? { differences: r.check.items } : {}),
      })),
    },
  );
};

// Compares the catalogue with what the chain holds: what to register, what is present, and what has drifted.
import { AbiCoder, keccak256, ZeroHash } from "ethers";
import { deriveGrants } from "../../../lib/catalogue/deriveGrants.ts";
import { credentialTypeOnChain, scenarioOnChain } from "../../../lib/catalogue/onChain.ts";
import { type Catalogue, SCENARIO_KINDS, type Scenario } from "../../../lib/catalogue/schemas.ts";
import type { SentTransaction } from "../../../lib/chain/receipt.ts";
import type { Registries } from "../../../lib/chain/registries.ts";
import { codeKey } from "../../../lib/encoding/codeKey.ts";

export type EntryKind = "department" | "credential-type" | "scenario" | "grant";

/** A catalogue entry whose on-chain form differs from the seed file. */
export interface Drift {
  kind: EntryKind;
  code: string;
  differences: string[];
  /** Why `--update` cannot settle it, when it cannot. */
  blocked?: string;
}

/** One transaction the seed will send, with the phase it belongs to (a phase waits for the one before). */
export interface SeedAction {
  phase: number;
  kind: EntryKind;
  code: string;
  /** registered: new on chain; updated: a new version or a configuration change. */
  effect: "registered" | "updated";
  send(registries: Registries, ids: DepartmentIds): Promise<SentTransaction<unknown>>;
}

export type DepartmentIds = Map<string, number>;

export interface SeedPlan {
  actions: SeedAction[];
  present: number;
  drift: Drift[];
}

export interface PlanOptions {
  /** Register new versions of drifted types and scenarios. */
  update: boolean;
  /** Signer addresses each department should have (added when missing; never removed by the seed). */
  signers?: Record<string, string[]>;
}

const PHASE = { departments: 0, types: 1, scenarios: 2, grants: 9 } as const;

/**
 * Plans each entry concurrently (ethers batches the reads into few requests), then merges in catalogue order so that
 * the actions are sent in a stable order.
 */
async function planEach<T>(
  entries: readonly T[],
  plan: SeedPlan,
  planOne: (entry: T, part: SeedPlan) => Promise<void>,
) {
  const parts = await Promise.all(
    entries.map(async (entry) => {
      const part: SeedPlan = { actions: [], present: 0, drift: [] };
      await planOne(entry, part);
      return part;
    }),
  );
  for (const part of parts) {
    plan.actions.push(...part.actions);
    plan.present += part.present;
    plan.drift.push(...part.drift);
  }
}

function scenarioDepth(scenario: Scenario, byCode: Map<string, Scenario>): number {
  let depth = 0;
  for (let s = scenario; s.parent !== undefined; depth++) {
    const parent = byCode.get(s.parent);
    if (!parent) break;
    s = parent;
  }
  return depth;
}

/** SharingGrantRegistry.grantIdOf, computed here so that the plan reads each grant in one call. */
function grantId(provider: number, consumer: number, credentialType: string, purpose: string): string {
  return keccak256(
    AbiCoder.defaultAbiCoder().encode(
      ["uint32", "uint32", "bytes32", "bytes32"],
      [provider, consumer, credentialType, purpose],
    ),
  );
}

function sameSet(a: readonly (string | number | bigint)[], b: readonly (string | number | bigint)[]): boolean {
  const left = new Set(a.map(String));
  return left.size === new Set(b.map(String)).size && b.every((x) => left.has(String(x)));
}

async function planDepartments(catalogue: Catalogue, registries: Registries, options: PlanOptions, plan: SeedPlan) {
  const ids: DepartmentIds = new Map();
  await planEach(catalogue.departments, plan, async (department, plan) => {
    const id = Number(await registries.departments.departmentIdOf(codeKey(department.code)));
    const signers = options.signers?.[department.code] ?? [];
    if (id === 0) {
      plan.actions.push({
        phase: PHASE.departments,
        kind: "department",
        code: department.code,
        effect: "registered",
        send: (r) =>
          // Without an endpoint: the department's gateway registers where it runs (registerEndpoints.ts).
          r.departments.registerDepartment(department.code, department.nameZh, department.nameEn, "", signers),
      });
      return;
    }
    ids.set(department.code, id);
    const onChain = await registries.departments.department(id);
    const differences: string[] = [];
    if (onChain.nameZh !== department.nameZh)
      differences.push(`nameZh: chain "${onChain.nameZh}", seed "${department.nameZh}"`);
    if (onChain.nameEn !== department.nameEn)
      differences.push(`nameEn: chain "${onChain.nameEn}", seed "${department.nameEn}"`);
    if (differences.length > 0) {
      plan.drift.push({
        kind: "department",
        code: department.code,
        differences,
        blocked: "departments are not renamed by the seed",
      });
    }
    const held = new Set(onChain.signers.map((s) => s.toLowerCase()));
    const missing = signers.filter((s) => !held.has(s.toLowerCase()));
    for (const signer of missing) {
      plan.actions.push({
        phase: PHASE.departments,
        kind: "department",
        code: department.code,
        effect: "updated",
        send: (r) => r.departments.addSigner(id, signer),
      });
    }
    if (missing.length === 0) plan.present++;
  });
  return ids;
}

function departmentIdsOf(codes: readonly string[], ids: DepartmentIds): number[] {
  return codes.map((code) => {
    const id = ids.get(code);
    if (id === undefined) throw new Error(`department ${code} is not on chain yet`);
    return id;
  });
}

async function planTypes(
  catalogue: Catalogue,
  registries: Registries,
  options: PlanOptions,
  plan: SeedPlan,
  ids: DepartmentIds,
) {
  await planEach(catalogue.credentialTypes, plan, async (type, plan) => {
    const projected = credentialTypeOnChain(type);
    const latest = Number(await registries.types.latestTypeId(projected.codeKey));
    if (latest === 0) {
      plan.actions.push({
        phase: PHASE.types,
        kind: "credential-type",
        code: type.code,
        effect: "registered",
        send: (r, d) =>
          r.types.registerType(
            type.code,
            type.nameZh,
            type.nameEn,
            projected.schemaHash,
            projected.defaultValiditySeconds,
            departmentIdsOf(type.issuers, d),
          ),
      });
      return;
    }
    const onChain = await registries.types.credentialType(latest);
    const differences: string[] = [];
    if (onChain.schemaHash !== projected.schemaHash)
      differences.push(`schemaHash: chain ${onChain.schemaHash}, seed ${projected.schemaHash}`);
    if (Number(onChain.defaultValidity) !== projected.defaultValiditySeconds) {
      differences.push(
        `defaultValidity: chain ${onChain.defaultValidity} s, seed ${projected.defaultValiditySeconds} s`,
      );
    }
    const seededIssuers = type.issuers.map((code) => ids.get(code) ?? -1);
    if (!sameSet(onChain.issuers, seededIssuers))
      differences.push(`issuers: chain [${onChain.issuers.join(", ")}], seed [${type.issuers.join(", ")}]`);
    if (differences.length === 0 && Number(onChain.version) === type.version) {
      plan.present++;
      return;
    }
    if (differences.length === 0) {
      plan.drift.push({
        kind: "credential-type",
        code: type.code,
        differences: [`version: chain ${onChain.version}, seed ${type.version}`],
        blocked: "the content is the same; only the version number differs",
      });
      return;
    }
    const next = Number(onChain.version) + 1;
    const blocked =
      type.version !== next ? `the seed's version must be ${next} to register it (it is ${type.version})` : undefined;
    plan.drift.push({ kind: "credential-type", code: type.code, differences, blocked });
    if (options.update && !blocked) {
      plan.actions.push({
        phase: PHASE.types,
        kind: "credential-type",
        code: type.code,
        effect: "updated",
        send: (r, d) =>
          r.types.registerVersion(
            projected.codeKey,
            projected.schemaHash,
            projected.defaultValiditySeconds,
            departmentIdsOf(type.issuers, d),
          ),
      });
    }
  });
}

/** The scenario with this code key as the chain holds it, or undefined when the registry has none. */
export async function onChainScenario(registries: Registries, key: string) {
  try {
    return await registries.scenarios.scenario(key);
  } catch (error) {
    const data = (error as { data?: string }).data;
    const parsed = data ? registries.scenarios.interface.parseError(data) : null;
    if (parsed?.name === "ScenarioRegistryUnknownScenario") return undefined;
    throw error;
  }
}

/** The scenarios part of planSeed, for a check of scenarios alone (npm run audit -- verify-scenario). */
export async function planScenarios(
  catalogue: Pick<Catalogue, "scenarios">,
  registries: Registries,
  options: PlanOptions,
  plan: SeedPlan,
) {
  const byCode = new Map(catalogue.scenarios.map((s) => [s.code, s]));
  await planEach(catalogue.scenarios, plan, async (scenario, plan) => {
    const projected = scenarioOnChain(scenario);
    const phase = PHASE.scenarios + scenarioDepth(scenario, byCode);
    const input = (d: DepartmentIds) => ({
      code: scenario.code,
      nameZh: scenario.nameZh,
      nameEn: scenario.nameEn,
      kind: SCENARIO_KINDS.indexOf(scenario.kind),
      definitionHash: projected.definitionHash,
      parent: projected.parentKey,
      requiredTypes: [...projected.requiredTypes],
      departments: departmentIdsOf([...new Set(scenario.matters.map((m) => m.department))], d),
    });
    const onChain = await onChainScenario(registries, projected.codeKey);
    if (!onChain) {
      plan.actions.push({
        phase,
        kind: "scenario",
        code: scenario.code,
        effect: "registered",
        send: (r, d) => r.scenarios.registerScenario(input(d)),
      });
      return;
    }
    const latest = onChain.latest;
    if (latest.definitionHash === projected.definitionHash && Number(latest.version) === scenario.version) {
      plan.present++;
      return;
    }
    const differences =
      latest.definitionHash === projected.definitionHash
        ? [`version: chain ${latest.version}, seed ${scenario.version}`]
        : [`definitionHash: chain ${latest.definitionHash}, seed ${projected.definitionHash}`];
    if (Number(latest.kind) !== SCENARIO_KINDS.indexOf(scenario.kind))
      differences.push(`kind: chain ${SCENARIO_KINDS[Number(latest.kind)]}, seed ${scenario.kind}`);
    const next = Number(latest.version) + 1;
    let blocked: string | undefined;
    if (onChain.retired) blocked = "the scenario is retired on chain";
    else if (Number(latest.kind) !== SCENARIO_KINDS.indexOf(scenario.kind)) blocked = "a scenario's kind cannot change";
    else if (latest.definitionHash === projected.definitionHash)
      blocked = "the content is the same; only the version number differs";
    else if (scenario.version !== next)
      blocked = `the seed's version must be ${next} to register it (it is ${scenario.version})`;
    plan.drift.push({ kind: "scenario", code: scenario.code, differences, blocked });
    if (options.update && !blocked) {
      plan.actions.push({
        phase,
        kind: "scenario",
        code: scenario.code,
        effect: "updated",
        send: (r, d) => r.scenarios.registerScenarioVersion(input(d)),
      });
    }
  });
}

async function planGrants(catalogue: Catalogue, registries: Registries, plan: SeedPlan, ids: DepartmentIds) {
  const wanted = new Set<string>();
  await planEach(deriveGrants(catalogue), plan, async (grant, plan) => {
    const typeKey = codeKey(grant.credentialType);
    const purpose = codeKey(grant.scenario);
    const label = `${grant.consumer} reads ${grant.provider}'s ${grant.credentialType} for ${grant.scenario}`;
    const provider = ids.get(grant.provider);
    const consumer = ids.get(grant.consumer);
    if (provider !== undefined && consumer !== undefined) {
      const id = grantId(provider, consumer, typeKey, purpose);
      wanted.add(id);
      const onChain = await registries.grants.grantOf(id);
      if (onChain.consumer !== 0n && onChain.revokedAt === 0n) {
        plan.present++;
        return;
      }
      if (onChain.consumer !== 0n) {
        // The data owner (or the operator) revoked it: a seed run must not give the access back.
        plan.drift.push({
          kind: "grant",
          code: label,
          differences: [`revoked on chain at ${onChain.revokedAt}`],
          blocked: "the seed does not grant again what was revoked; the operator grants it anew if it is wanted",
        });
        return;
      }
    }
    plan.actions.push({
      phase: PHASE.grants,
      kind: "grant",
      code: label,
      effect: "registered",
      send: (r, d) => {
        const [p, c] = departmentIdsOf([grant.provider, grant.consumer], d);
        return r.grants.grant(p ?? 0, c ?? 0, typeKey, purpose, 0);
      },
    });
  });
  const count = Number(await registries.grants.grantCount());
  const onChainIds = await Promise.all(Array.from({ length: count }, (_, i) => registries.grants.grantAt(i)));
  const extra = onChainIds.filter((id) => !wanted.has(id));
  const grants = await Promise.all(extra.map((id) => registries.grants.grantOf(id)));
  for (const [i, g] of grants.entries()) {
    if (g.revokedAt !== 0n) continue;
    plan.drift.push({
      kind: "grant",
      code: extra[i] ?? "",
      differences: [
        `on chain but not derived from the seeds: provider ${g.provider}, consumer ${g.consumer}, type ${g.credentialType}, purpose ${g.purpose === ZeroHash ? "any" : g.purpose}`,
      ],
      blocked: "the seed does not revoke grants; revoke it with the operator key if it is not wanted",
    });
  }
}

/** Reads the chain and lists what the seed would do; sends nothing. */
export async function planSeed(catalogue: Catalogue, registries: Registries, options: PlanOptions): Promise<SeedPlan> {
  const plan: SeedPlan = { actions: [], present: 0, drift: [] };
  const ids = await planDepartments(catalogue, registries, options, plan);
  await planTypes(catalogue, registries, options, plan, ids);
  await planScenarios(catalogue, registries, options, plan);
  await planGrants(catalogue, registries, plan, ids);
  return plan;
}

// Everything the catalogue registries hold, read entry by entry, and what of it the seeds do not have: the seed's plan
// looks from the seeds to the chain (missing, different, and grants beyond them); this looks the other way for
// departments, credential types and scenarios.

import type { Catalogue } from "../../../lib/catalogue/schemas.ts";
import { SCENARIO_KINDS } from "../../../lib/catalogue/schemas.ts";
import type { Registries } from "../../../lib/chain/registries.ts";
import type { Drift, onChainScenario } from "../seed/plan.ts";
import type { AuditContext } from "./command.ts";

export type OnChainScenario = NonNullable<Awaited<ReturnType<typeof onChainScenario>>>;

export interface ChainCatalogue {
  departments: Map<string, number>;
  /** Each code's newest type version: its id, version and whether it is deprecated. */
  types: Map<string, { id: number; version: number; deprecated: boolean }>;
  scenarios: Map<string, OnChainScenario>;
}

async function each<T>(count: bigint, read: (i: number) => Promise<T>, tick: () => void): Promise<T[]> {
  return Promise.all(
    Array.from({ length: Number(count) }, async (_, i) => {
      const value = await read(i);
      tick();
      return value;
    }),
  );
}

export async function readChainCatalogue(registries: Registries, context: AuditContext): Promise<ChainCatalogue> {
  const [departmentCount, typeCount, scenarioCount] = await Promise.all([
    registries.departments.departmentCount(),
    registries.types.typeCount(),
    registries.scenarios.scenarioCount(),
  ]);
  const bar = context.progress("reading the catalogue on chain", Number(departmentCount + typeCount + scenarioCount));
  const tick = () => bar.tick();
  try {
    // Department and type ids count from 1; scenarios are listed from position 0.
    const departments = await each(departmentCount, (i) => registries.departments.department(i + 1), tick);
    const types = await each(typeCount, (i) => registries.types.credentialType(i + 1), tick);
    const scenarios = await each(
      scenarioCount,
      async (i) => registries.scenarios.scenario(await registries.scenarios.scenarioAt(i)),
      tick,
    );
    const newest = new Map<string, { id: number; version: number; deprecated: boolean }>();
    for (const [i, type] of types.entries()) {
      const version = Number(type.version);
      if ((newest.get(type.code)?.version ?? 0) < version) {
        newest.set(type.code, { id: i + 1, version, deprecated: type.deprecated });
      }
    }
    return {
      departments: new Map(departments.map((d, i) => [d.code, i + 1])),
      types: newest,
      scenarios: new Map(scenarios.map((s) => [s.code, s])),
    };
  } finally {
    bar.stop();
  }
}

/** Live entries on chain that no seed file holds (a retired scenario or deprecated type is history, not drift). */
export function beyondSeeds(catalogue: Catalogue, chain: ChainCatalogue): Drift[] {
  const seeded = (codes: readonly { code: string }[]) => new Set(codes.map((entry) => entry.code));
  const departments = seeded(catalogue.departments);
  const types = seeded(catalogue.credentialTypes);
  const scenarios = seeded(catalogue.scenarios);
  const drift: Drift[] = [];
  for (const [code, id] of chain.departments) {
    if (!departments.has(code)) {
      drift.push({ kind: "department", code, differences: [`on chain (department ${id}), not in the seeds`] });
    }
  }
  for (const [code, type] of chain.types) {
    if (!types.has(code) && !type.deprecated) {
      drift.push({
        kind: "credential-type",
        code,
        differences: [`on chain (type ${type.id}, version ${type.version}), not in the seeds`],
      });
    }
  }
  for (const [code, scenario] of chain.scenarios) {
    if (!scenarios.has(code) && !scenario.retired) {
      const kind = SCENARIO_KINDS[Number(scenario.latest.kind)];
      drift.push({ kind: "scenario", code, differences: [`on chain (${kind}), not in the seeds`] });
    }
  }
  return drift;
}

// What is live on a chain: its head, the recorded contracts, and the catalogue counts read from the registries.
import type { Provider } from "ethers";
import { scenarioOnChain } from "../../lib/catalogue/onChain.ts";
import { type Catalogue, type Procedure, procedureOf, SCENARIO_KINDS } from "../../lib/catalogue/schemas.ts";
import type { DeploymentRecord } from "../../lib/chain/deploymentStore.ts";
import { connectRegistries } from "../../lib/chain/registries.ts";

export interface ChainStatus {
  chainId: number;
  rpcUrl: string;
  blockNumber: number;
  blockHash: string;
  contracts: DeploymentRecord["registries"] & { accessManager: string; directory: string };
  counts: {
    departments: number;
    activeCredentialTypes: number;
    credentialTypeVersions: number;
    /** Active scenarios of the five application kinds (film group, categories and items are counted apart). */
    scenarios: number;
    themeScenarios: number;
    scenariosByKind: Record<string, number>;
    filmGroups: number;
    filmCategories: number;
    filmItems: number;
    grants: number;
    /**
     * The catalogue's matters by how they are decided (standard, or on the applicant's commitment, 告知承诺), in the
     * scenarios whose definition hash on chain is the catalogue's; `unverified` counts the matters of the others. The
     * chain holds a scenario's hash, not its matters, so these come from the seeds, checked against it.
     */
    mattersByProcedure?: Record<Procedure, number> & { unverified: number };
  };
}

/** Counts `catalogue`'s matters by procedure, in the scenarios whose latest definition on chain is the catalogue's. */
async function mattersByProcedure(catalogue: Catalogue, registries: ReturnType<typeof connectRegistries>) {
  const counts = { standard: 0, commitment: 0, unverified: 0 };
  for (const scenario of catalogue.scenarios) {
    const projected = scenarioOnChain(scenario);
    const onChain = await registries.scenarios.scenario(projected.codeKey).catch(() => undefined);
    const verified = onChain?.latest.definitionHash === projected.definitionHash;
    for (const matter of scenario.matters) counts[verified ? procedureOf(matter) : "unverified"]++;
  }
  return counts;
}

const APPLICATION_KINDS = SCENARIO_KINDS.filter((kind) => !kind.startsWith("film-"));

export async function readChainStatus(
  provider: Provider,
  record: DeploymentRecord,
  rpcUrl: string,
  catalogue?: Catalogue,
): Promise<ChainStatus> {
  const registries = connectRegistries(record, provider);
  const block = await provider.getBlock("latest");
  if (!block?.hash) throw new Error("the chain returned no latest block");
  const byKind: Record<string, number> = {};
  for (const [index, kind] of SCENARIO_KINDS.entries()) {
    byKind[kind] = Number(await registries.scenarios.activeCountOfKind(index));
  }
  const { chainId } = await provider.getNetwork();
  return {
    chainId: Number(chainId),
    rpcUrl,
    blockNumber: block.number,
    blockHash: block.hash,
    contracts: { ...record.registries, accessManager: record.accessManager, directory: record.directory },
    counts: {
      departments: Number(await registries.departments.departmentCount()),
      activeCredentialTypes: Number(await registries.types.activeTypeCount()),
      credentialTypeVersions: Number(await registries.types.typeCount()),
      scenarios: APPLICATION_KINDS.reduce((sum, kind) => sum + (byKind[kind] ?? 0), 0),
      themeScenarios: byKind.theme ?? 0,
      scenariosByKind: byKind,
      filmGroups: byKind["film-group"] ?? 0,
      filmCategories: byKind["film-category"] ?? 0,
      filmItems: byKind["film-item"] ?? 0,
      grants: Number(await registries.grants.activeGrantCount()),
      ...(catalogue ? { mattersByProcedure: await mattersByProcedure(catalogue, registries) } : {}),
    },
  };
}

export function formatChainStatus(status: ChainStatus): string {
  const c = status.counts;
  const kinds = Object.entries(c.scenariosByKind)
    .filter(([kind]) => !kind.startsWith("film-"))
    .map(([kind, n]) => `${kind} ${n}`)
    .join(", ");
  return [
    `chain ${status.chainId} at ${status.rpcUrl}, block ${status.blockNumber} (${status.blockHash})`,
    "contracts:",
    ...Object.entries(status.contracts).map(([name, address]) => `  ${name.padEnd(26)} ${address}`),
    "on chain:",
    `  departments              ${c.departments}`,
    `  credential types         ${c.activeCredentialTypes} active (${c.credentialTypeVersions} versions)`,
    `  scenarios                ${c.scenarios} (${kinds})`,
    `  film platform            ${c.filmGroups} group, ${c.filmCategories} categories, ${c.filmItems} items`,
    `  sharing grants           ${c.grants} active`,
    ...(c.mattersByProcedure
      ? [
          `  matters by procedure     ${c.mattersByProcedure.standard} standard, ${c.mattersByProcedure.commitment} on commitment (告知承诺)` +
            (c.mattersByProcedure.unverified > 0
              ? `; ${c.mattersByProcedure.unverified} in scenarios whose definition on chain is not the seeds'`
              : ""),
        ]
      : []),
  ].join("\n");
}

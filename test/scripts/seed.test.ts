import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { Wallet } from "ethers";
import hre from "hardhat";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadCatalogue } from "../../lib/catalogue/loadCatalogue.ts";
import type { Catalogue } from "../../lib/catalogue/schemas.ts";
import { type DeploymentRecord, ensureDeployment } from "../../lib/chain/deploymentStore.ts";
import { connectRegistries, type Registries } from "../../lib/chain/registries.ts";
import { codeKey } from "../../lib/encoding/codeKey.ts";
import { readChainStatus } from "../../scripts/lib/chainStatus.ts";
import { seedsDir } from "../../scripts/lib/paths.ts";
import { planSeed } from "../../scripts/lib/seed/plan.ts";
import { seedCatalogue } from "../../scripts/lib/seed/seedCatalogue.ts";
import { removeTestDir, scanChainLater } from "../support/leftBehind.ts";

describe("seeding the district's catalogue", () => {
  let catalogue: Catalogue;
  let registries: Registries;
  let record: DeploymentRecord;
  let connection: Awaited<ReturnType<typeof hre.network.create>>;
  let dataDir: string;
  let signers: Record<string, string[]>;

  beforeAll(async () => {
    dataDir = mkdtempSync(`${tmpdir()}/oncechain-seed-`);
    catalogue = await loadCatalogue(seedsDir);
    connection = await hre.network.create();
    scanChainLater(connection.provider, "seed-chain");
    const [operator] = await connection.ethers.getSigners();
    if (!operator) throw new Error("no operator account");
    ({ record } = await ensureDeployment(connection.ethers.provider, operator, dataDir));
    registries = connectRegistries(record, operator);
    signers = Object.fromEntries(catalogue.departments.map((d) => [d.code, [Wallet.createRandom().address]]));
  });

  afterAll(() => removeTestDir(dataDir));

  it("registers every department, type, scenario and grant on a fresh chain", async () => {
    const report = await seedCatalogue(catalogue, registries, { update: false, signers });
    expect(report.present).toBe(0);
    expect(report.drift).toEqual([]);
    expect(report.registered).toBe(report.transactions);
    const status = await readChainStatus(connection.ethers.provider, record, "in-process", catalogue);
    const matters = catalogue.scenarios.flatMap((s) => s.matters);
    expect(status.counts.mattersByProcedure).toEqual({
      standard: matters.filter((m) => !m.commitment).length,
      commitment: matters.filter((m) => m.commitment).length,
      unverified: 0,
    });
    expect(status.counts.mattersByProcedure?.commitment).toBeGreaterThanOrEqual(20);
    expect(status.counts).toMatchObject({
      departments: catalogue.departments.length,
      activeCredentialTypes: 46,
      themeScenarios: 2,
      filmGroups: 1,
      filmCategories: 6,
      filmItems: 59,
    });
    expect(status.counts.scenarios).toBeGreaterThanOrEqual(32);
    expect(status.counts.grants).toBeGreaterThan(0);
    const psb = await registries.departments.departmentIdOf(codeKey("psb"));
    const department = await registries.departments.department(psb);
    expect(department.signers).toEqual(signers.psb);
  });

  it("sends no transaction when the chain already holds the whole catalogue", async () => {
    const before = await connection.ethers.provider.getBlockNumber();
    const report = await seedCatalogue(catalogue, registries, { update: false, signers });
    expect(report.transactions).toBe(0);
    expect(report.registered).toBe(0);
    expect(report.drift).toEqual([]);
    expect(await connection.ethers.provider.getBlockNumber()).toBe(before);
  });

  it("reports a credential type whose schema changed as drift and leaves the chain alone without --update", async () => {
    const changed = structuredClone(catalogue) as Catalogue;
    const type = changed.credentialTypes.find((t) => t.code === "business-licence");
    if (!type) throw new Error("business-licence is not seeded");
    type.schema.properties.branchCount = { type: "integer", minimum: 0 };
    const plan = await planSeed(changed, registries, { update: false, signers });
    expect(plan.actions).toEqual([]);
    expect(plan.drift).toEqual([
      expect.objectContaining({
        kind: "credential-type",
        code: "business-licence",
        differences: [expect.stringMatching(/^schemaHash: chain 0x[0-9a-f]{64}, seed 0x[0-9a-f]{64}$/)],
        blocked: "the seed's version must be 2 to register it (it is 1)",
      }),
    ]);
  });

  it("registers a new version of a drifted type with --update once the seed's version is bumped", async () => {
    const changed = structuredClone(catalogue) as Catalogue;
    const type = changed.credentialTypes.find((t) => t.code === "business-licence");
    if (!type) throw new Error("business-licence is not seeded");
    type.schema.properties.branchCount = { type: "integer", minimum: 0 };
    type.version = 2;
    const report = await seedCatalogue(changed, registries, { update: true, signers });
    expect(report).toMatchObject({ registered: 0, updated: 1, transactions: 1 });
    const latest = await registries.types.latestTypeId(codeKey("business-licence"));
    expect((await registries.types.credentialType(latest)).version).toBe(2n);
    expect(await registries.types.activeTypeCount()).toBe(BigInt(catalogue.credentialTypes.length));
    const again = await seedCatalogue(changed, registries, { update: true, signers });
    expect(again.transactions).toBe(0);
  });

  it("reports a scenario whose definition changed as drift naming the definition hash", async () => {
    const changed = structuredClone(catalogue) as Catalogue;
    const scenario = changed.scenarios.find((s) => s.code === "open-convenience-store");
    if (!scenario) throw new Error("open-convenience-store is not seeded");
    scenario.nameEn = "Open a corner shop";
    const plan = await planSeed(changed, registries, { update: true, signers });
    const drift = plan.drift.filter((d) => d.kind === "scenario");
    expect(drift).toEqual([
      expect.objectContaining({
        code: "open-convenience-store",
        differences: [expect.stringMatching(/^definitionHash: chain 0x[0-9a-f]{64}, seed 0x[0-9a-f]{64}$/)],
      }),
    ]);
    expect(plan.actions).toEqual([]);
  });

  it("reports a grant on chain that no scenario derives as drift, and does not revoke it", async () => {
    const gsa = await registries.departments.departmentIdOf(codeKey("gsa"));
    const psb = await registries.departments.departmentIdOf(codeKey("psb"));
    await (
      await registries.grants.grant(psb, gsa, codeKey("resident-id-card"), codeKey("open-convenience-store"), 0)
    ).wait();
    const plan = await planSeed(catalogue, registries, { update: false, signers });
    expect(plan.actions).toEqual([]);
    expect(plan.drift.filter((d) => d.kind === "grant")).toEqual([
      expect.objectContaining({ kind: "grant", differences: [expect.stringContaining("not derived from the seeds")] }),
    ]);
  });

  it("does not grant again what a data owner revoked: the revocation is drift, not a gap to fill", async () => {
    const provider = await registries.departments.departmentIdOf(codeKey("psb"));
    const consumer = await registries.departments.departmentIdOf(codeKey("market-regulation"));
    const args = [provider, consumer, codeKey("resident-id-card"), codeKey("open-convenience-store")] as const;
    const grantId = await registries.grants.grantIdOf(...args);
    await (await registries.grants.revokeGrant(grantId)).wait();
    const plan = await planSeed(catalogue, registries, { update: true, signers });
    expect(plan.actions).toEqual([]);
    expect(plan.drift.filter((d) => d.kind === "grant" && d.code.includes("market-regulation reads psb's"))).toEqual([
      expect.objectContaining({ differences: [expect.stringMatching(/^revoked on chain at \d+$/)] }),
    ]);
    expect(await registries.grants.mayRead(...args)).toBe(false);
  });
});

// Rolling out a fixed registry beside the live one: a replacement type registry and the record registry read with it.
import { describe, expect, it } from "vitest";
import { deployRegistry } from "../../lib/chain/registries.ts";
import {
  CredentialRecordRegistry__factory,
  CredentialTypeRegistry__factory,
} from "../../types/ethers-contracts/index.ts";
import { mineBlockAt, type RegistryFixture, registryFixture, SCHEMA_HASH } from "../support/chain.ts";
import { anchorArgs, RecordStatus, recordAnchor, statusOf } from "../support/records.ts";
import { expectRevert } from "../support/reverts.ts";

async function withReplacementTypes(f: RegistryFixture) {
  const address = await deployRegistry(f.operator, f.registries.accessManager, "CredentialTypeRegistry", {
    ...f.deployment.registries,
  });
  return CredentialTypeRegistry__factory.connect(address, f.operator);
}

describe("a replacement CredentialTypeRegistry", () => {
  it("loads the live catalogue, issuers included, beside the live registry", async () => {
    const f = await registryFixture();
    const types = await withReplacementTypes(f);
    await (await types.registerType("resident-id-card", "居民身份证", "Resident ID card", SCHEMA_HASH, 0, [1])).wait();
    await (await types.registerType("business-licence", "营业执照", "Business licence", SCHEMA_HASH, 0, [2])).wait();
    await mineBlockAt(f.connection, (await f.latestTimestamp()) + 10);
    const now = await f.latestTimestamp();
    expect(await types.isAuthorisedIssuer(1, 1, now)).toBe(true);
    expect(await types.isAuthorisedIssuer(2, 2, now)).toBe(true);
    expect(await f.registries.types.isAuthorisedIssuer(1, 1, now)).toBe(true);
  });

  it("lends its issuers no authority over the live registry's type of the same id", async () => {
    const f = await registryFixture();
    const types = await withReplacementTypes(f);
    // Its first type is the business licence, issued by market regulation; the live type 1 is psb's resident ID card.
    await (await types.registerType("business-licence", "营业执照", "Business licence", SCHEMA_HASH, 0, [2])).wait();
    const card = recordAnchor("resident id card", { credentialType: 1 });
    const live = f.registries.records.connect(f.otherDepartment);
    await expectRevert(live.anchor(...anchorArgs(card)), live, "CredentialRegistryNotIssuer", [f.ids.market, 1]);
    expect((await statusOf(live, f.ids.market, card.recordHash)).status).toBe(RecordStatus.Unknown);
  });

  it("serves a record registry rolled out with it, while the live record registry keeps judging its records by the live types", async () => {
    const f = await registryFixture();
    const psbCard = recordAnchor("psb's card", { credentialType: 1 });
    await (await f.registries.records.connect(f.issuer).anchor(...anchorArgs(psbCard))).wait();
    const types = await withReplacementTypes(f);
    await (await types.registerType("business-licence", "营业执照", "Business licence", SCHEMA_HASH, 0, [2])).wait();
    const recordsAddress = await deployRegistry(f.operator, f.registries.accessManager, "CredentialRecordRegistry", {
      ...f.deployment.registries,
      CredentialTypeRegistry: await types.getAddress(),
    });
    const next = CredentialRecordRegistry__factory.connect(recordsAddress, f.otherDepartment);
    expect(await next.typeRegistry()).toBe(await types.getAddress());
    expect(await next.departmentRegistry()).toBe(f.deployment.registries.DepartmentRegistry);
    const licence = recordAnchor("market's licence", { credentialType: 1 });
    await (await next.anchor(...anchorArgs(licence))).wait();
    expect((await statusOf(next, f.ids.market, licence.recordHash)).status).toBe(RecordStatus.Valid);
    await expectRevert(
      next.connect(f.issuer).anchor(...anchorArgs(recordAnchor("psb's next card", { credentialType: 1 }))),
      next,
      "CredentialRegistryNotIssuer",
      [f.ids.psb, 1],
    );
    expect((await statusOf(f.registries.records, f.ids.psb, psbCard.recordHash)).status).toBe(RecordStatus.Valid);
  });
});

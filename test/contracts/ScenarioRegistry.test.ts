// ScenarioRegistry: scenario definitions by hash, every version kept, active scenarios counted per kind.
import { ZeroHash } from "ethers";
import { describe, expect, it } from "vitest";
import { codeKey } from "../../lib/encoding/codeKey.ts";
import type { IScenarioRegistry } from "../../types/ethers-contracts/ScenarioRegistry.ts";
import { nextBlockIn, type RegistryFixture, registryFixture } from "../support/chain.ts";
import { eventsOf, expectEvent, expectEvents } from "../support/events.ts";
import { expectRevert } from "../support/reverts.ts";

const Kind = {
  Theme: 0,
  HighFrequencyPersonal: 1,
  HighFrequencyLegalPerson: 2,
  Tidal: 3,
  CrossDepartmentJoint: 4,
  FilmGroup: 5,
  FilmCategory: 6,
  FilmItem: 7,
} as const;

const STORE = codeKey("open-convenience-store");
const RESIDENT_ID = codeKey("resident-id-card");
const BUSINESS_LICENCE = codeKey("business-licence");
const DEFINITION_V1 = codeKey("definition v1");
const DEFINITION_V2 = codeKey("definition v2");

function input(overrides: Partial<IScenarioRegistry.ScenarioInputStruct> = {}): IScenarioRegistry.ScenarioInputStruct {
  return {
    code: "open-convenience-store",
    nameZh: "我要开便利店",
    nameEn: "Open a convenience store",
    kind: Kind.Theme,
    definitionHash: DEFINITION_V1,
    parent: ZeroHash,
    requiredTypes: [RESIDENT_ID, BUSINESS_LICENCE],
    departments: [2, 3],
    ...overrides,
  };
}

/** A scenario version as a plain object (ethers' own toObject turns one-element arrays into objects). */
function plain(v: IScenarioRegistry.ScenarioVersionStructOutput) {
  return {
    version: v.version,
    kind: v.kind,
    registeredAt: v.registeredAt,
    definitionHash: v.definitionHash,
    parent: v.parent,
    requiredTypes: [...v.requiredTypes],
    departments: [...v.departments],
  };
}

async function withStore(): Promise<RegistryFixture> {
  const f = await registryFixture();
  await (await f.registries.scenarios.registerScenario(input())).wait();
  return f;
}

describe("ScenarioRegistry", () => {
  it("reports version 2.0.0 and starts with no scenario of any kind", async () => {
    const { registries } = await registryFixture();
    const { scenarios } = registries;
    expect(await scenarios.version()).toBe("2.0.0");
    expect(await scenarios.scenarioCount()).toBe(0n);
    for (const kind of Object.values(Kind)) expect(await scenarios.activeCountOfKind(kind)).toBe(0n);
  });

  describe("registerScenario", () => {
    it("registers version 1 with its names, kind, definition hash, parent, required types and departments", async () => {
      const f = await registryFixture();
      const { scenarios } = f.registries;
      expect(await scenarios.registerScenario.staticCall(input())).toBe(STORE);
      const at = await nextBlockIn(f);
      await (await scenarios.registerScenario(input())).wait();
      const s = await scenarios.scenario(STORE);
      expect([s.code, s.nameZh, s.nameEn, s.retired, s.versionCount]).toEqual([
        "open-convenience-store",
        "我要开便利店",
        "Open a convenience store",
        false,
        1n,
      ]);
      expect(plain(s.latest)).toEqual({
        version: 1n,
        kind: BigInt(Kind.Theme),
        registeredAt: BigInt(at),
        definitionHash: DEFINITION_V1,
        parent: ZeroHash,
        requiredTypes: [RESIDENT_ID, BUSINESS_LICENCE],
        departments: [2n, 3n],
      });
      expect(await scenarios.isActive(STORE)).toBe(true);
      expect(await scenarios.scenarioCount()).toBe(1n);
      expect(await scenarios.scenarioAt(0)).toBe(STORE);
      expect(await scenarios.activeCountOfKind(Kind.Theme)).toBe(1n);
    });

    it("emits ScenarioRegistered with version 1, the kind, the definition hash and the parent", async () => {
      const { registries } = await registryFixture();
      const { scenarios } = registries;
      await expectEvent(scenarios.registerScenario(input()), scenarios, "ScenarioRegistered", [
        STORE,
        1,
        Kind.Theme,
        DEFINITION_V1,
        ZeroHash,
      ]);
    });

    it("registers scenarios of every kind and counts the active ones per kind", async () => {
      const { registries } = await registryFixture();
      const { scenarios } = registries;
      // The film kinds form a tree: each category names the group, each item a category.
      const parentOf = (kind: number) =>
        kind === Kind.FilmCategory || kind === Kind.FilmItem ? codeKey(`scenario-${kind - 1}`) : ZeroHash;
      for (const kind of Object.values(Kind)) {
        await (
          await scenarios.registerScenario(input({ code: `scenario-${kind}`, kind, parent: parentOf(kind) }))
        ).wait();
      }
      await (await scenarios.registerScenario(input({ code: "open-homestay" }))).wait();
      expect(await scenarios.scenarioCount()).toBe(9n);
      expect(await scenarios.activeCountOfKind(Kind.Theme)).toBe(2n);
      for (const kind of Object.values(Kind).slice(1)) {
        expect(await scenarios.activeCountOfKind(kind)).toBe(1n);
        expect((await scenarios.scenario(codeKey(`scenario-${kind}`))).latest.kind).toBe(BigInt(kind));
      }
    });

    it("registers the film platform as a group whose categories and items name their parent", async () => {
      const { registries } = await registryFixture();
      const { scenarios } = registries;
      await (await scenarios.registerScenario(input({ code: "film-platform", kind: Kind.FilmGroup }))).wait();
      const category = input({ code: "film-shooting", kind: Kind.FilmCategory, parent: codeKey("film-platform") });
      await expectEvent(scenarios.registerScenario(category), scenarios, "ScenarioRegistered", [
        codeKey("film-shooting"),
        1,
        Kind.FilmCategory,
        DEFINITION_V1,
        codeKey("film-platform"),
      ]);
      const item = input({ code: "film-location-filing", kind: Kind.FilmItem, parent: codeKey("film-shooting") });
      await (await scenarios.registerScenario(item)).wait();
      expect((await scenarios.scenario(codeKey("film-location-filing"))).latest.parent).toBe(codeKey("film-shooting"));
    });

    it("registers a scenario without required types or departments", async () => {
      const { registries } = await registryFixture();
      const { scenarios } = registries;
      await (await scenarios.registerScenario(input({ requiredTypes: [], departments: [] }))).wait();
      const s = await scenarios.scenario(STORE);
      expect([s.latest.requiredTypes, s.latest.departments]).toEqual([[], []]);
    });

    it("reverts with ScenarioRegistryUnknownParent when a film category's or item's parent is not registered, a new scenario itself included", async () => {
      const f = await registryFixture();
      const { scenarios } = f.registries;
      const orphan = input({ code: "film-shooting", kind: Kind.FilmCategory, parent: codeKey("film-platform") });
      await expectRevert(scenarios.registerScenario(orphan), scenarios, "ScenarioRegistryUnknownParent", [
        codeKey("film-platform"),
      ]);
      const selfParented = input({
        code: "film-location-filing",
        kind: Kind.FilmItem,
        parent: codeKey("film-location-filing"),
      });
      await expectRevert(scenarios.registerScenario(selfParented), scenarios, "ScenarioRegistryUnknownParent", [
        codeKey("film-location-filing"),
      ]);
      expect(await scenarios.scenarioCount()).toBe(0n);
    });

    it("reverts with ScenarioRegistryUnknownCredentialType when a required type is not in the catalogue", async () => {
      const { registries } = await registryFixture();
      const { scenarios } = registries;
      const requiredTypes = [RESIDENT_ID, codeKey("food-licence")];
      await expectRevert(
        scenarios.registerScenario(input({ requiredTypes })),
        scenarios,
        "ScenarioRegistryUnknownCredentialType",
        [codeKey("food-licence")],
      );
    });

    it("reverts with ScenarioRegistryUnknownDepartment when a department is 0 or not registered", async () => {
      const { registries } = await registryFixture();
      const { scenarios } = registries;
      for (const id of [0, 4]) {
        await expectRevert(
          scenarios.registerScenario(input({ departments: [1, id] })),
          scenarios,
          "ScenarioRegistryUnknownDepartment",
          [id],
        );
      }
    });

    it("reverts with ScenarioRegistryEmptyCode when the code is empty", async () => {
      const { registries } = await registryFixture();
      const { scenarios } = registries;
      await expectRevert(scenarios.registerScenario(input({ code: "" })), scenarios, "ScenarioRegistryEmptyCode", []);
    });

    it("reverts with ScenarioRegistryEmptyDefinitionHash when the definition hash is zero", async () => {
      const { registries } = await registryFixture();
      const { scenarios } = registries;
      await expectRevert(
        scenarios.registerScenario(input({ definitionHash: ZeroHash })),
        scenarios,
        "ScenarioRegistryEmptyDefinitionHash",
        [],
      );
    });

    it("reverts with ScenarioRegistryCodeTaken when the code is registered, retired or not", async () => {
      const { registries } = await withStore();
      const { scenarios } = registries;
      await expectRevert(
        scenarios.registerScenario(input({ definitionHash: DEFINITION_V2 })),
        scenarios,
        "ScenarioRegistryCodeTaken",
        [STORE],
      );
      await (await scenarios.retireScenario(STORE)).wait();
      await expectRevert(scenarios.registerScenario(input()), scenarios, "ScenarioRegistryCodeTaken", [STORE]);
    });

    it("counts nothing when a registration reverts", async () => {
      const { registries } = await registryFixture();
      const { scenarios } = registries;
      await expectRevert(
        scenarios.registerScenario(input({ departments: [4] })),
        scenarios,
        "ScenarioRegistryUnknownDepartment",
        [4],
      );
      expect(await scenarios.scenarioCount()).toBe(0n);
      expect(await scenarios.activeCountOfKind(Kind.Theme)).toBe(0n);
      expect(await scenarios.isActive(STORE)).toBe(false);
    });
  });

  describe("registerScenarioVersion", () => {
    const v2 = () =>
      input({
        nameZh: "我要开便利店（新）",
        nameEn: "Open a convenience store (new)",
        definitionHash: DEFINITION_V2,
        requiredTypes: [BUSINESS_LICENCE],
        departments: [1],
      });

    it("registers the next version with the new definition and names, keeping version 1 readable", async () => {
      const f = await withStore();
      const { scenarios } = f.registries;
      const v1 = plain(await scenarios.scenarioVersion(STORE, 1));
      expect(await scenarios.registerScenarioVersion.staticCall(v2())).toBe(2n);
      const at = await nextBlockIn(f);
      await (await scenarios.registerScenarioVersion(v2())).wait();
      const s = await scenarios.scenario(STORE);
      expect([s.code, s.nameZh, s.nameEn, s.retired, s.versionCount]).toEqual([
        "open-convenience-store",
        "我要开便利店（新）",
        "Open a convenience store (new)",
        false,
        2n,
      ]);
      const latest = {
        version: 2n,
        kind: BigInt(Kind.Theme),
        registeredAt: BigInt(at),
        definitionHash: DEFINITION_V2,
        parent: ZeroHash,
        requiredTypes: [BUSINESS_LICENCE],
        departments: [1n],
      };
      expect(plain(s.latest)).toEqual(latest);
      expect(plain(await scenarios.scenarioVersion(STORE, 2))).toEqual(latest);
      expect(plain(await scenarios.scenarioVersion(STORE, 1))).toEqual(v1);
      expect(v1.definitionHash).toBe(DEFINITION_V1);
    });

    it("emits ScenarioRegistered with the new version and counts no new scenario", async () => {
      const { registries } = await withStore();
      const { scenarios } = registries;
      await expectEvent(scenarios.registerScenarioVersion(v2()), scenarios, "ScenarioRegistered", [
        STORE,
        2,
        Kind.Theme,
        DEFINITION_V2,
        ZeroHash,
      ]);
      expect(await scenarios.scenarioCount()).toBe(1n);
      expect(await scenarios.activeCountOfKind(Kind.Theme)).toBe(1n);
    });

    it("moves a film item to another category", async () => {
      const { registries } = await registryFixture();
      const { scenarios } = registries;
      await (await scenarios.registerScenario(input({ code: "film-platform", kind: Kind.FilmGroup }))).wait();
      for (const code of ["film-shooting", "film-post-production"]) {
        await (
          await scenarios.registerScenario(input({ code, kind: Kind.FilmCategory, parent: codeKey("film-platform") }))
        ).wait();
      }
      const item = { code: "film-location-filing", kind: Kind.FilmItem };
      await (await scenarios.registerScenario(input({ ...item, parent: codeKey("film-shooting") }))).wait();
      await (
        await scenarios.registerScenarioVersion(input({ ...item, parent: codeKey("film-post-production") }))
      ).wait();
      const key = codeKey("film-location-filing");
      expect((await scenarios.scenarioVersion(key, 1)).parent).toBe(codeKey("film-shooting"));
      expect((await scenarios.scenarioVersion(key, 2)).parent).toBe(codeKey("film-post-production"));
    });

    it("reverts with ScenarioRegistryKindChanged when the kind differs", async () => {
      const { registries } = await withStore();
      const { scenarios } = registries;
      await expectRevert(
        scenarios.registerScenarioVersion(input({ kind: Kind.Tidal, definitionHash: DEFINITION_V2 })),
        scenarios,
        "ScenarioRegistryKindChanged",
        [STORE, Kind.Theme, Kind.Tidal],
      );
    });

    it("reverts with ScenarioRegistryRetired for a retired scenario", async () => {
      const { registries } = await withStore();
      const { scenarios } = registries;
      await (await scenarios.retireScenario(STORE)).wait();
      await expectRevert(scenarios.registerScenarioVersion(v2()), scenarios, "ScenarioRegistryRetired", [STORE]);
    });

    it("reverts with ScenarioRegistryUnknownScenario for an unregistered code", async () => {
      const { registries } = await registryFixture();
      const { scenarios } = registries;
      await expectRevert(scenarios.registerScenarioVersion(input()), scenarios, "ScenarioRegistryUnknownScenario", [
        STORE,
      ]);
    });

    it("checks the new version's definition hash, parent, required types and departments", async () => {
      const { registries } = await withStore();
      const { scenarios } = registries;
      await expectRevert(
        scenarios.registerScenarioVersion(input({ definitionHash: ZeroHash })),
        scenarios,
        "ScenarioRegistryEmptyDefinitionHash",
        [],
      );
      await expectRevert(
        scenarios.registerScenarioVersion(input({ parent: codeKey("nowhere") })),
        scenarios,
        "ScenarioRegistryInvalidParent",
        [codeKey("nowhere"), Kind.Theme],
      );
      await expectRevert(
        scenarios.registerScenarioVersion(input({ requiredTypes: [codeKey("food-licence")] })),
        scenarios,
        "ScenarioRegistryUnknownCredentialType",
        [codeKey("food-licence")],
      );
      await expectRevert(
        scenarios.registerScenarioVersion(input({ departments: [9] })),
        scenarios,
        "ScenarioRegistryUnknownDepartment",
        [9],
      );
      expect((await scenarios.scenario(STORE)).versionCount).toBe(1n);
    });
  });

  describe("parents", () => {
    const GROUP = codeKey("film-platform");
    const CATEGORY = codeKey("film-shooting");
    const ITEM = codeKey("film-location-filing");

    /** The fixture with the store (a theme) and the film platform's group, one category and one item. */
    async function withFilmTree(): Promise<RegistryFixture> {
      const f = await withStore();
      const { scenarios } = f.registries;
      await (await scenarios.registerScenario(input({ code: "film-platform", kind: Kind.FilmGroup }))).wait();
      await (
        await scenarios.registerScenario(input({ code: "film-shooting", kind: Kind.FilmCategory, parent: GROUP }))
      ).wait();
      await (
        await scenarios.registerScenario(input({ code: "film-location-filing", kind: Kind.FilmItem, parent: CATEGORY }))
      ).wait();
      return f;
    }

    it("reverts with ScenarioRegistryInvalidParent when a film category or item names no parent", async () => {
      const { registries } = await withFilmTree();
      const { scenarios } = registries;
      for (const kind of [Kind.FilmCategory, Kind.FilmItem]) {
        await expectRevert(
          scenarios.registerScenario(input({ code: `film-orphan-${kind}`, kind })),
          scenarios,
          "ScenarioRegistryInvalidParent",
          [ZeroHash, kind],
        );
      }
      await expectRevert(
        scenarios.registerScenarioVersion(input({ code: "film-location-filing", kind: Kind.FilmItem })),
        scenarios,
        "ScenarioRegistryInvalidParent",
        [ZeroHash, Kind.FilmItem],
      );
    });

    it("reverts with ScenarioRegistryInvalidParent when a film category's parent is not a film group", async () => {
      const { registries } = await withFilmTree();
      const { scenarios } = registries;
      for (const parent of [STORE, CATEGORY, ITEM]) {
        await expectRevert(
          scenarios.registerScenario(input({ code: "film-editing", kind: Kind.FilmCategory, parent })),
          scenarios,
          "ScenarioRegistryInvalidParent",
          [parent, Kind.FilmCategory],
        );
      }
    });

    it("reverts with ScenarioRegistryInvalidParent when a film item's parent is not a film category", async () => {
      const { registries } = await withFilmTree();
      const { scenarios } = registries;
      for (const parent of [STORE, GROUP, ITEM]) {
        await expectRevert(
          scenarios.registerScenario(input({ code: "film-crew-permit", kind: Kind.FilmItem, parent })),
          scenarios,
          "ScenarioRegistryInvalidParent",
          [parent, Kind.FilmItem],
        );
      }
    });

    it("reverts with ScenarioRegistryInvalidParent when a film group names any parent, registered or not, a film group included", async () => {
      const { registries } = await withFilmTree();
      const { scenarios } = registries;
      for (const parent of [STORE, GROUP, CATEGORY, ITEM, codeKey("nowhere")]) {
        await expectRevert(
          scenarios.registerScenario(input({ code: "film-platform-2", kind: Kind.FilmGroup, parent })),
          scenarios,
          "ScenarioRegistryInvalidParent",
          [parent, Kind.FilmGroup],
        );
      }
      await expectRevert(
        scenarios.registerScenarioVersion(input({ code: "film-platform", kind: Kind.FilmGroup, parent: STORE })),
        scenarios,
        "ScenarioRegistryInvalidParent",
        [STORE, Kind.FilmGroup],
      );
    });

    it("reverts with ScenarioRegistryUnknownParent when a new version of a film category or item names an unregistered parent", async () => {
      const { registries } = await withFilmTree();
      const { scenarios } = registries;
      const moves: [string, number][] = [
        ["film-shooting", Kind.FilmCategory],
        ["film-location-filing", Kind.FilmItem],
      ];
      for (const [code, kind] of moves) {
        await expectRevert(
          scenarios.registerScenarioVersion(
            input({ code, kind, definitionHash: DEFINITION_V2, parent: codeKey("nowhere") }),
          ),
          scenarios,
          "ScenarioRegistryUnknownParent",
          [codeKey("nowhere")],
        );
        expect((await scenarios.scenario(codeKey(code))).versionCount).toBe(1n);
      }
    });

    it("reverts with ScenarioRegistryInvalidParent when a new version names the scenario itself", async () => {
      const { registries } = await withFilmTree();
      const { scenarios } = registries;
      const selfParented: [string, number, string][] = [
        ["open-convenience-store", Kind.Theme, STORE],
        ["film-platform", Kind.FilmGroup, GROUP],
        ["film-shooting", Kind.FilmCategory, CATEGORY],
        ["film-location-filing", Kind.FilmItem, ITEM],
      ];
      for (const [code, kind, key] of selfParented) {
        await expectRevert(
          scenarios.registerScenarioVersion(input({ code, kind, definitionHash: DEFINITION_V2, parent: key })),
          scenarios,
          "ScenarioRegistryInvalidParent",
          [key, kind],
        );
        expect((await scenarios.scenario(key)).versionCount).toBe(1n);
      }
    });

    it("reverts with ScenarioRegistryInvalidParent when a film category's or item's parent is retired", async () => {
      const f = await withFilmTree();
      const { scenarios } = f.registries;
      await (await scenarios.retireScenario(CATEGORY)).wait();
      await expectRevert(
        scenarios.registerScenario(input({ code: "film-crew-permit", kind: Kind.FilmItem, parent: CATEGORY })),
        scenarios,
        "ScenarioRegistryInvalidParent",
        [CATEGORY, Kind.FilmItem],
      );
      // The item was retired with its category, so it takes no new version at all.
      await expectRevert(
        scenarios.registerScenarioVersion(
          input({ code: "film-location-filing", kind: Kind.FilmItem, definitionHash: DEFINITION_V2, parent: CATEGORY }),
        ),
        scenarios,
        "ScenarioRegistryRetired",
        [ITEM],
      );
      expect((await scenarios.scenario(ITEM)).versionCount).toBe(1n);
      await (await scenarios.retireScenario(GROUP)).wait();
      await expectRevert(
        scenarios.registerScenario(input({ code: "film-editing", kind: Kind.FilmCategory, parent: GROUP })),
        scenarios,
        "ScenarioRegistryInvalidParent",
        [GROUP, Kind.FilmCategory],
      );
    });

    it("retires a film category with every item under it, each emitting ScenarioRetired", async () => {
      const f = await withFilmTree();
      const { scenarios } = f.registries;
      const at = await nextBlockIn(f);
      const sent = await scenarios.retireScenario(CATEGORY);
      await expectEvents(sent, scenarios, "ScenarioRetired", [
        [CATEGORY, at],
        [ITEM, at],
      ]);
      expect(await scenarios.isActive(ITEM)).toBe(false);
      expect(await scenarios.isActive(GROUP)).toBe(true);
      expect(await scenarios.activeCountOfKind(Kind.FilmItem)).toBe(0n);
      expect(await scenarios.activeCountOfKind(Kind.FilmCategory)).toBe(0n);
    });

    it("retires a film group with its categories and their items", async () => {
      const f = await withFilmTree();
      const { scenarios } = f.registries;
      await (
        await scenarios.registerScenario(
          input({ code: "film-post-production", kind: Kind.FilmCategory, parent: GROUP }),
        )
      ).wait();
      const POST = codeKey("film-post-production");
      await (
        await scenarios.registerScenario(input({ code: "film-dubbing", kind: Kind.FilmItem, parent: POST }))
      ).wait();
      await (await scenarios.retireScenario(POST)).wait();
      const sent = await scenarios.retireScenario(GROUP);
      // The category retired before is not retired again.
      expect((await eventsOf(sent, scenarios, "ScenarioRetired")).map(([key]) => key)).toEqual([GROUP, CATEGORY, ITEM]);
      for (const key of [GROUP, CATEGORY, ITEM, POST, codeKey("film-dubbing")]) {
        expect(await scenarios.isActive(key)).toBe(false);
      }
      expect(await scenarios.activeCountOfKind(Kind.FilmGroup)).toBe(0n);
      expect(await scenarios.activeCountOfKind(Kind.FilmItem)).toBe(0n);
      expect(await scenarios.isActive(STORE)).toBe(true);
    });

    it("ends the purpose grants of the items under a retired film category", async () => {
      const f = await withFilmTree();
      const { scenarios, grants } = f.registries;
      await (await grants.grant(f.ids.psb, f.ids.market, RESIDENT_ID, ITEM, 0)).wait();
      expect(await grants.mayRead(f.ids.psb, f.ids.market, RESIDENT_ID, ITEM)).toBe(true);
      await (await scenarios.retireScenario(CATEGORY)).wait();
      expect(await grants.mayRead(f.ids.psb, f.ids.market, RESIDENT_ID, ITEM)).toBe(false);
    });

    it("lists a category's items, and moves an item whose new version names another category", async () => {
      const f = await withFilmTree();
      const { scenarios } = f.registries;
      await (
        await scenarios.registerScenario(
          input({ code: "film-post-production", kind: Kind.FilmCategory, parent: GROUP }),
        )
      ).wait();
      const POST = codeKey("film-post-production");
      expect(await scenarios.children(GROUP)).toEqual([CATEGORY, POST]);
      expect(await scenarios.children(CATEGORY)).toEqual([ITEM]);
      await (
        await scenarios.registerScenarioVersion(
          input({ code: "film-location-filing", kind: Kind.FilmItem, definitionHash: DEFINITION_V2, parent: POST }),
        )
      ).wait();
      expect(await scenarios.children(CATEGORY)).toEqual([]);
      expect(await scenarios.children(POST)).toEqual([ITEM]);
      await (await scenarios.retireScenario(CATEGORY)).wait();
      expect(await scenarios.isActive(ITEM)).toBe(true);
      await (await scenarios.retireScenario(POST)).wait();
      expect(await scenarios.isActive(ITEM)).toBe(false);
    });

    it("reverts with ScenarioRegistryInvalidParent when any other kind names a parent, live, retired or unregistered", async () => {
      const f = await withFilmTree();
      const { scenarios } = f.registries;
      await (await scenarios.registerScenario(input({ code: "open-bakery" }))).wait();
      await (await scenarios.retireScenario(codeKey("open-bakery"))).wait();
      const others: [string, number][] = [
        ["open-homestay", Kind.Theme],
        ["renew-id", Kind.HighFrequencyPersonal],
        ["renew-licence", Kind.HighFrequencyLegalPerson],
        ["school-enrolment", Kind.Tidal],
        ["joint-inspection", Kind.CrossDepartmentJoint],
      ];
      for (const [code, kind] of others) {
        for (const parent of [
          STORE,
          GROUP,
          CATEGORY,
          ITEM,
          codeKey("open-bakery"),
          codeKey("nowhere"),
          codeKey(code),
        ]) {
          await expectRevert(
            scenarios.registerScenario(input({ code, kind, parent })),
            scenarios,
            "ScenarioRegistryInvalidParent",
            [parent, kind],
          );
        }
      }
      await expectRevert(
        scenarios.registerScenarioVersion(input({ definitionHash: DEFINITION_V2, parent: GROUP })),
        scenarios,
        "ScenarioRegistryInvalidParent",
        [GROUP, Kind.Theme],
      );
      expect(await scenarios.scenarioCount()).toBe(5n);
      expect((await scenarios.scenario(STORE)).versionCount).toBe(1n);
    });

    it("registers every other kind with no parent", async () => {
      const { registries } = await withFilmTree();
      const { scenarios } = registries;
      const others: [string, number][] = [
        ["open-homestay", Kind.Theme],
        ["renew-id", Kind.HighFrequencyPersonal],
        ["renew-licence", Kind.HighFrequencyLegalPerson],
        ["school-enrolment", Kind.Tidal],
        ["joint-inspection", Kind.CrossDepartmentJoint],
      ];
      for (const [code, kind] of others) {
        await (await scenarios.registerScenario(input({ code, kind }))).wait();
        expect((await scenarios.scenario(codeKey(code))).latest.parent).toBe(ZeroHash);
      }
      await (await scenarios.registerScenarioVersion(input({ definitionHash: DEFINITION_V2 }))).wait();
      expect((await scenarios.scenario(STORE)).latest.parent).toBe(ZeroHash);
    });

    it("counts nothing when a registration reverts for its parent", async () => {
      const { registries } = await withFilmTree();
      const { scenarios } = registries;
      await expectRevert(
        scenarios.registerScenario(input({ code: "film-editing", kind: Kind.FilmCategory })),
        scenarios,
        "ScenarioRegistryInvalidParent",
        [ZeroHash, Kind.FilmCategory],
      );
      expect(await scenarios.scenarioCount()).toBe(4n);
      expect(await scenarios.activeCountOfKind(Kind.FilmCategory)).toBe(1n);
      expect(await scenarios.isActive(codeKey("film-editing"))).toBe(false);
    });
  });

  describe("retireScenario", () => {
    it("retires the scenario, emitting ScenarioRetired, and stops counting it as active", async () => {
      const f = await withStore();
      const { scenarios } = f.registries;
      const at = await nextBlockIn(f);
      await expectEvent(scenarios.retireScenario(STORE), scenarios, "ScenarioRetired", [STORE, at]);
      expect(await scenarios.isActive(STORE)).toBe(false);
      expect(await scenarios.activeCountOfKind(Kind.Theme)).toBe(0n);
      expect(await scenarios.scenarioCount()).toBe(1n);
      expect(await scenarios.scenarioAt(0)).toBe(STORE);
    });

    it("keeps a retired scenario and its versions readable", async () => {
      const { registries } = await withStore();
      const { scenarios } = registries;
      await (await scenarios.retireScenario(STORE)).wait();
      const s = await scenarios.scenario(STORE);
      expect([s.retired, s.versionCount, s.latest.definitionHash]).toEqual([true, 1n, DEFINITION_V1]);
      expect((await scenarios.scenarioVersion(STORE, 1)).definitionHash).toBe(DEFINITION_V1);
    });

    it("lowers the count of the scenario's own kind only", async () => {
      const { registries } = await withStore();
      const { scenarios } = registries;
      await (await scenarios.registerScenario(input({ code: "renew-id", kind: Kind.Tidal }))).wait();
      await (await scenarios.retireScenario(codeKey("renew-id"))).wait();
      expect(await scenarios.activeCountOfKind(Kind.Tidal)).toBe(0n);
      expect(await scenarios.activeCountOfKind(Kind.Theme)).toBe(1n);
    });

    it("reverts with ScenarioRegistryRetired on a second retirement", async () => {
      const { registries } = await withStore();
      const { scenarios } = registries;
      await (await scenarios.retireScenario(STORE)).wait();
      await expectRevert(scenarios.retireScenario(STORE), scenarios, "ScenarioRegistryRetired", [STORE]);
      expect(await scenarios.activeCountOfKind(Kind.Theme)).toBe(0n);
    });

    it("reverts with ScenarioRegistryUnknownScenario for an unregistered code", async () => {
      const { registries } = await registryFixture();
      const { scenarios } = registries;
      await expectRevert(scenarios.retireScenario(STORE), scenarios, "ScenarioRegistryUnknownScenario", [STORE]);
    });
  });

  describe("views", () => {
    it("reverts with ScenarioRegistryUnknownScenario when reading an unregistered scenario", async () => {
      const { registries } = await registryFixture();
      const { scenarios } = registries;
      await expectRevert(scenarios.scenario(STORE), scenarios, "ScenarioRegistryUnknownScenario", [STORE]);
      await expectRevert(scenarios.scenarioVersion(STORE, 1), scenarios, "ScenarioRegistryUnknownScenario", [STORE]);
      expect(await scenarios.isActive(STORE)).toBe(false);
    });

    it("reverts with ScenarioRegistryUnknownScenario when reading version 0 or a version not yet registered", async () => {
      const { registries } = await withStore();
      const { scenarios } = registries;
      for (const version of [0, 2]) {
        await expectRevert(scenarios.scenarioVersion(STORE, version), scenarios, "ScenarioRegistryUnknownScenario", [
          STORE,
        ]);
      }
    });

    it("lists code keys in registration order and panics with an out-of-bounds index past the end", async () => {
      const { registries } = await withStore();
      const { scenarios } = registries;
      await (await scenarios.registerScenario(input({ code: "open-homestay" }))).wait();
      expect(await scenarios.scenarioAt(0)).toBe(STORE);
      expect(await scenarios.scenarioAt(1)).toBe(codeKey("open-homestay"));
      await expectRevert(scenarios.scenarioAt(2), scenarios, "Panic", [0x32]);
    });
  });
});

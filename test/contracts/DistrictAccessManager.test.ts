// DistrictAccessManager: the roles wiring of the deployment — who may call which registry function, with what delay.
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { type ContractTransactionResponse, id, ZeroHash } from "ethers";
import { describe, expect, it } from "vitest";
import {
  CATALOGUE_ROLE,
  connectRegistries,
  deployRegistries,
  OPERATOR_ROLE,
  type Registries,
} from "../../lib/chain/registries.ts";
import { codeKey } from "../../lib/encoding/codeKey.ts";
import { DistrictAccessManager__factory } from "../../types/ethers-contracts/index.ts";
import { keyAddress, nextBlockIn, type RegistryFixture, registryFixture, SCHEMA_HASH } from "../support/chain.ts";
import { eventsOf, expectEvent } from "../support/events.ts";
import { expectRevert } from "../support/reverts.ts";

type Managed = "departments" | "types" | "records" | "scenarios" | "grants" | "accessLog" | "directory";
const MANAGED: Managed[] = ["departments", "types", "records", "scenarios", "grants", "accessLog", "directory"];
const ADMIN_ROLE = 0n;
const RESIDENT_ID = codeKey("resident-id-card");
const DELAY = 3600;

const scenarioInput = {
  code: "open-convenience-store",
  nameZh: "我要开便利店",
  nameEn: "Open a convenience store",
  kind: 0,
  definitionHash: codeKey("definition"),
  parent: ZeroHash,
  requiredTypes: [RESIDENT_ID],
  departments: [2],
};

async function registerStore(f: RegistryFixture): Promise<void> {
  await (await f.registries.scenarios.registerScenario(scenarioInput)).wait();
}

/** A `restricted` operator function, called with arguments that succeed for the operator. */
interface OperatorCall {
  registry: Managed;
  fn: string;
  prepare?: (f: RegistryFixture) => Promise<void>;
  send: (r: Registries, f: RegistryFixture) => Promise<ContractTransactionResponse>;
}

const OPERATOR_CALLS: OperatorCall[] = [
  {
    registry: "departments",
    fn: "registerDepartment",
    send: (r) => r.departments.registerDepartment("tax", "", "", "", []),
  },
  { registry: "departments", fn: "addSigner", send: (r) => r.departments.addSigner(1, keyAddress(1)) },
  { registry: "departments", fn: "removeSigner", send: (r, f) => r.departments.removeSigner(1, f.issuer.address) },
  {
    registry: "departments",
    fn: "rotateSigner",
    send: (r, f) => r.departments.rotateSigner(1, f.issuer.address, keyAddress(1)),
  },
  { registry: "departments", fn: "suspendDepartment", send: (r) => r.departments.suspendDepartment(1) },
  { registry: "departments", fn: "reinstateDepartment", send: (r) => r.departments.reinstateDepartment(3) },
  {
    registry: "types",
    fn: "registerType",
    send: (r) => r.types.registerType("tax-certificate", "", "", SCHEMA_HASH, 0, [1]),
  },
  { registry: "types", fn: "registerVersion", send: (r) => r.types.registerVersion(RESIDENT_ID, SCHEMA_HASH, 0, [1]) },
  { registry: "types", fn: "deprecateType", send: (r) => r.types.deprecateType(1) },
  { registry: "types", fn: "authoriseIssuer", send: (r) => r.types.authoriseIssuer(1, 2) },
  { registry: "types", fn: "revokeIssuer", send: (r) => r.types.revokeIssuer(1, 1) },
  { registry: "scenarios", fn: "registerScenario", send: (r) => r.scenarios.registerScenario(scenarioInput) },
  {
    registry: "scenarios",
    fn: "registerScenarioVersion",
    prepare: registerStore,
    send: (r) => r.scenarios.registerScenarioVersion({ ...scenarioInput, definitionHash: codeKey("definition v2") }),
  },
  {
    registry: "scenarios",
    fn: "retireScenario",
    prepare: registerStore,
    send: (r) => r.scenarios.retireScenario(codeKey("open-convenience-store")),
  },
  { registry: "grants", fn: "grant", send: (r) => r.grants.grant(1, 2, RESIDENT_ID, ZeroHash, 0) },
  {
    registry: "accessLog",
    fn: "rejectCommitments",
    prepare: async (f) => {
      await (await f.registries.accessLog.connect(f.issuer).commit(1, 1, codeKey("a log entry"))).wait();
    },
    send: (r) => r.accessLog.rejectCommitments(1, 0, 1),
  },
  {
    registry: "directory",
    fn: "setRegistry",
    send: (r, f) => r.directory.setRegistry(id("AuditRegistry"), f.deployment.registries.AccessLogRegistry),
  },
];

/** Operator functions that check the role themselves, so that a department's own signer may call them too. */
const SELF_CHECKED: { registry: Managed; fn: string }[] = [
  { registry: "departments", fn: "setEndpoint" },
  { registry: "grants", fn: "revokeGrant" },
];

/** Writes a department makes itself, authorised by its signer key: the manager assigns them no role. */
const DEPARTMENT_WRITES: { registry: Managed; fn: string }[] = [
  ...["anchor", "anchorBySig", "useNonce", "anchorBatch", "registerBatchRecord", "revokeRecord"].map((fn) => ({
    registry: "records" as const,
    fn,
  })),
  { registry: "records", fn: "revokeBatchRecord" },
  { registry: "records", fn: "supersede" },
  { registry: "accessLog", fn: "commit" },
];

/** The fixture's signers that hold no role, each with how a test name calls it. */
const ROLE_LESS = [
  ["the issuer department", "issuer"],
  ["another department", "otherDepartment"],
  ["a suspended department", "suspendedDepartment"],
  ["an outsider", "outsider"],
] as const;

function roleLess(f: RegistryFixture): HardhatEthersSigner[] {
  return ROLE_LESS.map(([, key]) => f[key]);
}

describe("DistrictAccessManager", () => {
  describe("wiring", () => {
    it("assigns every state-changing registry function its role: CATALOGUE_ROLE for setIssuerRole, OPERATOR_ROLE for the operator's, none for a department's own writes", async () => {
      const f = await registryFixture();
      const { accessManager } = f.registries;
      const expected: Record<string, bigint> = { "departments.setIssuerRole": CATALOGUE_ROLE };
      for (const { registry, fn } of [...OPERATOR_CALLS, ...SELF_CHECKED])
        expected[`${registry}.${fn}`] = OPERATOR_ROLE;
      for (const { registry, fn } of DEPARTMENT_WRITES) expected[`${registry}.${fn}`] = ADMIN_ROLE;
      const actual: Record<string, bigint> = {};
      for (const registry of MANAGED) {
        const contract = f.registries[registry];
        const target = await contract.getAddress();
        const writers: { name: string; selector: string }[] = [];
        contract.interface.forEachFunction((fn) => {
          // setAuthority answers to the manager itself; syncClosed only reads the manager, and anyone may call it.
          const unguarded = fn.name === "setAuthority" || fn.name === "syncClosed";
          if (fn.stateMutability !== "view" && fn.stateMutability !== "pure" && !unguarded) {
            writers.push({ name: fn.name, selector: fn.selector });
          }
        });
        for (const { name, selector } of writers) {
          actual[`${registry}.${name}`] = await accessManager.getTargetFunctionRole(target, selector);
        }
        expect(await accessManager.isTargetClosed(target)).toBe(false);
      }
      expect(actual).toEqual(expected);
    });

    it("gives the deployer the admin role and OPERATOR_ROLE without delay, and no one else either", async () => {
      const f = await registryFixture();
      const { accessManager } = f.registries;
      expect(await accessManager.hasRole(ADMIN_ROLE, f.operator.address)).toEqual([true, 0n]);
      expect(await accessManager.hasRole(OPERATOR_ROLE, f.operator.address)).toEqual([true, 0n]);
      for (const signer of roleLess(f)) {
        expect(await accessManager.hasRole(ADMIN_ROLE, signer.address)).toEqual([false, 0n]);
        expect(await accessManager.hasRole(OPERATOR_ROLE, signer.address)).toEqual([false, 0n]);
      }
    });

    it("gives CATALOGUE_ROLE to the type registry contract alone", async () => {
      const f = await registryFixture();
      const { accessManager } = f.registries;
      expect(await accessManager.hasRole(CATALOGUE_ROLE, f.deployment.registries.CredentialTypeRegistry)).toEqual([
        true,
        0n,
      ]);
      for (const account of [f.operator.address, f.issuer.address, f.deployment.registries.DepartmentRegistry]) {
        expect(await accessManager.hasRole(CATALOGUE_ROLE, account)).toEqual([false, 0n]);
      }
    });

    it("gives OPERATOR_ROLE, but not the admin role, to an operator named at deployment", async () => {
      const f = await registryFixture();
      const deployment = await deployRegistries(f.operator, f.outsider.address);
      const manager = DistrictAccessManager__factory.connect(deployment.accessManager, f.operator);
      expect(await manager.hasRole(OPERATOR_ROLE, f.outsider.address)).toEqual([true, 0n]);
      expect(await manager.hasRole(ADMIN_ROLE, f.outsider.address)).toEqual([false, 0n]);
      const asNamedOperator = connectRegistries(deployment, f.outsider);
      await (await asNamedOperator.departments.registerDepartment("psb", "", "", "", [])).wait();
      expect(await asNamedOperator.departments.departmentCount()).toBe(1n);
    });

    it("makes the district manager the authority of every managed registry", async () => {
      const f = await registryFixture();
      for (const registry of MANAGED) {
        expect(await f.registries[registry].authority(), registry).toBe(f.deployment.accessManager);
        expect(await f.registries[registry].isConsumingScheduledOp(), registry).toBe("0x00000000");
      }
    });
  });

  describe("operator functions", () => {
    for (const call of OPERATOR_CALLS) {
      describe(`${call.registry}.${call.fn}`, () => {
        it("succeeds for the operator", async () => {
          const f = await registryFixture();
          await call.prepare?.(f);
          const receipt = await (await call.send(f.registries, f)).wait();
          expect(receipt?.status).toBe(1);
        });

        for (const [who, key] of ROLE_LESS) {
          it(`reverts with AccessManagedUnauthorized when ${who} calls it`, async () => {
            const f = await registryFixture();
            await call.prepare?.(f);
            const caller = f[key];
            await expectRevert(
              call.send(connectRegistries(f.deployment, caller), f),
              f.registries[call.registry],
              "AccessManagedUnauthorized",
              [caller.address],
            );
          });
        }
      });
    }
  });

  describe("self-checked operator functions", () => {
    it("let an account granted OPERATOR_ROLE set any endpoint and revoke any grant, and not once it is revoked", async () => {
      const f = await registryFixture();
      const { accessManager } = f.registries;
      await (await f.registries.grants.grant(1, 2, RESIDENT_ID, ZeroHash, 0)).wait();
      const grantId = await f.registries.grants.grantIdOf(1, 2, RESIDENT_ID, ZeroHash);
      await (await accessManager.grantRole(OPERATOR_ROLE, f.outsider.address, 0)).wait();
      const asOutsider = connectRegistries(f.deployment, f.outsider);
      await (await asOutsider.departments.setEndpoint(1, "https://psb.example")).wait();
      await (await asOutsider.grants.revokeGrant(grantId)).wait();
      await (await accessManager.revokeRole(OPERATOR_ROLE, f.outsider.address)).wait();
      await (await f.registries.grants.grant(1, 2, RESIDENT_ID, ZeroHash, 0)).wait();
      await expectRevert(
        asOutsider.departments.setEndpoint(1, ""),
        asOutsider.departments,
        "DepartmentRegistryUnauthorizedEndpointChange",
        [f.outsider.address, 1],
      );
      await expectRevert(
        asOutsider.grants.revokeGrant(grantId),
        asOutsider.grants,
        "SharingGrantRegistryUnauthorizedRevocation",
        [f.outsider.address, grantId],
      );
    });
  });

  describe("setIssuerRole", () => {
    it("reverts with AccessManagedUnauthorized for the operator and every department and outsider", async () => {
      const f = await registryFixture();
      for (const caller of [f.operator, ...roleLess(f)]) {
        await expectRevert(
          f.registries.departments.connect(caller).setIssuerRole(1, 2, true),
          f.registries.departments,
          "AccessManagedUnauthorized",
          [caller.address],
        );
      }
      const types = f.deployment.registries.CredentialTypeRegistry;
      expect(await f.registries.departments.issuerStanding(f.issuer.address, types, 2)).toEqual([1n, false, false]);
    });

    it("is called by the type registry when the operator authorises an issuer", async () => {
      const f = await registryFixture();
      const at = await nextBlockIn(f);
      const sent = await f.registries.types.authoriseIssuer(2, 1);
      await expectEvent(sent, f.registries.departments, "DepartmentIssuerRoleGranted", [
        1,
        f.deployment.registries.CredentialTypeRegistry,
        2,
        at,
      ]);
    });
  });

  describe("authority", () => {
    it("reverts with AccessManagedUnauthorized when anyone but the manager calls setAuthority", async () => {
      const f = await registryFixture();
      for (const caller of [f.operator, f.outsider]) {
        await expectRevert(
          f.registries.departments.connect(caller).setAuthority(caller.address),
          f.registries.departments,
          "AccessManagedUnauthorized",
          [caller.address],
        );
      }
    });

    it("moves a registry to another manager through updateAuthority, after which the old operator is refused", async () => {
      const f = await registryFixture();
      const { accessManager, departments } = f.registries;
      const next = await new DistrictAccessManager__factory(f.operator).deploy(f.outsider.address);
      const nextAddress = await next.getAddress();
      const sent = await accessManager.updateAuthority(await departments.getAddress(), nextAddress);
      expect(await eventsOf(sent, departments, "AuthorityUpdated")).toEqual([[nextAddress]]);
      expect(await departments.authority()).toBe(nextAddress);
      await expectRevert(departments.suspendDepartment(1), departments, "AccessManagedUnauthorized", [
        f.operator.address,
      ]);
    });

    it("reverts with AccessManagerUnauthorizedAccount when a non-admin calls updateAuthority", async () => {
      const f = await registryFixture();
      const manager = f.registries.accessManager.connect(f.outsider);
      await expectRevert(
        manager.updateAuthority(f.deployment.registries.DepartmentRegistry, f.outsider.address),
        manager,
        "AccessManagerUnauthorizedAccount",
        [f.outsider.address, ADMIN_ROLE],
      );
    });
  });

  describe("execution delay on the operator role", () => {
    async function delayedOperator() {
      const f = await registryFixture();
      await (await f.registries.accessManager.grantRole(OPERATOR_ROLE, f.outsider.address, DELAY)).wait();
      const manager = f.registries.accessManager.connect(f.outsider);
      /** Schedules `data` on `target`, waits out the delay, and executes it. */
      async function scheduleAndExecute(target: string, data: string): Promise<void> {
        await (await manager.schedule(target, data, 0)).wait();
        await nextBlockIn(f, DELAY);
        await (await manager.execute(target, data)).wait();
      }
      return { ...f, manager, scheduleAndExecute, asDelayed: connectRegistries(f.deployment, f.outsider) };
    }

    it("reverts a direct call with AccessManagerNotScheduled and runs it scheduled once the delay has passed", async () => {
      const f = await delayedOperator();
      const { departments } = f.asDelayed;
      const target = await departments.getAddress();
      const data = departments.interface.encodeFunctionData("suspendDepartment", [1]);
      const operationId = await f.manager.hashOperation(f.outsider.address, target, data);
      await expectRevert(departments.suspendDepartment(1), f.manager, "AccessManagerNotScheduled", [operationId]);
      await (await f.manager.schedule(target, data, 0)).wait();
      await expectRevert(f.manager.execute(target, data), f.manager, "AccessManagerNotReady", [operationId]);
      await nextBlockIn(f, DELAY);
      await (await f.manager.execute(target, data)).wait();
      expect(await departments.isSuspended(1)).toBe(true);
    });

    it("refuses a direct setEndpoint and runs it scheduled through the manager", async () => {
      const f = await delayedOperator();
      const { departments } = f.asDelayed;
      await expectRevert(
        departments.setEndpoint(2, "https://amr.example"),
        departments,
        "DepartmentRegistryUnauthorizedEndpointChange",
        [f.outsider.address, 2],
      );
      const data = departments.interface.encodeFunctionData("setEndpoint", [2, "https://amr.example"]);
      await f.scheduleAndExecute(await departments.getAddress(), data);
      expect((await departments.department(2)).endpoint).toBe("https://amr.example");
    });

    it("refuses a direct revokeGrant and runs it scheduled through the manager", async () => {
      const f = await delayedOperator();
      const { grants } = f.asDelayed;
      await (await f.registries.grants.grant(1, 2, RESIDENT_ID, ZeroHash, 0)).wait();
      const grantId = await grants.grantIdOf(1, 2, RESIDENT_ID, ZeroHash);
      await expectRevert(grants.revokeGrant(grantId), grants, "SharingGrantRegistryUnauthorizedRevocation", [
        f.outsider.address,
        grantId,
      ]);
      await f.scheduleAndExecute(
        await grants.getAddress(),
        grants.interface.encodeFunctionData("revokeGrant", [grantId]),
      );
      expect(await grants.mayRead(1, 2, RESIDENT_ID, ZeroHash)).toBe(false);
    });
  });
});

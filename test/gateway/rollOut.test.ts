// Rolling out a fixed registry beside the live one, end to end: the operator deploys this checkout's version, the
// directory names it, running gateways follow, and every record anchored before keeps its status from its own registry.
import type { Signer } from "ethers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordedDeployment } from "../../lib/chain/deploymentStore.ts";
import { codeKey } from "../../lib/encoding/codeKey.ts";
import { rollOut } from "../../scripts/lib/rollOut.ts";
import {
  CredentialRecordRegistry__factory,
  CredentialTypeRegistry__factory,
  DistrictAccessManager__factory,
} from "../../types/ethers-contracts/index.ts";
import { call, type RunningGateway, type SeededChain, seededChain, startGateway } from "./gatewayFixture.ts";
import { applicant, issue, outcomeOf, runtime, shop } from "./scenarioSupport.ts";
import { anchorQueued, expectProblem, idCardRequest, residentId, switchableChain, until } from "./support.ts";

describe("rolling out a registry while the gateways run", () => {
  let chain: SeededChain;
  let gw: RunningGateway;
  let operator: Signer;
  const before: Record<
    string,
    { recordHash: string; record: unknown; anchor: { batchRoot?: string; proof?: string[]; registry?: string } }
  > = {};

  const verify = async (issued: (typeof before)[string], fresh = false) => {
    const presented = {
      record: issued.record,
      ...(issued.anchor.batchRoot
        ? { anchor: { batchRoot: issued.anchor.batchRoot, proof: issued.anchor.proof } }
        : {}),
    };
    const url = `${gw.base("market-regulation")}/verify${fresh ? "?fresh=true" : ""}`;
    return (await call("POST", url, gw.key("market-regulation", "consumer"), presented)).body;
  };
  const manager = () => DistrictAccessManager__factory.connect(chain.deployment.accessManager, operator);
  let queuedThroughBoth: { recordHash: string } | undefined;
  const read = async (recordHash: string) =>
    (await call("GET", `${gw.base("psb")}/records/${recordHash}`, gw.key("psb", "issuer"))).body;
  async function issueAnchored(label: string, n: number) {
    const issued = await call(
      "POST",
      `${gw.base("psb")}/records`,
      gw.key("psb", "issuer"),
      idCardRequest(residentId(n)),
    );
    expect(issued.status).toBe(202);
    await anchorQueued(gw, "psb");
    const stored = await read(issued.body.recordHash);
    before[label] = stored;
    return stored as (typeof before)[string];
  }

  beforeAll(async () => {
    chain = await seededChain();
    const [first] = await chain.connection.ethers.getSigners();
    if (!first) throw new Error("no operator account");
    operator = first as unknown as Signer;
    gw = await startGateway(chain, ["psb", "market-regulation", "housing", "real-estate-registry", "health"]);
    await issueAnchored("single", 1);
    await issueAnchored("to revoke", 2);
  });
  afterAll(async () => {
    await gw?.close();
    chain?.cleanup();
  });

  it("follows a new record registry: new records are anchored there, older ones keep their status from the old one", async () => {
    const old = gw.gateway.services.index.current("CredentialRecordRegistry");
    // A record still queued when the registry is replaced; and one at housing that stays queued through both roll-outs.
    await runtime(gw, "psb").worker.stop();
    const queued = await issue(gw, "resident-id-card", applicant(95));
    await runtime(gw, "housing").worker.stop();
    queuedThroughBoth = await issue(gw, "house-lease-registration", applicant(98));
    const report = await rollOut(operator, chain.deployment, "CredentialRecordRegistry", chain.catalogue);
    const { replaced } = report;
    expect(replaced).toEqual([
      { name: "CredentialRecordRegistry", previous: expect.any(String), address: expect.any(String) },
    ]);
    const fixed = (replaced[0]?.address ?? "").toLowerCase();
    // The replaced registry is closed: it takes no new anchors (revocations stay open, see the next case).
    expect(report.closed.map((a) => a.toLowerCase())).toEqual([old]);
    expect(report.leftOpen).toEqual([]);
    expect(await CredentialRecordRegistry__factory.connect(old, operator).isClosed()).toBe(true);
    await until("the gateway follows the directory", async () => {
      await gw.gateway.services.index.syncNow();
      return gw.gateway.services.catalogue.recordRegistry() === fixed;
    });
    // The queued record goes to the new registry, which reads the same types.
    runtime(gw, "psb").worker.start();
    await anchorQueued(gw, "psb");
    const anchoredThere = await read(queued.recordHash);
    expect(anchoredThere.anchor).toMatchObject({ state: "anchored", registry: fixed });
    expect(await verify(anchoredThere)).toMatchObject({ status: "valid", evidence: { registry: fixed } });
    const after = await issueAnchored("after the roll-out", 3);
    expect(after.anchor).toMatchObject({ state: "anchored", registry: fixed });
    expect((await verify(after)).evidence.registry).toBe(fixed);
    for (const fresh of [false, true]) {
      const verdict = await verify(before.single as (typeof before)[string], fresh);
      expect(verdict, `fresh: ${fresh}`).toMatchObject({ status: "valid" });
      expect(verdict.evidence.registry.toLowerCase()).toBe(old);
    }
  });

  it("revokes a record anchored before the roll-out in the registry that holds it", async () => {
    const older = before["to revoke"] as (typeof before)[string];
    const revoked = await call(
      "POST",
      `${gw.base("psb")}/records/${older.recordHash}/revoke`,
      gw.key("psb", "issuer"),
      {
        reason: 2,
      },
    );
    expect(revoked.status, JSON.stringify(revoked.body)).toBe(200);
    expect(await verify(older)).toMatchObject({ status: "revoked" });
    expect(await verify(older, true)).toMatchObject({ status: "revoked" });
  });

  it("waives an application's materials from records in either registry", async () => {
    const person = applicant(90);
    await issue(gw, "resident-id-card", person);
    await anchorQueued(gw, "psb");
    const response = await call(
      "POST",
      `${gw.base("market-regulation")}/applications`,
      gw.key("market-regulation", "consumer"),
      {
        scenario: "open-convenience-store",
        subject: person,
        organisation: shop(90),
      },
    );
    expect(outcomeOf(response.body, "resident-id-card")).toMatchObject({ status: "waived", shared: true });
  });

  it("follows a new type registry, rolled out with a record registry that reads it: new records carry its type ids", async () => {
    // Records still queued for the record registry being replaced, at two departments.
    await runtime(gw, "psb").worker.stop();
    await runtime(gw, "market-regulation").worker.stop();
    const queuedAtPsb = await issue(gw, "resident-id-card", applicant(96));
    const queuedAtMarket = await issue(gw, "business-licence", shop(96));
    const { replaced, seeded, closed, leftOpen } = await rollOut(
      operator,
      chain.deployment,
      "CredentialTypeRegistry",
      chain.catalogue,
      {},
    );
    expect(replaced.map((r) => r.name)).toEqual(["CredentialTypeRegistry", "CredentialRecordRegistry"]);
    expect(seeded).toBe(chain.catalogue.credentialTypes.length);
    const records = (replaced[1]?.address ?? "").toLowerCase();
    const previous = (replaced[1]?.previous ?? "").toLowerCase();
    // Neither replaced registry is closed: records queued for the old one carry its types' ids.
    expect(closed).toEqual([]);
    expect(leftOpen.map((o) => o.address.toLowerCase())).toEqual([
      (replaced[0]?.previous ?? "").toLowerCase(),
      previous,
    ]);
    await until("the gateway follows the directory and reads the new types", async () => {
      await gw.gateway.services.index.syncNow();
      return gw.gateway.services.catalogue.recordRegistry() === records;
    });
    // A record queued for the old registry is anchored there while it is open, under the types it was issued with.
    runtime(gw, "psb").worker.start();
    await anchorQueued(gw, "psb");
    const atPsb = await read(queuedAtPsb.recordHash);
    expect(atPsb.anchor).toMatchObject({ state: "anchored", registry: previous });
    expect(await verify(atPsb)).toMatchObject({ status: "valid", evidence: { registry: previous } });
    // A record issued before the first roll-out (for the registry it closed) goes to the newest that reads its types:
    // the one just replaced, still open.
    await anchorQueued(gw, "housing");
    const atHousing = await call(
      "GET",
      `${gw.base("housing")}/records/${queuedThroughBoth?.recordHash}`,
      gw.key("housing", "issuer"),
    );
    expect(atHousing.body.anchor).toMatchObject({ state: "anchored", registry: previous });
    // Once the operator closes it, one still queued can be anchored nowhere: it is marked stranded and counted, and
    // the queue behind it moves on.
    await (await manager().setTargetClosed(previous, true)).wait();
    runtime(gw, "market-regulation").worker.start();
    await anchorQueued(gw, "market-regulation");
    const atMarket = await call(
      "GET",
      `${gw.base("market-regulation")}/records/${queuedAtMarket.recordHash}`,
      gw.key("market-regulation", "issuer"),
    );
    expect(atMarket.body.anchor).toMatchObject({ state: "stranded", registry: previous });
    const metrics = await (await fetch(`${gw.url}/metrics`)).text();
    expect(metrics).toMatch(/oncechain_records_stranded_total\{department="market-regulation"\} 1/);
    const revoking = await call(
      "POST",
      `${gw.base("market-regulation")}/records/${queuedAtMarket.recordHash}/revoke`,
      gw.key("market-regulation", "issuer"),
      { reason: 1 },
    );
    expectProblem(revoking, "RECORD_NOT_ANCHORED", "recordHash");
    expect(revoking.body.detail).toContain("issue it again");
    const behind = await issue(gw, "business-licence", shop(97));
    await anchorQueued(gw, "market-regulation");
    const anchoredBehind = await call(
      "GET",
      `${gw.base("market-regulation")}/records/${behind.recordHash}`,
      gw.key("market-regulation", "issuer"),
    );
    expect(anchoredBehind.body.anchor).toMatchObject({ state: "anchored", registry: records });
    const types = (replaced[0]?.address ?? "").toLowerCase();
    expect(gw.gateway.services.index.typeRegistryOf(records)).toBe(types);
    const after = await issueAnchored("after the types roll-out", 4);
    expect(after.anchor.registry).toBe(records);
    const typeId = await CredentialTypeRegistry__factory.connect(types, operator).typeIdOf(
      codeKey("resident-id-card"),
      1,
    );
    expect((after.record as { typeId: number }).typeId).toBe(Number(typeId));
    expect(await verify(after)).toMatchObject({ status: "valid", evidence: { registry: records } });
    expect(await verify(before.single as (typeof before)[string])).toMatchObject({ status: "valid" });
    expect(await verify(before["after the roll-out"] as (typeof before)[string])).toMatchObject({ status: "valid" });
  });

  it("finds a deployment whose directory names this checkout's rolled-out registries as good as a fresh one", async () => {
    const record = await recordedDeployment(chain.connection.ethers.provider, chain.dataDir);
    expect(record.history?.CredentialRecordRegistry).toHaveLength(3);
    expect(record.registries.CredentialRecordRegistry.toLowerCase()).toBe(
      gw.gateway.services.index.current("CredentialRecordRegistry"),
    );
    expect((await runtime(gw, "psb").registries.records.getAddress()).toLowerCase()).toBe(
      gw.gateway.services.index.current("CredentialRecordRegistry"),
    );
  });
});

describe("a registry the directory names while a gateway first reads its catalogue", () => {
  it("anchors new records in the registry named meanwhile, not in the one it read first", async () => {
    const chain = await seededChain();
    const [first] = await chain.connection.ethers.getSigners();
    const operator = first as unknown as Signer;
    const latestTypeId = CredentialTypeRegistry__factory.createInterface().getFunction("latestTypeId").selector;
    const requests: { method: string; params?: unknown[] }[] = [];
    let release = () => {};
    let held = () => {};
    const holding = new Promise<void>((resolve) => {
      held = resolve;
    });
    // The catalogue's first read of a type (after it has found the record registry) waits until the test lets it go.
    let holdNext = true;
    const node = await switchableChain(chain, {
      hold(request) {
        requests.push(request);
        const data = (request.params?.[0] as { data?: string } | undefined)?.data;
        if (!holdNext || request.method !== "eth_call" || !data?.startsWith(latestTypeId)) return undefined;
        holdNext = false;
        held();
        return new Promise<void>((resolve) => {
          release = resolve;
        });
      },
    });
    let gw: RunningGateway | undefined;
    try {
      const starting = startGateway(chain, ["psb"], { provider: node.provider });
      await holding;
      const { replaced } = await rollOut(operator, chain.deployment, "CredentialRecordRegistry", chain.catalogue);
      const fixed = (replaced[0]?.address ?? "").toLowerCase();
      const named = await chain.connection.ethers.provider.getBlockNumber();
      // The index follows the chain meanwhile: it has read the naming once it reads logs through its block and then
      // looks for the chain's head again.
      const readThrough = () =>
        requests.findIndex(
          (r) =>
            r.method === "eth_getLogs" && Number((r.params?.[0] as { toBlock?: string } | undefined)?.toBlock) >= named,
        );
      await until("the index reads the block that names the new registry", () => readThrough() >= 0);
      await until("the index looks again", () =>
        requests.slice(readThrough()).some((r) => r.method === "eth_blockNumber"),
      );
      release();
      gw = await starting;
      const services = gw.gateway.services;
      expect(services.index.current("CredentialRecordRegistry")).toBe(fixed);
      await until(
        "the catalogue reads the registry the directory names",
        () => services.catalogue.recordRegistry() === fixed,
      );
      const issued = await call(
        "POST",
        `${gw.base("psb")}/records`,
        gw.key("psb", "issuer"),
        idCardRequest(residentId(7)),
      );
      expect(issued.status).toBe(202);
      expect(issued.body.anchor.registry).toBe(fixed);
    } finally {
      release();
      await gw?.close();
      await node.close();
      chain.cleanup();
    }
  });
});

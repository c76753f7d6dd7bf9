// Scenario applications across two gateways (two listeners in this test's process, talking over real HTTP): peers found
// on chain, and what happens when one misbehaves. Gateways in separate OS processes: test/cluster/.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, type RunningGateway, type SeededChain, seededChain, startGateway } from "./gatewayFixture.ts";
import { anchorAll, applicant, FIELDS, issue, outcomeOf, runtime, shop, statuses } from "./scenarioSupport.ts";
import { setEndpointOnChain } from "./support.ts";

/** The public facts of an issued record that its anchor leaf commits to. */
// biome-ignore lint/suspicious/noExplicitAny: the record is whatever JSON the issuer answered.
const leafOf = (record: any) => ({
  subjectRef: record.subjectRef,
  credentialType: record.typeId,
  validFrom: record.validFrom,
  validUntil: record.validUntil,
});

describe("scenario applications across two gateways on their own ports that find each other on chain", () => {
  let chain: SeededChain;
  let window: RunningGateway;
  let issuers: RunningGateway | undefined;
  let silent: Server;
  const person = applicant(7);
  const organisation = shop(7);
  const ISSUERS = ["psb", "housing", "real-estate-registry", "health"];
  /** The applicant's records by type, as their issuers answered: application answers give no record hash. */
  const recordHashes: Record<string, string> = {};

  const setEndpoint = (code: string, url: string) =>
    setEndpointOnChain(chain, issuers ? [window, issuers] : window, code, url);
  const apply = () =>
    call("POST", `${window.base("market-regulation")}/applications`, window.key("market-regulation", "consumer"), {
      scenario: "open-convenience-store",
      subject: person,
      organisation,
    });

  beforeAll(async () => {
    chain = await seededChain();
    window = await startGateway(chain, ["market-regulation"], { dataSubdir: "window", federationTimeoutMs: 400 });
    issuers = await startGateway(chain, ISSUERS, { dataSubdir: "issuers" });
    for (const code of ISSUERS) await setEndpoint(code, issuers.url);
    // A gateway that accepts connections and never answers: its materials must time out, not hang the application.
    silent = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
  });
  afterAll(async () => {
    await window?.close();
    await issuers?.close();
    silent?.closeAllConnections();
    await new Promise((resolve) => silent?.close(resolve));
    chain?.cleanup();
  });

  it("waives materials issued at the other gateway, over HTTP, verified against the window's own chain index", async () => {
    const other = issuers as RunningGateway;
    for (const type of ["resident-id-card", "real-estate-title", "house-lease-registration", "health-certificate"])
      recordHashes[type] = (await issue(other, type, person)).recordHash;
    await anchorAll(other, ISSUERS);
    await call("POST", `${window.base("market-regulation")}/records`, window.key("market-regulation", "issuer"), {
      credentialType: "business-licence",
      subject: organisation,
      fields: FIELDS["business-licence"],
    });
    await anchorAll(window, ["market-regulation"]);
    const response = await apply();
    expect(response.status, JSON.stringify(response.body)).toBe(201);
    expect(new Set(Object.values(statuses(response.body)))).toEqual(new Set(["waived"]));
    const entries = await runtime(other, "psb").accessLog.entries(1, 10);
    expect(entries).toMatchObject([
      { consumer: "market-regulation", credentialType: "resident-id-card", outcome: "shared" },
    ]);
  });

  it("requires a material whose record does not hash to the hash its issuer claims, as tampered", async () => {
    const other = issuers as RunningGateway;
    const genuine = await issue(other, "house-safety-appraisal", person);
    await anchorAll(other, ["housing"]);
    await window.gateway.services.index.syncNow();
    // The issuer's own disclosure of the fields the homestay registration needs, its grade then forged.
    const disclosed = await call(
      "GET",
      `${other.base("housing")}/records/${genuine.recordHash}/disclosure?fields=reportNumber,grade`,
      other.key("housing", "issuer"),
    );
    expect(disclosed.status, JSON.stringify(disclosed.body)).toBe(200);
    const forged = structuredClone(disclosed.body);
    forged.fields.grade.value = "D";
    const forger = createServer((_req, res) => {
      res.setHeader("content-type", "application/json");
      res.end(
        JSON.stringify({
          found: true,
          granted: true,
          issuer: "housing",
          issuerId: runtime(other, "housing").id,
          recordHash: genuine.recordHash,
          leaf: { recordHash: genuine.recordHash, ...leafOf(genuine.record) },
          anchor: { proof: [], ...disclosed.body.anchor },
          disclosure: forged,
        }),
      );
    });
    await new Promise<void>((resolve) => forger.listen(0, "127.0.0.1", resolve));
    try {
      await setEndpoint("housing", `http://127.0.0.1:${(forger.address() as AddressInfo).port}`);
      const response = await call(
        "POST",
        `${window.base("market-regulation")}/applications`,
        window.key("market-regulation", "consumer"),
        { scenario: "open-homestay", subject: person, organisation },
      );
      expect(outcomeOf(response.body, "house-safety-appraisal")).toMatchObject({
        status: "required",
        reason: "tampered",
      });
    } finally {
      await setEndpoint("housing", other.url);
      forger.closeAllConnections();
      await new Promise((resolve) => forger.close(resolve));
    }
  });

  it("marks a material unavailable when its issuer's gateway does not answer in time", async () => {
    const { port } = silent.address() as AddressInfo;
    await setEndpoint("health", `http://127.0.0.1:${port}`);
    const response = await apply();
    expect(outcomeOf(response.body, "health-certificate")).toMatchObject({
      status: "unavailable",
      reason: "timeout",
      issuer: "health",
    });
    expect(outcomeOf(response.body, "resident-id-card").status).toBe("waived");
    expect(response.body.counts).toMatchObject({ waived: 4, unavailable: 1 });
  });

  it("verifies against its own chain index: a record revoked on chain that its issuer's gateway has not seen yet is required", async () => {
    const other = issuers as RunningGateway;
    const before = await apply();
    const title = outcomeOf(before.body, "real-estate-title");
    expect(title.status).toBe("waived");
    // The issuer's gateway stops following the chain; its signer then revokes the record directly on chain.
    await other.gateway.services.index.stop();
    const registry = runtime(other, "real-estate-registry");
    await (await registry.registries.records.revokeRecord(recordHashes["real-estate-title"] as string, 3)).wait();
    await window.gateway.services.index.syncNow();
    const after = await apply();
    expect(outcomeOf(after.body, "real-estate-title")).toMatchObject({
      status: "required",
      reason: "revoked",
      evidence: { issuer: "real-estate-registry", status: "revoked" },
    });
  });

  it("marks the materials of a gateway that is down unavailable, and waives the rest", async () => {
    await issuers?.close();
    issuers = undefined;
    const response = await apply();
    expect(response.status).toBe(201);
    expect(statuses(response.body)).toEqual({
      "resident-id-card": "unavailable",
      "real-estate-title": "unavailable",
      "house-lease-registration": "unavailable",
      "health-certificate": "unavailable",
      "business-licence": "waived",
    });
    expect(outcomeOf(response.body, "resident-id-card")).toMatchObject({ reason: "unreachable", issuer: "psb" });
  });
});

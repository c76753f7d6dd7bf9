// Scenario applications: materials waived once the issuing departments have anchored the records, required before.
import { readFileSync } from "node:fs";
import type { Signer } from "ethers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectRegistries } from "../../lib/chain/registries.ts";
import { subjectRef } from "../../lib/encoding/subjectRef.ts";
import { applicationStore } from "../../services/gateway/src/scenarios/applicationStore.ts";

type SeedScenario = {
  code: string;
  matters: { department: string; materials: string[]; fields: Record<string, string[]> }[];
};
const THEME = JSON.parse(
  readFileSync(new URL("../../seeds/scenarios/theme.json", import.meta.url), "utf8"),
) as SeedScenario[];
const PERSON_FIELDS = { birthDate: "1980-05-01" };

import { call, type RunningGateway, type SeededChain, seededChain, startGateway } from "./gatewayFixture.ts";
import {
  anchorAll,
  applicant,
  applicationIdFor,
  expectProblem,
  FIELDS,
  issue,
  outcomeOf,
  runtime,
  shop,
  statuses,
} from "./scenarioSupport.ts";

const HOSTED = [
  "psb",
  "market-regulation",
  "housing",
  "real-estate-registry",
  "health",
  "tobacco",
  "education",
  "radio-tv",
  "fire-rescue",
];
const STORE_MATERIALS = [
  "resident-id-card",
  "real-estate-title",
  "house-lease-registration",
  "business-licence",
  "health-certificate",
];

describe("scenario applications in one gateway hosting the district's departments", () => {
  let chain: SeededChain;
  let gw: RunningGateway;
  let clerk: string;
  /** The ids the gateway gave the first convenience-store and homestay applications, to evaluate them again. */
  const ids = { store: "", homestay: "" };
  /** The applicant's records by type, as their issuers answered: application answers give no record hash. */
  const recordHashes: Record<string, string> = {};
  const person = applicant(1);
  const organisation = shop(1);
  const apply = (department: string, body: unknown, token = gw.key(department, "consumer")) =>
    call("POST", `${gw.base(department)}/applications`, token, body);
  /** A material's outcome as the gateway kept it, with the record hash and anchor that answers leave out. */
  const keptOutcome = async (department: string, applicationId: string, type: string) =>
    outcomeOf(await applicationStore(runtime(gw, department).store).get(applicationId), type);

  beforeAll(async () => {
    chain = await seededChain();
    // Batches of several records, so that waived materials are proved by Merkle proofs as well as single anchors.
    gw = await startGateway(chain, HOSTED, { anchoring: { batchSize: 8, maxWaitMs: 60_000, pollMs: 50 } });
    clerk = gw.key("market-regulation", "consumer");
  });
  afterAll(async () => {
    await gw?.close();
    chain?.cleanup();
  });

  it("requires every material of the convenience store before any department has shared data", async () => {
    const body = { scenario: "open-convenience-store", subject: person, organisation };
    const response = await apply("market-regulation", body, clerk);
    expect(response.status, JSON.stringify(response.body)).toBe(201);
    ids.store = response.body.applicationId;
    expect(ids.store).toMatch(/^app-[A-Za-z0-9_-]{22}$/);
    expect(response.headers.get("location")).toBe(`applications/${ids.store}`);
    expect(Object.keys(statuses(response.body)).sort()).toEqual([...STORE_MATERIALS].sort());
    for (const type of STORE_MATERIALS)
      expect(outcomeOf(response.body, type)).toMatchObject({ status: "required", reason: "not-found" });
    expect(response.body.counts).toEqual({ materials: 5, waived: 0, required: 5, unavailable: 0 });
    expect(response.body.matters).toHaveLength(8);
    expect(response.body.matters[0]).toMatchObject({
      code: "business-licence",
      waived: [],
      department: "market-regulation",
    });
  });

  it("requires every material of the homestay before any department has shared data", async () => {
    const body = { scenario: "open-homestay", subject: person, organisation };
    const response = await apply("market-regulation", body, clerk);
    expect(response.status).toBe(201);
    ids.homestay = response.body.applicationId;
    expect(new Set(Object.values(statuses(response.body)))).toEqual(new Set(["required"]));
    expect(response.body.counts.materials).toBe(9);
  });

  it("answers a material a matter accepts the applicant's commitment for as may-be-committed, not as to be submitted", async () => {
    const body = { scenario: "open-homestay", subject: person, organisation, applicationId: ids.homestay };
    const response = await apply("market-regulation", body, clerk);
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    const matter = (code: string) => response.body.matters.find((m: { code: string }) => m.code === code);
    // The homestay's business licence accepts a commitment for the house-safety appraisal, which no one has shared.
    expect(matter("business-licence")).toMatchObject({
      procedure: "commitment",
      commitment: { materials: ["house-safety-appraisal"], replacesDays: 3, checkedBy: "market-regulation" },
      mayCommit: ["house-safety-appraisal"],
      required: ["resident-id-card", "household-registration", "real-estate-title"],
      waived: [],
    });
    // A matter without a commitment still asks for everything not shared.
    expect(matter("special-trade-licence-hotel")).toMatchObject({ procedure: "standard", mayCommit: [] });
    expect(matter("special-trade-licence-hotel").commitment).toBeUndefined();
    expect(matter("special-trade-licence-hotel").required).toEqual(matter("special-trade-licence-hotel").materials);
    // Each material stays in exactly one of the four lists of its matter.
    for (const m of response.body.matters) {
      const listed = [...m.waived, ...m.mayCommit, ...m.required, ...m.unavailable].sort();
      expect(listed).toEqual([...m.materials].sort());
    }
  });

  /**
   * Each waived material's issuer disclosed exactly the fields market regulation's matters in the scenario name for it
   * (read here from the seed file) that the sample record has, and withheld the rest of the record.
   */
  function expectNamedFieldsOnly(application: Record<string, unknown>, code: string, materials: readonly string[]) {
    const scenario = THEME.find((s) => s.code === code);
    for (const material of materials) {
      const named = new Set(
        (scenario?.matters ?? [])
          .filter((m) => m.department === "market-regulation" && m.materials.includes(material))
          .flatMap((m) => m.fields[material] ?? []),
      );
      const sample = FIELDS[material] as Record<string, unknown>;
      const expected = Object.fromEntries(Object.entries(sample).filter(([name]) => named.has(name)));
      expect(Object.keys(expected).length, material).toBeGreaterThan(0);
      expect(Object.keys(expected).length, material).toBeLessThan(Object.keys(sample).length);
      const outcome = outcomeOf(application, material);
      expect(outcome, material).toMatchObject({ status: "waived", shared: true });
      expect([...outcome.disclosed].sort(), material).toEqual(Object.keys(expected).sort());
      expect(outcome.data, material).toEqual(expected);
    }
  }

  it("waives the materials once the public security bureau, housing, real estate, health and market regulation have anchored them", async () => {
    for (const type of STORE_MATERIALS.filter((t) => t !== "business-licence"))
      recordHashes[type] = (await issue(gw, type, person)).recordHash;
    // Another resident's records go into the same flush: the bureau anchors a batch, not a single record.
    await issue(gw, "resident-id-card", applicant(3));
    await issue(gw, "health-certificate", applicant(3));
    const licence = await issue(gw, "business-licence", organisation);
    await anchorAll(gw, ["psb", "housing", "real-estate-registry", "health", "market-regulation"]);
    const body = { scenario: "open-convenience-store", subject: person, organisation, applicationId: ids.store };
    const response = await apply("market-regulation", body, clerk);
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    expect(response.body.evaluations).toBe(2);
    expect(new Set(Object.values(statuses(response.body)))).toEqual(new Set(["waived"]));
    expect(response.body.counts).toEqual({ materials: 5, waived: 5, required: 0, unavailable: 0 });
    expectNamedFieldsOnly(response.body, "open-convenience-store", STORE_MATERIALS);
    const id = outcomeOf(response.body, "resident-id-card");
    expect(JSON.stringify(id)).not.toContain(PERSON_FIELDS.birthDate);
    expect(id.evidence).toMatchObject({ issuer: "psb", status: "valid" });
    expect((await keptOutcome("market-regulation", ids.store, "resident-id-card")).evidence).toMatchObject({
      recordHash: recordHashes["resident-id-card"],
      anchor: { batchRoot: expect.stringMatching(/^0x[0-9a-f]{64}$/) },
    });
    expect((await keptOutcome("market-regulation", ids.store, "business-licence")).evidence.recordHash).toBe(
      licence.recordHash,
    );
    for (const matter of response.body.matters) expect(matter.waived).toEqual(matter.materials);
  });

  it("asks the departments it hosts in the process: no peer request over HTTP, and each issuer logs the query as a peer's", async () => {
    // The first application evaluated again: the district's counts stay those of the tests after this one.
    const body = { scenario: "open-convenience-store", subject: person, organisation, applicationId: ids.store };
    const response = await apply("market-regulation", body, clerk);
    expect(response.body.counts).toMatchObject({ waived: 5 });
    const metrics = await (await fetch(`${gw.url}/metrics`)).text();
    expect(metrics).toContain("oncechain_http_request_duration_seconds_count");
    expect(metrics).not.toMatch(/oncechain_http_request_duration_seconds_count\{[^}]*federation/);
    for (const [issuer, type] of [
      ["psb", "resident-id-card"],
      ["market-regulation", "business-licence"],
    ] as const) {
      const entries = await runtime(gw, issuer).accessLog.entries(1, 10_000);
      expect(entries.at(-1)).toMatchObject({
        channel: "peer",
        consumer: "market-regulation",
        credentialType: type,
        purpose: "open-convenience-store",
        applicationId: response.body.applicationId,
        outcome: "shared",
      });
    }
  });

  it("refuses a suspended department hosted in the same process as its peers would, and logs the query as denied", async () => {
    const [signer] = await chain.connection.ethers.getSigners();
    const operator = connectRegistries(chain.deployment, signer as unknown as Signer);
    const { services } = gw.gateway;
    const tobaccoId = services.catalogue.departmentIds.get("tobacco") ?? 0;
    const query = {
      subjectRef: subjectRef(services.districtSecret, person.idType, person.idNumber),
      credentialType: "resident-id-card",
      purpose: "open-convenience-store",
      applicationId: applicationIdFor("app-suspended-tobacco"),
    };
    const psb = { code: "psb", id: services.catalogue.departmentIds.get("psb") ?? 0 };
    await (await operator.departments.suspendDepartment(tobaccoId)).wait();
    await services.index.syncNow();
    try {
      expect(await services.federation.query(runtime(gw, "tobacco"), psb, query)).toEqual({
        kind: "refused",
        status: 403,
        code: "DEPARTMENT_SUSPENDED",
      });
      const entries = await runtime(gw, "psb").accessLog.entries(1, 10_000);
      expect(entries.at(-1)).toMatchObject({ consumer: "tobacco", outcome: "denied", ...query });
    } finally {
      await (await operator.departments.reinstateDepartment(tobaccoId)).wait();
      await services.index.syncNow();
    }
    expect(await services.federation.query(runtime(gw, "tobacco"), psb, query)).toMatchObject({
      kind: "answer",
      answer: { found: true },
    });
  });

  it("waives the homestay's shared materials and still requires the licences no department has issued", async () => {
    await issue(gw, "household-registration", person);
    await issue(gw, "house-safety-appraisal", person);
    await anchorAll(gw, ["psb", "housing"]);
    const body = { scenario: "open-homestay", subject: person, organisation, applicationId: ids.homestay };
    const response = await apply("market-regulation", body, clerk);
    expect(statuses(response.body)).toMatchObject({
      "resident-id-card": "waived",
      "household-registration": "waived",
      "house-safety-appraisal": "waived",
      "business-licence": "waived",
      "fire-safety-inspection": "required",
      "special-trade-licence-hotel": "required",
    });
    const fire = response.body.matters.find((m: { code: string }) => m.code === "fire-safety-inspection");
    expect(fire).toMatchObject({ waived: ["business-licence", "real-estate-title", "house-safety-appraisal"] });
    expectNamedFieldsOnly(response.body, "open-homestay", [
      "resident-id-card",
      "household-registration",
      "house-safety-appraisal",
      "business-licence",
    ]);
  });

  it("shares record data only where the consumer holds a grant, and waives on existence evidence otherwise", async () => {
    // The tobacco bureau's matter asks for the ID card but not the health certificate: it gets no grant for that.
    const response = await apply("tobacco", { scenario: "open-convenience-store", subject: person, organisation });
    expect(response.status).toBe(201);
    expect(outcomeOf(response.body, "resident-id-card")).toMatchObject({ status: "waived", shared: true });
    const health = outcomeOf(response.body, "health-certificate");
    expect(health).toMatchObject({ status: "waived", shared: false, evidence: { issuer: "health", status: "valid" } });
    expect(health.data).toBeUndefined();
    // Without the record, the leaf facts and proof the issuer gave are what proves it belongs to the anchored batch.
    const kept = await keptOutcome("tobacco", response.body.applicationId, "health-certificate");
    expect(kept.evidence.anchor.batchRoot).toMatch(/^0x[0-9a-f]{64}$/);
    expect(JSON.stringify(health)).not.toContain(String(FIELDS["health-certificate"]?.certificateNumber));
  });

  it("waives a film-platform item's materials, the degree certificate included", async () => {
    await issue(gw, "academic-degree-certificate", person);
    await anchorAll(gw, ["education"]);
    const response = await apply("radio-tv", { scenario: "film-programme-licence", subject: person, organisation });
    expect(response.status, JSON.stringify(response.body)).toBe(201);
    expect(statuses(response.body)).toEqual({
      "business-licence": "waived",
      "resident-id-card": "waived",
      "academic-degree-certificate": "waived",
      "house-lease-registration": "waived",
    });
  });

  it("requires a material again once its record is revoked", async () => {
    const first = await apply("market-regulation", {
      scenario: "open-convenience-store",
      subject: person,
      organisation,
    });
    expect(outcomeOf(first.body, "health-certificate").status).toBe("waived");
    const revoked = await call(
      "POST",
      `${gw.base("health")}/records/${recordHashes["health-certificate"]}/revoke`,
      gw.key("health", "issuer"),
      {
        reason: 2,
      },
    );
    expect(revoked.status, JSON.stringify(revoked.body)).toBe(200);
    await gw.gateway.services.index.syncNow();
    const again = await apply("market-regulation", {
      scenario: "open-convenience-store",
      subject: person,
      organisation,
    });
    expect(outcomeOf(again.body, "health-certificate")).toMatchObject({ status: "required", reason: "revoked" });
    expect(outcomeOf(again.body, "resident-id-card").status).toBe("waived");
  });

  it("no longer offers a record its issuer's signer revoked directly on chain: the material is required as revoked", async () => {
    const body = { scenario: "open-convenience-store", subject: person, organisation };
    const before = await apply("market-regulation", body);
    const title = outcomeOf(before.body, "real-estate-title");
    expect(title.status).toBe("waived");
    const registry = runtime(gw, "real-estate-registry");
    await (await registry.registries.records.revokeRecord(recordHashes["real-estate-title"] as string, 3)).wait();
    await gw.gateway.services.index.syncNow();
    const after = await apply("market-regulation", body);
    expect(outcomeOf(after.body, "real-estate-title")).toMatchObject({
      status: "required",
      reason: "revoked",
      issuer: "real-estate-registry",
    });
  });

  it("requires the organisation's materials when the application names no organisation", async () => {
    const response = await apply("market-regulation", { scenario: "open-convenience-store", subject: person });
    expect(outcomeOf(response.body, "business-licence")).toMatchObject({
      status: "required",
      reason: "subject-not-given",
    });
    expect(outcomeOf(response.body, "resident-id-card").status).toBe("waived");
  });

  it("keeps the application with subject references inside and evidence only, and counts the materials no longer collected", async () => {
    const kept = await call(
      "GET",
      `${gw.base("market-regulation")}/applications/${ids.store}`,
      gw.key("market-regulation", "auditor"),
    );
    expect(kept.status).toBe(200);
    const ref = subjectRef(chain.districtSecret, "resident-id", person.idNumber);
    const stored = await applicationStore(runtime(gw, "market-regulation").store).get(ids.store);
    expect(stored?.subjectRef).toBe(ref);
    // The subject references stay inside: the answer names neither member nor value.
    expect(kept.body.subjectRef).toBeUndefined();
    expect(kept.body.organisationRef).toBeUndefined();
    expect(JSON.stringify(kept.body)).not.toContain(ref.slice(2));
    expect(outcomeOf(kept.body, "resident-id-card")).toMatchObject({ status: "waived", shared: true });
    expect(outcomeOf(kept.body, "resident-id-card").data).toBeUndefined();
    const text = JSON.stringify(kept.body);
    expect(text).not.toContain(person.idNumber);
    expect(text).not.toContain(String(FIELDS["resident-id-card"]?.name));
    // Nor anywhere in the window's database: the shared data was answered, not kept.
    for await (const [key, value] of runtime(gw, "market-regulation").store.db.iterator({ valueEncoding: "utf8" })) {
      expect(`${key}${value}`).not.toContain(person.idNumber);
      expect(`${key}${value}`).not.toContain(String(FIELDS["resident-id-card"]?.address));
    }
    const totals = await call(
      "GET",
      `${gw.base("market-regulation")}/applications`,
      gw.key("market-regulation", "operator"),
    );
    expect(totals.status).toBe(200);
    expect(totals.body.byScenario["open-convenience-store"]).toMatchObject({ applications: 6, materialsRequested: 30 });
    expect(totals.body.byScenario["open-homestay"]).toMatchObject({ applications: 1, materialsRequested: 9 });
    expect(totals.body.applications).toBe(7);
    expect(totals.body.materialsWaived).toBeGreaterThan(10);
    expect(totals.body.materialsWaived + totals.body.materialsRequired + totals.body.materialsUnavailable).toBe(
      totals.body.materialsRequested,
    );
  });

  it("answers each material's evidence as issuer and verdict only, with nothing that finds its record's event on chain", async () => {
    const url = `${gw.base("market-regulation")}/applications`;
    const body = { scenario: "open-convenience-store", subject: person, organisation };
    const retried = { "Idempotency-Key": "evidence-without-links" };
    const opened = await call("POST", url, clerk, body, retried);
    const replayed = await call("POST", url, clerk, body, retried);
    expect(replayed.headers.get("idempotent-replayed")).toBe("true");
    const id = opened.body.applicationId;
    const again = await call("POST", url, clerk, { ...body, applicationId: id });
    const read = await call("GET", `${url}/${id}`, gw.key("market-regulation", "auditor"));
    const closed = await call("POST", `${url}/${id}/close`, clerk, {});
    // The gateway keeps what each waiver rests on, beside the subject references; a single anchor's event on chain
    // names the subject reference, so its record hash or transaction in an answer would link the person to it.
    const kept = await applicationStore(runtime(gw, "market-regulation").store).get(id);
    const evidenceKept = (kept?.materials ?? []).flatMap((m) =>
      m.outcome.status !== "unavailable" && m.outcome.evidence ? [m.outcome.evidence] : [],
    );
    expect(evidenceKept.map((e) => e.issuer).sort()).toEqual(["housing", "market-regulation", "psb"]);
    const links = evidenceKept
      .flatMap((e) => [e.recordHash, e.anchor.txHash, e.anchor.batchRoot, ...e.anchor.proof])
      .filter((x): x is string => x !== undefined);
    for (const answer of [opened, replayed, again, read, closed]) {
      expect(answer.status, JSON.stringify(answer.body)).toBeLessThan(300);
      const withEvidence = answer.body.materials.filter((m: { outcome: object }) => "evidence" in m.outcome);
      expect(withEvidence).toHaveLength(evidenceKept.length);
      for (const m of withEvidence) {
        expect(Object.keys(m.outcome.evidence).sort(), m.credentialType).toEqual([
          "asOfBlock",
          "issuer",
          "issuerId",
          "status",
        ]);
      }
      const text = JSON.stringify(answer.body);
      for (const link of links) expect(text).not.toContain(link.slice(2));
    }
  });

  it("refuses an unknown scenario, a bad ID number, an unknown application and a caller without the consumer role", async () => {
    expectProblem(
      await apply("market-regulation", { scenario: "open-casino", subject: person }, clerk),
      "UNKNOWN_SCENARIO",
      "scenario",
    );
    const bad = { scenario: "open-homestay", subject: { idType: "resident-id", idNumber: "110116198005010000" } };
    const refused = await apply("market-regulation", bad, clerk);
    expectProblem(refused, "INVALID_SUBJECT_ID", "subject.idNumber");
    expect(JSON.stringify(refused.body)).not.toContain("110116198005010000");
    const issuerKey = gw.key("market-regulation", "issuer");
    expectProblem(
      await apply("market-regulation", { scenario: "open-homestay", subject: person }, issuerKey),
      "FORBIDDEN_ROLE",
    );
    const unknown = applicationIdFor("never opened");
    expectProblem(
      await call("GET", `${gw.base("market-regulation")}/applications/${unknown}`, clerk),
      "APPLICATION_NOT_FOUND",
    );
    const notOpened = { scenario: "open-homestay", subject: person, applicationId: unknown };
    expectProblem(await apply("market-regulation", notOpened, clerk), "APPLICATION_NOT_FOUND", "applicationId");
    const other = { scenario: "open-homestay", subject: applicant(2), applicationId: ids.store };
    expectProblem(await apply("market-regulation", other, clerk), "APPLICATION_CONFLICT", "applicationId");
  });

  it("refuses with CATALOGUE_MISMATCH a scenario whose definition does not match its on-chain hash", async () => {
    const scenarios = chain.catalogue.scenarios.map((x) =>
      x.code === "open-homestay" ? { ...x, nameEn: "Open a hotel" } : x,
    );
    const drifted = await startGateway(chain, ["commerce"], {
      dataSubdir: "drifted",
      catalogue: { ...chain.catalogue, scenarios },
    });
    try {
      const response = await call(
        "POST",
        `${drifted.base("commerce")}/applications`,
        drifted.key("commerce", "consumer"),
        {
          scenario: "open-homestay",
          subject: person,
        },
      );
      expectProblem(response, "CATALOGUE_MISMATCH", "scenario");
    } finally {
      await drifted.close();
    }
  });

  it("lists the application, federation and access-log operations in the OpenAPI document", async () => {
    const document = await call("GET", `${gw.url}/openapi.json`, undefined);
    expect(Object.keys(document.body.paths)).toEqual(
      expect.arrayContaining([
        "/departments/{department}/applications",
        "/departments/{department}/applications/{applicationId}",
        "/departments/{department}/federation/records/query",
        "/departments/{department}/access-log",
        "/departments/{department}/access-log/audit",
        "/departments/{department}/access-log/commit",
        "/departments/{department}/access-log/mine",
      ]),
    );
  });
});

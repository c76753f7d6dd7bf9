// Applicants' commitments (告知承诺) in one gateway on Hardhat's chain: recorded for a material no department has
// shared, fulfilled once its issuer anchors the record, overdue by the clock, breached with the licence revoked.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { COMMITMENT_TYPE } from "../../lib/catalogue/schemas.ts";
import { commitmentStore } from "../../services/gateway/src/commitments/commitmentStore.ts";
import { statementHashOf } from "../../services/gateway/src/commitments/recordCommitment.ts";
import { call, type RunningGateway, type SeededChain, seededChain, startGateway } from "./gatewayFixture.ts";
import { anchorAll, applicant, expectProblem, issue, runtime, shop } from "./scenarioSupport.ts";

const HOSTED = ["psb", "market-regulation", "housing", "real-estate-registry", "health", "fire-rescue"];
const DAY_MS = 86_400_000;
const STATEMENT =
  "本人承诺：所申请民宿的房屋安全鉴定报告将于30日内取得并由区住建委共享，如有不实，愿承担相应法律责任。";

describe("applicants' commitments (告知承诺) in one gateway", () => {
  let chain: SeededChain;
  let gw: RunningGateway;
  let clock = Date.now();
  let clerk: string;
  let issuer: string;
  let auditor: string;
  const base = () => gw.base("market-regulation");
  const apply = (subject: unknown, organisation: unknown) =>
    call("POST", `${base()}/applications`, clerk, { scenario: "open-homestay", subject, organisation });
  const commit = (applicationId: string, body: Record<string, unknown>, token = clerk) =>
    call("POST", `${base()}/applications/${applicationId}/commitments`, token, body);
  const commitBody = (subject: unknown, extra: Record<string, unknown> = {}) => ({
    subject,
    matter: "business-licence",
    materials: ["house-safety-appraisal"],
    statement: STATEMENT,
    statementHash: statementHashOf(STATEMENT),
    confirmation: "handwritten-signature",
    confirmedAt: new Date(clock).toISOString(),
    ...extra,
  });
  /** Issues the business licence the approval produces, anchors it and names it as the commitment's product. */
  const grantLicence = async (commitmentId: string, organisation: { idType: string; idNumber: string }) => {
    const licence = await issue(gw, "business-licence", organisation);
    await anchorAll(gw, ["market-regulation"]);
    const named = await call("POST", `${base()}/commitments/${commitmentId}/produced`, issuer, {
      recordHash: licence.recordHash,
    });
    expect(named.status, JSON.stringify(named.body)).toBe(200);
    return licence.recordHash;
  };
  const commitmentsWritten = async () => {
    let n = 0;
    for await (const _ of commitmentStore(runtime(gw, "market-regulation").store).all()) n += 1;
    return n;
  };

  beforeAll(async () => {
    chain = await seededChain();
    gw = await startGateway(chain, HOSTED, { now: () => clock, commitmentCheckMs: 0 });
    clerk = gw.key("market-regulation", "consumer");
    issuer = gw.key("market-regulation", "issuer");
    auditor = gw.key("market-regulation", "auditor");
  });
  afterAll(async () => {
    await gw?.close();
    chain?.cleanup();
  });

  it("records a commitment to the unshared house-safety appraisal as a sealed record of the commitment type, anchored", async () => {
    const person = applicant(101);
    const application = await apply(person, shop(101));
    expect(application.body.matters[0].mayCommit).toEqual(["house-safety-appraisal"]);
    const response = await commit(application.body.applicationId, commitBody(person));
    expect(response.status, JSON.stringify(response.body)).toBe(201);
    expect(response.body).toMatchObject({
      status: "open",
      department: "market-regulation",
      matter: { code: "business-licence", produces: "business-licence" },
      materials: [{ credentialType: "house-safety-appraisal" }],
      replacesDays: 3,
      checkedBy: "market-regulation",
    });
    expect(Date.parse(response.body.dueAt) - Date.parse(response.body.committedAt)).toBe(30 * DAY_MS);
    // The answer names no subject; the record does, by reference only.
    expect(JSON.stringify(response.body)).not.toContain(person.idNumber);
    const record = await runtime(gw, "market-regulation").store.getRecord(response.body.recordHash);
    expect(record).toMatchObject({
      credentialType: COMMITMENT_TYPE,
      issuer: "market-regulation",
      fields: {
        applicationId: application.body.applicationId,
        matter: "business-licence",
        materials: ["house-safety-appraisal"],
        statement: STATEMENT,
        statementHash: statementHashOf(STATEMENT),
        decidedBy: "market-regulation",
        replacesDays: 3,
      },
    });
    await anchorAll(gw, ["market-regulation"]);
    const verified = await call("POST", `${gw.base("housing")}/verify`, gw.key("housing", "consumer"), {
      record,
      recordHash: response.body.recordHash,
    });
    expect(verified.body.status, JSON.stringify(verified.body)).toBe("valid");
  });

  it("turns the commitment fulfilled once the housing department anchors the appraisal, by evidence alone", async () => {
    const person = applicant(102);
    const application = await apply(person, shop(102));
    const committed = await commit(application.body.applicationId, commitBody(person));
    expect(committed.status).toBe(201);
    const id = committed.body.commitmentId;
    const check = () => call("POST", `${base()}/commitments/${id}/check`, clerk, {});
    expect((await check()).body.status).toBe("open");
    await issue(gw, "house-safety-appraisal", person);
    await anchorAll(gw, ["housing"]);
    const checked = await check();
    expect(checked.body).toMatchObject({
      status: "fulfilled",
      materials: [{ credentialType: "house-safety-appraisal", evidence: { issuer: "housing", status: "valid" } }],
    });
    // The housing department logged the query, for this application's scenario.
    const housingLog = await runtime(gw, "housing").accessLog.entries(1, 10_000);
    expect(housingLog).toContainEqual(
      expect.objectContaining({
        consumer: "market-regulation",
        credentialType: "house-safety-appraisal",
        purpose: "open-homestay",
        applicationId: application.body.applicationId,
      }),
    );
    // Market regulation logged the commitment and its fulfilment, by reference only.
    const own = await runtime(gw, "market-regulation").accessLog.entries(1, 10_000);
    const steps = own.filter((e) => e.recordHash === committed.body.recordHash).map((e) => e.outcome);
    expect(steps).toEqual(["committed", "fulfilled"]);
  });

  it("turns an open commitment overdue when the clock passes its check window, and fulfilled late if the record comes", async () => {
    const person = applicant(103);
    const application = await apply(person, shop(103));
    const committed = await commit(application.body.applicationId, commitBody(person));
    const id = committed.body.commitmentId;
    const follower = gw.gateway.services.commitmentFollowers.get("market-regulation");
    const read = () => call("GET", `${base()}/commitments/${id}`, auditor);
    clock += 29 * DAY_MS;
    await follower?.checkAll();
    expect((await read()).body.status).toBe("open");
    clock += 2 * DAY_MS;
    await follower?.checkAll();
    expect((await read()).body).toMatchObject({ status: "overdue", overdueAt: new Date(clock).toISOString() });
    await issue(gw, "house-safety-appraisal", person);
    await anchorAll(gw, ["housing"]);
    await follower?.checkAll();
    expect((await read()).body.status).toBe("fulfilled");
  });

  it("marks a commitment breached, revokes the licence it produced on chain with reason 16, and bars the applicant", async () => {
    const person = applicant(104);
    const organisation = shop(104);
    const application = await apply(person, organisation);
    const committed = await commit(application.body.applicationId, commitBody(person));
    const id = committed.body.commitmentId;
    const licence = await grantLicence(id, organisation);
    const breached = await call("POST", `${base()}/commitments/${id}/breach`, issuer, {
      reason: "material-not-provided",
    });
    expect(breached.status, JSON.stringify(breached.body)).toBe(200);
    expect(breached.body).toMatchObject({
      status: "breached",
      breach: { reason: "material-not-provided", revokedRecord: licence },
    });
    const onChain = gw.gateway.services.index.record(runtime(gw, "market-regulation").id, licence as never);
    expect(onChain).toMatchObject({ revocationReason: 16 });
    const record = await runtime(gw, "market-regulation").store.getRecord(licence as never);
    const verified = await call("POST", `${gw.base("psb")}/verify`, gw.key("psb", "consumer"), {
      record,
      recordHash: licence,
    });
    expect(verified.body.status).toBe("revoked");
    expectProblem(
      await call("POST", `${base()}/commitments/${id}/breach`, issuer, { reason: "false-statement" }),
      "COMMITMENT_BREACHED",
      "commitmentId",
    );
    // The applicant's next application here shows the breach, and accepts no commitment of theirs.
    const next = await apply(person, organisation);
    expect(next.body.breachedCommitments).toEqual([
      expect.objectContaining({ commitmentId: id, matter: "business-licence", reason: "material-not-provided" }),
    ]);
    const matter = next.body.matters.find((m: { code: string }) => m.code === "business-licence");
    expect(matter.mayCommit).toEqual([]);
    expect(matter.required).toContain("house-safety-appraisal");
    expectProblem(await commit(next.body.applicationId, commitBody(person)), "COMMITMENT_BARRED", "subject");
    const own = await runtime(gw, "market-regulation").accessLog.entries(1, 10_000);
    expect(own).toContainEqual(
      expect.objectContaining({
        outcome: "breached",
        reason: "material-not-provided",
        recordHash: committed.body.recordHash,
      }),
    );
  });

  it("refuses a commitment for a material not accepted, already waived, an unknown application, or confirmed twice, writing nothing", async () => {
    const person = applicant(105);
    const organisation = shop(105);
    // The applicant's real-estate title is shared, so it is waived.
    await issue(gw, "real-estate-title", person);
    await anchorAll(gw, ["real-estate-registry"]);
    const application = await apply(person, organisation);
    const id = application.body.applicationId;
    expect(application.body.matters[0].waived).toEqual(["real-estate-title"]);
    const before = await commitmentsWritten();
    const refused = [
      [commit(id, commitBody(person, { materials: ["resident-id-card"] })), "MATERIAL_NOT_COMMITTABLE", "materials[0]"],
      [
        commit(id, commitBody(person, { materials: ["house-safety-appraisal", "business-licence"] })),
        "MATERIAL_NOT_COMMITTABLE",
        "materials[1]",
      ],
      [
        commit(
          id,
          commitBody(person, { matter: "special-trade-licence-hotel", materials: ["fire-safety-inspection"] }),
        ),
        "FORBIDDEN_DEPARTMENT",
        "matter",
      ],
      [commit(id, commitBody(person, { matter: "no-such-matter" })), "VALIDATION_FAILED", "matter"],
      [commit("app-AAAAAAAAAAAAAAAAAAAAAA", commitBody(person)), "APPLICATION_NOT_FOUND", "applicationId"],
      [commit(id, commitBody(applicant(106))), "APPLICATION_CONFLICT", "subject"],
      [
        commit(id, commitBody(person, { statementHash: statementHashOf("another text") })),
        "VALIDATION_FAILED",
        "statementHash",
      ],
      [
        commit(id, commitBody(person, { confirmedAt: new Date(clock + DAY_MS).toISOString() })),
        "VALIDATION_FAILED",
        "confirmedAt",
      ],
      [
        commit(id, commitBody(person, { materials: ["house-safety-appraisal", "house-safety-appraisal"] })),
        "VALIDATION_FAILED",
        "materials[1]",
      ],
      [commit(id, commitBody(person, { confirmation: "nodded" })), "VALIDATION_FAILED", "confirmation"],
      [commit(id, commitBody(person), issuer), "FORBIDDEN_ROLE", undefined],
    ] as const;
    for (const [pending, code, field] of refused) expectProblem(await pending, code, field);
    expect(await commitmentsWritten()).toBe(before);
    // Waived: a material the matter accepts a commitment for, once its issuer has shared it (the health certificate
    // of the homestay's hygiene licence, decided by the health commission).
    const health = await call("POST", `${gw.base("health")}/applications`, gw.key("health", "consumer"), {
      scenario: "open-homestay",
      subject: person,
      organisation,
    });
    await issue(gw, "health-certificate", person);
    await anchorAll(gw, ["health"]);
    const again = await call("POST", `${gw.base("health")}/applications`, gw.key("health", "consumer"), {
      scenario: "open-homestay",
      subject: person,
      organisation,
      applicationId: health.body.applicationId,
    });
    expect(
      again.body.matters.find((m: { code: string }) => m.code === "public-place-hygiene-licence").waived,
    ).toContain("health-certificate");
    expectProblem(
      await call(
        "POST",
        `${gw.base("health")}/applications/${health.body.applicationId}/commitments`,
        gw.key("health", "consumer"),
        commitBody(person, { matter: "public-place-hygiene-licence", materials: ["health-certificate"] }),
      ),
      "MATERIAL_WAIVED",
      "materials[0]",
    );
    // Confirmed once, then again: the second is refused, concurrently as well.
    const both = await Promise.all([commit(id, commitBody(person)), commit(id, commitBody(person))]);
    expect(both.map((r) => r.status).sort()).toEqual([201, 409]);
    expectProblem(both.find((r) => r.status === 409) as never, "COMMITMENT_EXISTS", "materials[0]");
    expectProblem(await commit(id, commitBody(person)), "COMMITMENT_EXISTS", "materials[0]");
    expect(await commitmentsWritten()).toBe(before + 1);
  });

  it("counts the figures from the stored applications and commitments as a count made here does", async () => {
    const figures = await call("GET", `${base()}/figures`, auditor);
    expect(figures.status, JSON.stringify(figures.body)).toBe(200);
    // The count made here: from the department's store, item by item.
    const store = runtime(gw, "market-regulation").store;
    const { applicationStore } = await import("../../services/gateway/src/scenarios/applicationStore.ts");
    let applications = 0;
    let waived = 0;
    for await (const a of applicationStore(store).all()) {
      applications += 1;
      waived += a.materials.filter((m) => m.outcome.status === "waived").length;
    }
    const statuses: Record<string, number> = { open: 0, fulfilled: 0, overdue: 0, breached: 0 };
    let days = 0;
    let committed = 0;
    for await (const c of commitmentStore(store).all()) {
      statuses[c.status] = (statuses[c.status] ?? 0) + 1;
      committed += c.materials.length;
      const decided = c.produced?.at;
      if (
        decided &&
        new Date(Date.parse(decided) + 8 * 3_600_000).toISOString().slice(0, 10) ===
          new Date(Date.parse(c.applicationSubmittedAt) + 8 * 3_600_000).toISOString().slice(0, 10)
      )
        days += c.replacesDays;
    }
    expect(figures.body).toMatchObject({
      department: "market-regulation",
      applications,
      materialsWaived: waived,
      materialsCommitted: committed,
      commitments: committed,
      ...statuses,
      daysSaved: days,
    });
    expect(figures.body.breached).toBe(1);
    expect(figures.body.daysSaved).toBe(3);
    expect(figures.body.byScenario["open-homestay"].applications).toBe(applications);
    // A range that ends before any of it counts nothing; a range the wrong way round is refused naming `to`.
    const empty = await call("GET", `${base()}/figures?to=2020-01-01T00:00:00Z`, auditor);
    expect(empty.body).toMatchObject({ applications: 0, commitments: 0, daysSaved: 0 });
    expectProblem(
      await call("GET", `${base()}/figures?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z`, auditor),
      "VALIDATION_FAILED",
      "query.to",
    );
  });
});

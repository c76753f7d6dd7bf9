// Applicants' commitments (告知承诺) in one gateway on Hardhat's chain: recorded for a material no department has
// shared, fulfilled once its issuer anchors the record, overdue by the clock, breached with the licence revoked; and
// the department's figures, counted against what the test did.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { COMMITMENT_TYPE } from "../../lib/catalogue/schemas.ts";
import { commitmentStore } from "../../services/gateway/src/commitments/commitmentStore.ts";
import { statementHashOf } from "../../services/gateway/src/commitments/recordCommitment.ts";
import { call, type RunningGateway, type SeededChain, seededChain, startGateway } from "./gatewayFixture.ts";
import { anchorAll, applicant, expectProblem, FIELDS, issue, runtime, shop } from "./scenarioSupport.ts";
import { rawEntries } from "./support.ts";

const HOSTED = ["psb", "market-regulation", "housing", "real-estate-registry", "health", "fire-rescue"];
const DAY_MS = 86_400_000;
const STATEMENT =
  "本人承诺：所申请民宿的房屋安全鉴定报告将于30日内取得并由区住建委共享，如有不实，愿承担相应法律责任。";
type Subject = { idType: string; idNumber: string };
type Answer = Awaited<ReturnType<typeof call>>;

/** A gateway whose clock the test sets, with the market regulator's keys and the requests of a homestay counter. */
function counter() {
  const t = {
    chain: undefined as unknown as SeededChain,
    gw: undefined as unknown as RunningGateway,
    clock: Date.now(),
    keys: { clerk: "", issuer: "", auditor: "" },
    base: (): string => t.gw.base("market-regulation"),
    apply: (subject: Subject, organisation: Subject): Promise<Answer> =>
      call("POST", `${t.base()}/applications`, t.keys.clerk, { scenario: "open-homestay", subject, organisation }),
    commit: (
      applicationId: string,
      body: Record<string, unknown>,
      token?: string,
      headers: Record<string, string> = {},
    ): Promise<Answer> =>
      call("POST", `${t.base()}/applications/${applicationId}/commitments`, token ?? t.keys.clerk, body, headers),
    commitBody: (subject: Subject, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
      subject,
      matter: "business-licence",
      materials: ["house-safety-appraisal"],
      statement: STATEMENT,
      statementHash: statementHashOf(STATEMENT),
      confirmation: "handwritten-signature",
      confirmedAt: new Date(t.clock).toISOString(),
      ...extra,
    }),
    // biome-ignore lint/suspicious/noExplicitAny: tests read whatever JSON the gateway answered.
    read: async (id: string): Promise<any> => (await call("GET", `${t.base()}/commitments/${id}`, t.keys.auditor)).body,
    /** Issues the business licence, anchors it and names it as what the approval produced. */
    async grantLicence(commitmentId: string, organisation: Subject): Promise<string> {
      const licence = await issue(t.gw, "business-licence", organisation);
      await anchorAll(t.gw, ["market-regulation"]);
      const named = await call("POST", `${t.base()}/commitments/${commitmentId}/produced`, t.keys.issuer, {
        recordHash: licence.recordHash,
      });
      expect(named.status, JSON.stringify(named.body)).toBe(200);
      return licence.recordHash;
    },
    /** Applies, commits to the appraisal; the commitment as answered. */
    // biome-ignore lint/suspicious/noExplicitAny: tests read whatever JSON the gateway answered.
    async committed(n: number): Promise<{ person: Subject; organisation: Subject; application: any; commitment: any }> {
      const person = applicant(n);
      const organisation = shop(n);
      const application = await t.apply(person, organisation);
      expect(application.status, JSON.stringify(application.body)).toBe(201);
      const response = await t.commit(application.body.applicationId, t.commitBody(person));
      expect(response.status, JSON.stringify(response.body)).toBe(201);
      return { person, organisation, application: application.body, commitment: response.body };
    },
    async start(): Promise<void> {
      t.chain = await seededChain();
      // Nothing runs by itself: the test looks at the commitments, and nothing commits the log meanwhile.
      t.gw = await startGateway(t.chain, HOSTED, { now: () => t.clock, commitmentCheckMs: 0, accessLogCommitMs: 0 });
      t.keys = {
        clerk: t.gw.key("market-regulation", "consumer"),
        issuer: t.gw.key("market-regulation", "issuer"),
        auditor: t.gw.key("market-regulation", "auditor"),
      };
    },
    async stop(): Promise<void> {
      await t.gw?.close();
      t.chain?.cleanup();
    },
  };
  return t;
}

describe("applicants' commitments (告知承诺) in one gateway", () => {
  const t = counter();
  const follower = () => t.gw.gateway.services.commitmentFollowers.get("market-regulation");
  const market = () => runtime(t.gw, "market-regulation");
  /** Entries of the housing department's log about this application: each is one query to it. */
  const housingQueries = async (applicationId: string) =>
    (await runtime(t.gw, "housing").accessLog.entries(1, 100_000)).filter((e) => e.applicationId === applicationId);

  beforeAll(() => t.start());
  afterAll(() => t.stop());

  it("records a commitment to the unshared house-safety appraisal as a sealed record of the commitment type, anchored", async () => {
    const person = applicant(101);
    const application = await t.apply(person, shop(101));
    expect(application.body.matters[0].mayCommit).toEqual(["house-safety-appraisal"]);
    // The statement is kept and hashed exactly as shown, its trailing newline included.
    const shown = `${STATEMENT}\n`;
    const url = `${t.base()}/applications/${application.body.applicationId}/commitments`;
    const response = await t.commit(
      application.body.applicationId,
      t.commitBody(person, { statement: shown, statementHash: statementHashOf(shown) }),
    );
    expect(response.status, JSON.stringify(response.body)).toBe(201);
    expect(response.body).toMatchObject({
      status: "open",
      department: "market-regulation",
      matter: { code: "business-licence", produces: "business-licence" },
      materials: [{ credentialType: "house-safety-appraisal" }],
      replacesDays: 3,
      checkedBy: "market-regulation",
    });
    // The window ends with the last day its record names, at midnight in Beijing.
    const checkBy = new Date(t.clock + 30 * DAY_MS + 8 * 3_600_000).toISOString().slice(0, 10);
    expect(response.body.checkBy).toBe(checkBy);
    expect(response.body.dueAt).toBe(new Date(Date.parse(`${checkBy}T00:00:00+08:00`) + DAY_MS).toISOString());
    // The Location resolves to the commitment.
    const location = new URL(response.headers.get("location") ?? "", url).toString();
    expect(location).toBe(`${t.base()}/commitments/${response.body.commitmentId}`);
    expect((await call("GET", location, t.keys.auditor)).status).toBe(200);
    // The answer names no subject and carries no statement; the record names the subject by reference only.
    const answered = JSON.stringify(response.body);
    expect(answered).not.toContain(person.idNumber);
    expect(answered).not.toContain("本人承诺");
    const record = await market().store.getRecord(response.body.recordHash);
    expect(record).toMatchObject({
      credentialType: COMMITMENT_TYPE,
      issuer: "market-regulation",
      fields: {
        applicationId: application.body.applicationId,
        matter: "business-licence",
        materials: ["house-safety-appraisal"],
        statement: shown,
        statementHash: statementHashOf(shown),
        decidedBy: "market-regulation",
        checkBy,
        replacesDays: 3,
      },
    });
    // Sealed at rest: no byte of the statement or the ID number is in the database.
    const bytes = Buffer.concat((await rawEntries(market().store)).flatMap((e) => [Buffer.from(e.key), e.value]));
    expect(bytes.includes(Buffer.from("本人承诺"))).toBe(false);
    expect(bytes.includes(Buffer.from(person.idNumber))).toBe(false);
    await anchorAll(t.gw, ["market-regulation"]);
    const verified = await call("POST", `${t.gw.base("housing")}/verify`, t.gw.key("housing", "consumer"), {
      record,
      recordHash: response.body.recordHash,
    });
    expect(verified.body.status, JSON.stringify(verified.body)).toBe("valid");
  });

  it("turns the commitment fulfilled once housing anchors the appraisal, asked for evidence only, keeping no data", async () => {
    const { person, application, commitment } = await t.committed(102);
    const check = () => call("POST", `${t.base()}/commitments/${commitment.commitmentId}/check`, t.keys.clerk, {});
    expect((await check()).body.status).toBe("open");
    await issue(t.gw, "house-safety-appraisal", person);
    await anchorAll(t.gw, ["housing"]);
    const checked = await check();
    expect(checked.body).toMatchObject({
      status: "fulfilled",
      materials: [{ credentialType: "house-safety-appraisal", evidence: { issuer: "housing", status: "valid" } }],
    });
    // Housing logged each query under the application's scenario (the application's own, then the two checks), and
    // shared nothing for the check though the grant would allow it.
    const queries = await housingQueries(application.applicationId);
    expect(queries.map((e) => e.outcome)).toEqual(["not-found", "not-found", "evidence-only"]);
    expect(queries[2]).toMatchObject({ consumer: "market-regulation", purpose: "open-homestay" });
    expect(queries[2]).not.toHaveProperty("evidenceOnly");
    const kept = JSON.stringify(await commitmentStore(market().store).get(commitment.commitmentId));
    expect(kept).not.toContain(String(FIELDS["house-safety-appraisal"]?.reportNumber));
    // Market regulation logged the commitment and its fulfilment, by reference only.
    const own = await market().accessLog.entries(1, 100_000);
    const steps = own.filter((e) => e.recordHash === commitment.recordHash).map((e) => e.outcome);
    expect(steps).toEqual(["committed", "fulfilled"]);
  });

  it("asks the issuer less often the longer nothing comes, and turns overdue at midnight in Beijing after the last day", async () => {
    const { person, application, commitment } = await t.committed(103);
    const id = commitment.commitmentId;
    // Ten looks in the same minute ask housing once (beside the application's own query): the next question waits.
    for (let i = 0; i < 10; i++) await follower()?.checkAll();
    expect(await housingQueries(application.applicationId)).toHaveLength(2);
    // Over the 30 days, the gaps double up to a day: far fewer questions than looks.
    for (let day = 0; day < 30; day++) {
      t.clock += DAY_MS / 4;
      await follower()?.checkAll();
      t.clock += (3 * DAY_MS) / 4;
      await follower()?.checkAll();
    }
    const asked = (await housingQueries(application.applicationId)).length;
    expect(asked).toBeGreaterThan(10);
    expect(asked).toBeLessThan(60);
    t.clock = Date.parse(commitment.dueAt) - 1;
    await follower()?.checkAll();
    expect((await t.read(id)).status).toBe("open");
    t.clock = Date.parse(commitment.dueAt);
    await follower()?.checkAll();
    expect(await t.read(id)).toMatchObject({ status: "overdue", overdueAt: commitment.dueAt });
    // Still followed after the window: the appraisal arriving late fulfils it.
    await issue(t.gw, "house-safety-appraisal", person);
    await anchorAll(t.gw, ["housing"]);
    t.clock += DAY_MS;
    await follower()?.checkAll();
    expect((await t.read(id)).status).toBe("fulfilled");
  });

  it("stops asking by itself 30 days after the window, and a check on request still asks", async () => {
    const { application, commitment } = await t.committed(104);
    t.clock = Date.parse(commitment.followedUntil);
    await follower()?.checkAll();
    const stopped = await t.read(commitment.commitmentId);
    expect(stopped).toMatchObject({ status: "overdue", stoppedFollowingAt: new Date(t.clock).toISOString() });
    expect(await commitmentStore(market().store).followedIds()).not.toContain(commitment.commitmentId);
    const before = (await housingQueries(application.applicationId)).length;
    t.clock += 2 * DAY_MS;
    await follower()?.checkAll();
    expect(await housingQueries(application.applicationId)).toHaveLength(before);
    await call("POST", `${t.base()}/commitments/${commitment.commitmentId}/check`, t.keys.clerk, {});
    expect(await housingQueries(application.applicationId)).toHaveLength(before + 1);
  });

  it("breaches a commitment: the licence in force (the one that superseded the first) is revoked on chain, reason 16", async () => {
    const { person, organisation, commitment } = await t.committed(105);
    const id = commitment.commitmentId;
    const breach = (reason: string) => call("POST", `${t.base()}/commitments/${id}/breach`, t.keys.issuer, { reason });
    // Nothing named yet: a breach would revoke nothing.
    expectProblem(await breach("material-not-provided"), "COMMITMENT_NOT_DECIDED", "commitmentId");
    const first = await t.grantLicence(id, organisation);
    const second = await issue(t.gw, "business-licence", organisation);
    await anchorAll(t.gw, ["market-regulation"]);
    const superseded = await call("POST", `${t.base()}/records/${first}/supersede`, t.keys.issuer, {
      newRecordHash: second.recordHash,
    });
    expect(superseded.status, JSON.stringify(superseded.body)).toBe(200);
    const breached = await breach("material-not-provided");
    expect(breached.status, JSON.stringify(breached.body)).toBe(200);
    expect(breached.body).toMatchObject({
      status: "breached",
      breach: { reason: "material-not-provided", revokedRecord: second.recordHash },
    });
    const { index } = t.gw.gateway.services;
    expect(index.record(market().id, second.recordHash as never)).toMatchObject({ revocationReason: 16 });
    const verified = await call("POST", `${t.gw.base("psb")}/verify`, t.gw.key("psb", "consumer"), {
      record: second.record,
      recordHash: second.recordHash,
    });
    expect(verified.body).toMatchObject({ status: "revoked", evidence: { revocationReason: 16 } });
    expectProblem(await breach("false-statement"), "COMMITMENT_BREACHED", "commitmentId");
    // The applicant's next application here shows the breach, and accepts no commitment of theirs.
    const next = await t.apply(person, organisation);
    expect(next.body.breachedCommitments).toEqual([
      expect.objectContaining({ commitmentId: id, matter: "business-licence", reason: "material-not-provided" }),
    ]);
    const matter = next.body.matters.find((m: { code: string }) => m.code === "business-licence");
    expect(matter.mayCommit).toEqual([]);
    expect(matter.required).toContain("house-safety-appraisal");
    expectProblem(await t.commit(next.body.applicationId, t.commitBody(person)), "COMMITMENT_BARRED", "subject");
    const own = await market().accessLog.entries(1, 100_000);
    expect(own).toContainEqual(
      expect.objectContaining({
        outcome: "breached",
        reason: "material-not-provided",
        recordHash: commitment.recordHash,
      }),
    );
    // 16 is the gateway's own reason: a department's revocation takes 1 to 15.
    const other = await issue(t.gw, "business-licence", shop(1105));
    await anchorAll(t.gw, ["market-regulation"]);
    expectProblem(
      await call("POST", `${t.base()}/records/${other.recordHash}/revoke`, t.keys.issuer, { reason: 16 }),
      "VALIDATION_FAILED",
      "reason",
    );
  });

  it("names as produced only a record of the matter's type, issued on the commitment, neither revoked nor superseded", async () => {
    const { organisation, commitment } = await t.committed(106);
    const produced = (recordHash: string) =>
      call("POST", `${t.base()}/commitments/${commitment.commitmentId}/produced`, t.keys.issuer, { recordHash });
    const revoked = await issue(t.gw, "business-licence", organisation);
    await anchorAll(t.gw, ["market-regulation"]);
    await call("POST", `${t.base()}/records/${revoked.recordHash}/revoke`, t.keys.issuer, { reason: 3 });
    expectProblem(await produced(revoked.recordHash), "RECORD_ALREADY_REVOKED", "recordHash");
    // A licence of the same organisation issued a minute before the commitment was not produced by it.
    t.clock -= 60_000;
    const earlier = (await issue(t.gw, "business-licence", organisation)).recordHash;
    t.clock += 60_000;
    expectProblem(await produced(earlier), "VALIDATION_FAILED", "recordHash");
    expectProblem(await produced(commitment.recordHash), "VALIDATION_FAILED", "recordHash");
  });

  it("refuses a commitment for a material not accepted, already waived, an unknown or closed application, an organisation's, or confirmed twice, writing nothing", async () => {
    const person = applicant(107);
    const organisation = shop(107);
    // The applicant's real-estate title is shared, so it is waived.
    await issue(t.gw, "real-estate-title", person);
    await anchorAll(t.gw, ["real-estate-registry"]);
    const application = await t.apply(person, organisation);
    const id = application.body.applicationId;
    expect(application.body.matters[0].waived).toEqual(["real-estate-title"]);
    const closed = await t.apply(person, organisation);
    // An organisation applying alone: its commitment would be no person's promise.
    const byShop = await call("POST", `${t.base()}/applications`, t.keys.clerk, {
      scenario: "open-homestay",
      subject: organisation,
    });
    expect(byShop.status, JSON.stringify(byShop.body)).toBe(201);
    await call("POST", `${t.base()}/applications/${closed.body.applicationId}/close`, t.keys.clerk, {});
    const store = market().store;
    const before = await rawEntries(store);
    const refused = [
      [
        t.commit(id, t.commitBody(person, { materials: ["resident-id-card"] })),
        "MATERIAL_NOT_COMMITTABLE",
        "materials.0",
      ],
      [
        t.commit(id, t.commitBody(person, { materials: ["house-safety-appraisal", "business-licence"] })),
        "MATERIAL_NOT_COMMITTABLE",
        "materials.1",
      ],
      [
        t.commit(id, t.commitBody(person, { matter: "seal-filing", materials: ["business-licence"] })),
        "VALIDATION_FAILED",
        "matter",
      ],
      [
        t.commit(id, t.commitBody(person, { matter: "special-trade-licence-hotel", materials: ["resident-id-card"] })),
        "FORBIDDEN_DEPARTMENT",
        "matter",
      ],
      [t.commit("app-AAAAAAAAAAAAAAAAAAAAAA", t.commitBody(person)), "APPLICATION_NOT_FOUND", "applicationId"],
      [t.commit(closed.body.applicationId, t.commitBody(person)), "APPLICATION_CLOSED", "applicationId"],
      [t.commit(byShop.body.applicationId, t.commitBody(organisation)), "VALIDATION_FAILED", "subject.idType"],
      [t.commit(id, t.commitBody(applicant(108))), "APPLICATION_CONFLICT", "subject"],
      [
        t.commit(id, t.commitBody(person, { statementHash: statementHashOf("another text") })),
        "VALIDATION_FAILED",
        "statementHash",
      ],
      [t.commit(id, t.commitBody(person, { statement: " \n " })), "VALIDATION_FAILED", "statement"],
      [
        t.commit(id, t.commitBody(person, { confirmedAt: new Date(t.clock + DAY_MS).toISOString() })),
        "VALIDATION_FAILED",
        "confirmedAt",
      ],
      [
        t.commit(id, t.commitBody(person, { materials: ["house-safety-appraisal", "house-safety-appraisal"] })),
        "VALIDATION_FAILED",
        "materials.1",
      ],
      [t.commit(id, t.commitBody(person, { confirmation: "nodded" })), "VALIDATION_FAILED", "confirmation"],
      [t.commit(id, t.commitBody(person), t.keys.issuer), "FORBIDDEN_ROLE", undefined],
    ] as const;
    for (const [pending, code, field] of refused) expectProblem(await pending, code, field);
    // Nothing written: not a record, an outbox entry, a log entry or a commitment.
    expect(await rawEntries(store)).toEqual(before);
    // Waived: the health certificate of the hygiene licence, once health has shared it.
    const health = (body: Record<string, unknown>) =>
      call("POST", `${t.gw.base("health")}/applications`, t.gw.key("health", "consumer"), body);
    await issue(t.gw, "health-certificate", person);
    await anchorAll(t.gw, ["health"]);
    const atHealth = await health({ scenario: "open-homestay", subject: person, organisation });
    expect(
      atHealth.body.matters.find((m: { code: string }) => m.code === "public-place-hygiene-licence").waived,
    ).toContain("health-certificate");
    expectProblem(
      await call(
        "POST",
        `${t.gw.base("health")}/applications/${atHealth.body.applicationId}/commitments`,
        t.gw.key("health", "consumer"),
        t.commitBody(person, { matter: "public-place-hygiene-licence", materials: ["health-certificate"] }),
      ),
      "MATERIAL_WAIVED",
      "materials.0",
    );
    // Confirmed once, then again: the second is refused, concurrently as well.
    const both = await Promise.all([t.commit(id, t.commitBody(person)), t.commit(id, t.commitBody(person))]);
    expect(both.map((r) => r.status).sort()).toEqual([201, 409]);
    expectProblem(both.find((r) => r.status === 409) as never, "COMMITMENT_EXISTS", "materials.0");
    expectProblem(await t.commit(id, t.commitBody(person)), "COMMITMENT_EXISTS", "materials.0");
  });

  it("takes an Idempotency-Key for one request: a retry replays it, the same body for another application is refused", async () => {
    const person = applicant(109);
    const organisation = shop(109);
    const [first, second] = [await t.apply(person, organisation), await t.apply(person, organisation)];
    const key = { "idempotency-key": "counter-7-commit" };
    const body = t.commitBody(person);
    const made = await t.commit(first.body.applicationId, body, t.keys.clerk, key);
    const retried = await t.commit(first.body.applicationId, body, t.keys.clerk, key);
    expect(made.status).toBe(201);
    expect(retried.headers.get("idempotent-replayed")).toBe("true");
    expect(retried.body.commitmentId).toBe(made.body.commitmentId);
    expectProblem(
      await t.commit(second.body.applicationId, body, t.keys.clerk, key),
      "IDEMPOTENCY_KEY_REUSED",
      "Idempotency-Key",
    );
    expect((await t.commit(second.body.applicationId, body)).status).toBe(201);
  });
});

describe("a department's figures, against what was done at its counter", () => {
  const t = counter();
  const figures = async (query = "") => {
    const response = await call("GET", `${t.base()}/figures${query}`, t.keys.auditor);
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    return response.body;
  };
  beforeAll(() => t.start());
  afterAll(() => t.stop());

  it("counts applications, waived and committed materials, outcomes and the days saved once per matter decided the same day", async () => {
    // 2027-03-10 10:00 in Beijing: within the year the test records are valid for.
    const morning = Date.parse("2027-03-10T10:00:00+08:00");
    t.clock = morning;
    // 1: committed and licensed the same morning: 3 days saved.
    const one = await t.committed(201);
    await t.grantLicence(one.commitment.commitmentId, one.organisation);
    // 2: committed at 23:50, licensed at 00:10 the next day: decided a day later, nothing saved.
    t.clock = Date.parse("2027-03-10T23:50:00+08:00");
    const two = await t.committed(202);
    t.clock = Date.parse("2027-03-11T00:10:00+08:00");
    await t.grantLicence(two.commitment.commitmentId, two.organisation);
    // 3: an application whose real-estate title is shared, and no commitment.
    await issue(t.gw, "real-estate-title", applicant(203));
    await anchorAll(t.gw, ["real-estate-registry"]);
    t.clock = Date.parse("2027-03-11T09:00:00+08:00");
    const three = await t.apply(applicant(203), shop(203));
    expect(three.body.counts.waived).toBe(1);
    // 4: committed and fulfilled when housing anchors the appraisal.
    const four = await t.committed(204);
    await issue(t.gw, "house-safety-appraisal", four.person);
    await anchorAll(t.gw, ["housing"]);
    await call("POST", `${t.base()}/commitments/${four.commitment.commitmentId}/check`, t.keys.clerk, {});
    const homestay = three.body.counts.materials;

    const all = await figures();
    expect(all).toMatchObject({
      department: "market-regulation",
      applications: 4,
      materialsRequested: 4 * homestay,
      materialsWaived: 1,
      materialsCommitted: 3,
      commitments: 3,
      open: 2,
      fulfilled: 1,
      overdue: 0,
      breached: 0,
      daysSaved: 3,
    });
    expect(all.byScenario).toEqual({ "open-homestay": expect.objectContaining({ applications: 4, daysSaved: 3 }) });
    // [from, to): the 23:50 commitment is in the day of the 10th, not the 11th.
    const tenth = await figures("?from=2027-03-10T00:00:00%2B08:00&to=2027-03-11T00:00:00%2B08:00");
    expect(tenth).toMatchObject({ applications: 2, commitments: 2, daysSaved: 3 });
    const eleventh = await figures("?from=2027-03-11T00:00:00%2B08:00");
    expect(eleventh).toMatchObject({ applications: 2, commitments: 1, fulfilled: 1, daysSaved: 0 });
    const before = await figures(`?to=${encodeURIComponent(new Date(morning).toISOString())}`);
    expect(before).toMatchObject({ applications: 0, commitments: 0, daysSaved: 0 });
    expectProblem(
      await call("GET", `${t.base()}/figures?from=2027-02-01T00:00:00Z&to=2027-01-01T00:00:00Z`, t.keys.auditor),
      "VALIDATION_FAILED",
      "query.to",
    );
  });
});

// Identifiers the gateway stores, logs or passes on are shaped to keep personal data out, and data goes only to live
// applications of a bounded number per key: what the outside tests found (issue 8, items 6 and 7).
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { subjectRef } from "../../lib/encoding/subjectRef.ts";
import { NOT_A_SCENARIO } from "../../services/gateway/src/federation/answerQuery.ts";
import { applicationStore } from "../../services/gateway/src/scenarios/applicationStore.ts";
import { newApplicationId } from "../../services/gateway/src/scenarios/applyScenario.ts";
import { call, type RunningGateway, type SeededChain, seededChain, startGateway } from "./gatewayFixture.ts";
import { anchorAll, applicant, applicationIdFor, issue, outcomeOf, runtime, shop } from "./scenarioSupport.ts";
import { capturedLogs, expectProblem, idCardRequest, peerQueryHeaders, rawEntries, residentId } from "./support.ts";

/** A valid resident ID number, the kind of value that must not end up where an identifier is kept. */
const SMUGGLED = residentId(777);

describe("identifiers shaped to keep personal data out", () => {
  let chain: SeededChain;
  let gw: RunningGateway;
  const person = applicant(41);
  const HOSTED = ["psb", "market-regulation"];

  /** Every byte every hosted department keeps, as text: what must not contain a smuggled value. */
  async function everythingKept(): Promise<string> {
    const parts: string[] = [];
    for (const code of HOSTED) {
      for (const { key, value } of await rawEntries(runtime(gw, code).store)) parts.push(key, value.toString("utf8"));
    }
    return parts.join("\n");
  }

  beforeAll(async () => {
    chain = await seededChain();
    gw = await startGateway(chain, HOSTED);
    await issue(gw, "resident-id-card", person);
    await anchorAll(gw, ["psb"]);
  });
  afterAll(async () => {
    await gw?.close();
    chain?.cleanup();
  });

  it("refuses an ID number as an application id, naming applicationId: ids are minted by the gateway", async () => {
    const response = await call(
      "POST",
      `${gw.base("market-regulation")}/applications`,
      gw.key("market-regulation", "consumer"),
      {
        scenario: "open-convenience-store",
        subject: person,
        applicationId: SMUGGLED,
      },
    );
    expectProblem(response, "VALIDATION_FAILED", "applicationId");
    expect(JSON.stringify(response.body)).not.toContain(SMUGGLED);
    expect(await everythingKept()).not.toContain(SMUGGLED);
  });

  it("says of application ids what their pattern bounds and whom an issuer trusts, in the API and the docs, and no more", async () => {
    const doc = (await call("GET", `${gw.url}/openapi.json`, undefined)).body;
    const described = [
      doc.paths["/departments/{department}/applications"].post.requestBody.content["application/json"].schema.properties
        .applicationId,
      doc.paths["/departments/{department}/applications/{applicationId}"].get.parameters.find(
        (p: { name: string }) => p.name === "applicationId",
      ),
      doc.components.schemas.FederationQuery.properties.applicationId,
    ];
    for (const { description } of described) {
      expect(description).toContain("app- and 22 base64url characters");
      expect(description).toContain("trusts the peer gateway");
      expect(description).toContain("does not make personal data impossible");
    }
    const docs = readFileSync(new URL("../../docs/gateway.md", import.meta.url), "utf8").replace(/\s+/g, " ");
    expect(docs).not.toContain("cannot carry personal data");
    expect(docs).toContain("It does not make personal data impossible");
  });

  it("refuses a peer's application id that spells an ID number, keeping it nowhere, and takes one of letters as it comes: the peer is trusted", async () => {
    const url = `${gw.base("psb")}/federation/records/query`;
    const query = (applicationId: string) => ({
      subjectRef: subjectRef(chain.districtSecret, "resident-id", person.idNumber),
      credentialType: "resident-id-card",
      purpose: "open-convenience-store",
      applicationId,
    });
    const other = residentId(778);
    for (const spelled of [
      `app-${other}${"A".repeat(22 - other.length)}`,
      `app-AA${other.slice(0, 9)}B${other.slice(9)}${"C".repeat(22 - other.length - 3)}`,
      `app-${"x".repeat(17)}13800`,
    ]) {
      const body = query(spelled);
      const response = await call("POST", url, undefined, body, await peerQueryHeaders(chain, url, body));
      expectProblem(response, "VALIDATION_FAILED", "applicationId");
      expect(JSON.stringify(response.body)).not.toContain(spelled);
    }
    expect(await everythingKept()).not.toContain(other.slice(0, 9));
    const lettered = "app-zhangSanZhangSanZhangS";
    const body = query(lettered);
    const response = await call("POST", url, undefined, body, await peerQueryHeaders(chain, url, body));
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    const entries = await runtime(gw, "psb").accessLog.entries(1, 100);
    expect(entries.at(-1)).toMatchObject({ consumer: "market-regulation", applicationId: lettered });
  });

  it("mints application ids of 16 random bytes with no five digits in a row, and ids of that shape only", () => {
    const minted = Array.from({ length: 20_000 }, newApplicationId);
    expect(new Set(minted).size).toBe(minted.length);
    for (const id of minted) expect(id).toMatch(/^app-[A-Za-z0-9_-]{21}[AQgw]$/);
    expect(minted.filter((id) => /[0-9]{5}/.test(id))).toEqual([]);
    // Four digits in a row are as common as chance makes them: the rule takes nothing else from the draw.
    expect(minted.filter((id) => /[0-9]{4}/.test(id)).length).toBeGreaterThan(0);
  });

  it("refuses a purpose that is no scenario of the catalogue, logging the refusal without it and echoing it nowhere", async () => {
    const ref = subjectRef(chain.districtSecret, "resident-id", person.idNumber);
    const body = {
      subjectRef: ref,
      credentialType: "resident-id-card",
      purpose: `zhang-san-${SMUGGLED.toLowerCase()}`,
      applicationId: applicationIdFor("purpose test"),
    };
    const url = `${gw.base("psb")}/federation/records/query`;
    const headers = await peerQueryHeaders(chain, url, body);
    const response = await call("POST", url, undefined, body, headers);
    expectProblem(response, "UNKNOWN_SCENARIO", "purpose");
    expect(JSON.stringify(response.body)).not.toContain(SMUGGLED.toLowerCase());
    const entries = await runtime(gw, "psb").accessLog.entries(1, 100);
    expect(entries.at(-1)).toMatchObject({ consumer: "market-regulation", purpose: NOT_A_SCENARIO, outcome: "denied" });
    expect(await everythingKept()).not.toContain(SMUGGLED.toLowerCase());
  });

  it("keeps an Idempotency-Key only as its keyed hash, and still answers a retry with the first answer", async () => {
    const issuer = gw.key("psb", "issuer");
    const request = idCardRequest(residentId(42));
    const first = await call("POST", `${gw.base("psb")}/records`, issuer, request, { "Idempotency-Key": SMUGGLED });
    expect(first.status).toBe(202);
    const retry = await call("POST", `${gw.base("psb")}/records`, issuer, request, { "Idempotency-Key": SMUGGLED });
    expect(retry.status).toBe(202);
    expect(retry.headers.get("idempotent-replayed")).toBe("true");
    expect(retry.body.recordHash).toBe(first.body.recordHash);
    expect(await everythingKept()).not.toContain(SMUGGLED);
  });

  it("refuses an Idempotency-Key of another shape or over 128 characters, naming the header without repeating it", async () => {
    const issuer = gw.key("psb", "issuer");
    for (const key of ["a key with spaces", "k".repeat(129), "x".repeat(15_000)]) {
      const response = await call("POST", `${gw.base("psb")}/records`, issuer, idCardRequest(residentId(43)), {
        "Idempotency-Key": key,
      });
      expectProblem(response, "VALIDATION_FAILED", "Idempotency-Key");
      expect(JSON.stringify(response.body)).not.toContain(key);
    }
  });

  it("names a mistyped member of a record's fields, and never one shaped like an ID number", async () => {
    const issuer = gw.key("psb", "issuer");
    const typo = await call("POST", `${gw.base("psb")}/records`, issuer, idCardRequest(residentId(44), { nmae: "x" }));
    expectProblem(typo, "SCHEMA_VIOLATION", "fields.nmae");
    const smuggled = await call(
      "POST",
      `${gw.base("psb")}/records`,
      issuer,
      idCardRequest(residentId(44), { [SMUGGLED]: "x" }),
    );
    expectProblem(smuggled, "SCHEMA_VIOLATION", "fields");
    expect(JSON.stringify(smuggled.body)).not.toContain(SMUGGLED);
    const body = await call("POST", `${gw.base("psb")}/verify`, gw.key("psb", "consumer"), { [SMUGGLED]: 1 });
    expectProblem(body, "VALIDATION_FAILED", "body");
    expect(JSON.stringify(body.body)).not.toContain(SMUGGLED);
  });
});

describe("data for live applications only, and a bounded number of them per key", () => {
  let chain: SeededChain;
  let gw: RunningGateway;
  let clock = Date.now();
  const logs = capturedLogs("warn");
  const person = applicant(51);
  const organisation = shop(51);

  beforeAll(async () => {
    chain = await seededChain();
    gw = await startGateway(chain, ["psb", "market-regulation"], {
      applications: { perKeyPerHour: 3, lifetimeDays: 2 },
      now: () => clock,
      logger: logs.logger,
    });
    await issue(gw, "resident-id-card", person);
    await anchorAll(gw, ["psb"]);
  });
  afterAll(async () => {
    await gw?.close();
    chain?.cleanup();
  });

  const apply = (body: Record<string, unknown>, token: string) =>
    call("POST", `${gw.base("market-regulation")}/applications`, token, {
      scenario: "open-convenience-store",
      subject: person,
      organisation,
      ...body,
    });
  const psbLogLength = async () => await runtime(gw, "psb").accessLog.lastSeq();

  it("evaluates a closed application no more: 409 APPLICATION_CLOSED, and no issuer is asked", async () => {
    const clerk = gw.key("market-regulation", "consumer");
    const opened = await apply({}, clerk);
    expect(opened.status).toBe(201);
    expect(outcomeOf(opened.body, "resident-id-card")).toMatchObject({ status: "waived", shared: true });
    const id = opened.body.applicationId;
    const closed = await call("POST", `${gw.base("market-regulation")}/applications/${id}/close`, clerk, {});
    expect(closed.body).toMatchObject({ applicationId: id, status: "closed", closedAt: expect.any(String) });
    const asked = await psbLogLength();
    expectProblem(await apply({ applicationId: id }, clerk), "APPLICATION_CLOSED", "applicationId");
    expect(await psbLogLength()).toBe(asked);
    const read = await call("GET", `${gw.base("market-regulation")}/applications/${id}`, clerk);
    expect(read.body.status).toBe("closed");
  });

  it("keeps an application closed that is closed while it is evaluated again: the evaluation is refused", async () => {
    const clerk = gw.key("market-regulation", "consumer");
    for (let round = 0; round < 3; round++) {
      const opened = await apply({}, clerk);
      expect(opened.status).toBe(201);
      const id = opened.body.applicationId;
      const url = `${gw.base("market-regulation")}/applications/${id}`;
      // Sent while the evaluation asks the issuers; in whichever order the two land, the application stays closed.
      const evaluating = apply({ applicationId: id }, clerk);
      const closed = await call("POST", `${url}/close`, clerk, {});
      expect(closed.status).toBe(200);
      const evaluated = await evaluating;
      if (evaluated.status === 200) expect(evaluated.body.evaluatedAt <= closed.body.closedAt).toBe(true);
      else expectProblem(evaluated, "APPLICATION_CLOSED", "applicationId");
      const read = await call("GET", url, clerk);
      expect(read.body).toMatchObject({ status: "closed", closedAt: closed.body.closedAt });
      // What the evaluation saves is checked as it is saved: one that began live is refused once the kept one is closed.
      const store = applicationStore(runtime(gw, "market-regulation").store);
      const kept = await store.get(id);
      if (!kept) throw new Error("the application was not kept");
      await expect(store.save({ ...kept, status: "open" }, () => [], clock)).rejects.toMatchObject({
        code: "APPLICATION_CLOSED",
      });
    }
  });

  it("evaluates an application past its lifetime no more", async () => {
    const clerk = gw.key("market-regulation", "consumer");
    const opened = await apply({}, clerk);
    const id = opened.body.applicationId;
    expect((await apply({ applicationId: id }, clerk)).status).toBe(200);
    clock += 2 * 86_400_000;
    try {
      expectProblem(await apply({ applicationId: id }, clerk), "APPLICATION_CLOSED", "applicationId");
    } finally {
      clock = Date.now();
    }
  });

  it("refuses a key's fourth new application in an hour with 429 and Retry-After, flags it, and asks no issuer", async () => {
    const clerk = gw.key("market-regulation", "consumer");
    const opened: string[] = [];
    for (let i = 0; i < 3; i++) {
      const response = await apply({ subject: applicant(60 + i) }, clerk);
      expect(response.status, JSON.stringify(response.body)).toBe(201);
      opened.push(response.body.applicationId);
    }
    const asked = await psbLogLength();
    const refused = await apply({ subject: applicant(63) }, clerk);
    expectProblem(refused, "TOO_MANY_APPLICATIONS");
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await psbLogLength()).toBe(asked);
    const flagged = logs.lines.filter((line) => line.includes("application-rate-exceeded"));
    expect(flagged).toHaveLength(1);
    expect(flagged[0]).toContain('"department":"market-regulation"');
    expect(flagged[0]).not.toContain(applicant(63).idNumber);
    // Evaluating an open application again is no new application; another key has a bound of its own.
    const again = await apply({ subject: applicant(60), applicationId: opened[0] }, clerk);
    expect(again.status).toBe(200);
    expect((await apply({ subject: applicant(64) }, gw.key("market-regulation", "consumer"))).status).toBe(201);
    clock += 3_600_000;
    try {
      expect((await apply({ subject: applicant(65) }, clerk)).status).toBe(201);
    } finally {
      clock = Date.now();
    }
  });
});

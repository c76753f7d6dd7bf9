// Federation: only fresh requests signed by a key the chain lists for the sending department are answered; all logged.
import { type Signer, Wallet } from "ethers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectRegistries } from "../../lib/chain/registries.ts";
import { codeKey } from "../../lib/encoding/codeKey.ts";
import { subjectRef } from "../../lib/encoding/subjectRef.ts";
import { newNonce } from "../../services/gateway/src/federation/signing.ts";
import { call, type RunningGateway, type SeededChain, seededChain, startGateway } from "./gatewayFixture.ts";
import { anchorAll, applicant, applicationIdFor, expectProblem, FIELDS, issue, runtime } from "./scenarioSupport.ts";
import { peerQueryHeaders } from "./support.ts";

describe("federation between department gateways", () => {
  let chain: SeededChain;
  let gw: RunningGateway;
  const person = applicant(11);
  let ref: string;
  const PATH = "/departments/psb/federation/records/query";
  const query = (overrides: Record<string, unknown> = {}) => ({
    subjectRef: ref,
    credentialType: "resident-id-card",
    purpose: "open-convenience-store",
    applicationId: applicationIdFor("app-fed-1"),
    ...overrides,
  });

  /** Sends `body` to `issuer` signed by `key` as `department`; `sign` may differ from what is sent, to tamper. */
  async function send(
    options: {
      key?: string;
      department?: string;
      timestamp?: number;
      nonce?: string;
      body?: unknown;
      signed?: unknown;
      issuer?: string;
    } = {},
  ) {
    const issuer = options.issuer ?? "psb";
    const body = options.body ?? query();
    const headers = await peerQueryHeaders(chain, `${gw.base(issuer)}/federation/records/query`, body, options);
    return {
      headers,
      send: () => call("POST", `${gw.base(issuer)}/federation/records/query`, undefined, body, headers),
    };
  }
  const ask = async (options: Parameters<typeof send>[0] = {}) => (await send(options)).send();
  const operator = async () => {
    const [signer] = await chain.connection.ethers.getSigners();
    return connectRegistries(chain.deployment, signer as Signer);
  };

  beforeAll(async () => {
    chain = await seededChain();
    gw = await startGateway(chain, ["psb", "health", "market-regulation", "tobacco", "tax"]);
    ref = subjectRef(chain.districtSecret, "resident-id", person.idNumber);
    await issue(gw, "resident-id-card", person);
    await issue(gw, "health-certificate", person);
    await anchorAll(gw, ["psb", "health"]);
  });
  afterAll(async () => {
    await gw?.close();
    chain?.cleanup();
  });

  it("discloses to a department granted it for the purpose the fields its matters name, no other, and logs them", async () => {
    const response = await ask();
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    expect(response.body).toMatchObject({ found: true, granted: true, issuer: "psb" });
    expect(response.body.record).toBeUndefined();
    const { disclosure } = response.body;
    expect(disclosure).toMatchObject({ recordHash: response.body.recordHash, envelope: { subjectRef: ref } });
    // Market regulation's matters in the scenario name issuingAuthority, validFrom and validUntil of the ID card; the
    // sample record has no validUntil, and its name, sex, ethnicity, birth date and address are withheld.
    const sample = FIELDS["resident-id-card"] as Record<string, unknown>;
    expect(Object.keys(disclosure.fields)).toEqual(["issuingAuthority", "validFrom"]);
    expect(disclosure.fields.issuingAuthority.value).toBe(sample.issuingAuthority);
    for (const withheld of ["name", "birthDate", "address"]) {
      expect(JSON.stringify(response.body)).not.toContain(String(sample[withheld]));
    }
    expect(response.body.anchor.txHash).toMatch(/^0x/);
    const [entry] = await runtime(gw, "psb").accessLog.entries(1, 1);
    expect(entry).toMatchObject({
      seq: 1,
      consumer: "market-regulation",
      subjectRef: ref,
      credentialType: "resident-id-card",
      purpose: "open-convenience-store",
      applicationId: applicationIdFor("app-fed-1"),
      outcome: "shared",
      recordHash: response.body.recordHash,
      fields: ["issuingAuthority", "validFrom"],
    });
  });

  it("discloses only the granted fields asked for, and refuses one no matter of the consumer needs, logging it denied", async () => {
    const some = await ask({ body: query({ fields: ["validFrom"] }) });
    expect(some.status, JSON.stringify(some.body)).toBe(200);
    expect(Object.keys(some.body.disclosure.fields)).toEqual(["validFrom"]);
    const beyond = await ask({ body: query({ fields: ["validFrom", "birthDate"] }) });
    expectProblem(beyond, "FIELDS_NOT_GRANTED", "fields.1");
    const entries = await runtime(gw, "psb").accessLog.entries(1, 100);
    expect(entries.slice(-2)).toMatchObject([
      { outcome: "shared", fields: ["validFrom"] },
      { outcome: "denied", consumer: "market-regulation", credentialType: "resident-id-card" },
    ]);
    expect(entries.at(-1)).not.toHaveProperty("fields");
    // Asking for only evidence, or without a grant, does not make a probe for fields beyond the matters unlogged.
    const evidence = await ask({ body: query({ evidenceOnly: true, fields: ["birthDate"] }) });
    expectProblem(evidence, "FIELDS_NOT_GRANTED", "fields.0");
    const ungranted = await ask({
      issuer: "health",
      department: "tobacco",
      body: query({ credentialType: "health-certificate", fields: ["conclusion"] }),
    });
    expectProblem(ungranted, "FIELDS_NOT_GRANTED", "fields.0");
    expect((await runtime(gw, "psb").accessLog.entries(1, 100)).at(-1)).toMatchObject({ outcome: "denied" });
    expect((await runtime(gw, "health").accessLog.entries(1, 100)).at(-1)).toMatchObject({
      outcome: "denied",
      consumer: "tobacco",
    });
  });

  it("gives existence evidence but no record to a department without a grant, and logs it as evidence-only", async () => {
    const body = query({ credentialType: "health-certificate" });
    const response = await ask({ issuer: "health", department: "tobacco", body });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ found: true, granted: false, issuer: "health" });
    expect(response.body.record).toBeUndefined();
    expect(response.body.leaf.subjectRef).toBe(ref);
    const entries = await runtime(gw, "health").accessLog.entries(1, 10);
    expect(entries.at(-1)).toMatchObject({ consumer: "tobacco", outcome: "evidence-only" });
  });

  it("answers not found for a subject it holds nothing about, and logs that too", async () => {
    const other = subjectRef(chain.districtSecret, "resident-id", applicant(12).idNumber);
    const response = await ask({ body: query({ subjectRef: other }) });
    expect(response.body).toEqual({ found: false, reason: "not-found" });
    const entries = await runtime(gw, "psb").accessLog.entriesAbout(other as `0x${string}`, 1, 10);
    expect(entries).toMatchObject([{ outcome: "not-found", consumer: "market-regulation" }]);
  });

  it("refuses a type the purpose does not ask for with PURPOSE_NOT_COVERED, and logs the access as denied", async () => {
    const response = await ask({ body: query({ credentialType: "household-registration" }) });
    expectProblem(response, "PURPOSE_NOT_COVERED", "purpose");
    const entries = await runtime(gw, "psb").accessLog.entries(1, 100);
    expect(entries.at(-1)).toMatchObject({ credentialType: "household-registration", outcome: "denied" });
  });

  it("refuses an unsigned request with FEDERATION_SIGNATURE_INVALID", async () => {
    expectProblem(await call("POST", `${gw.url}${PATH}`, undefined, query()), "FEDERATION_SIGNATURE_INVALID");
  });

  it("refuses a request whose body is not the one signed", async () => {
    const response = await ask({ body: query({ applicationId: applicationIdFor("app-other") }), signed: query() });
    expectProblem(response, "FEDERATION_SIGNATURE_INVALID");
  });

  it("refuses a request signed by a key the chain does not list, or by another department's signer", async () => {
    expectProblem(await ask({ key: Wallet.createRandom().privateKey }), "FEDERATION_SIGNATURE_INVALID");
    const response = await ask({ key: chain.signerKeys.tobacco, department: "market-regulation" });
    expectProblem(response, "FEDERATION_SIGNATURE_INVALID");
    expect(response.body.detail).toContain("does not sign for market-regulation");
  });

  it("refuses a request signed more than a minute ago with FEDERATION_REQUEST_EXPIRED", async () => {
    expectProblem(await ask({ timestamp: Date.now() - 120_000 }), "FEDERATION_REQUEST_EXPIRED");
    expectProblem(await ask({ timestamp: Date.now() + 120_000 }), "FEDERATION_REQUEST_EXPIRED");
  });

  it("refuses the same signed request sent twice with FEDERATION_REPLAYED", async () => {
    const request = await send({ body: query({ applicationId: applicationIdFor("app-replay") }) });
    expect((await request.send()).status).toBe(200);
    expectProblem(await request.send(), "FEDERATION_REPLAYED");
  });

  it("answers one of two copies of a signed request sent at the same time, and refuses the other as replayed", async () => {
    const request = await send({ body: query({ applicationId: applicationIdFor("app-twice") }) });
    const answers = await Promise.all([request.send(), request.send()]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 401]);
    expectProblem(answers.find((a) => a.status === 401) ?? answers[0], "FEDERATION_REPLAYED");
  });

  it("refuses a request signed with a nonce already used, even over another body", async () => {
    const nonce = newNonce();
    expect((await ask({ nonce, body: query({ applicationId: applicationIdFor("app-nonce-1") }) })).status).toBe(200);
    const reused = await ask({ nonce, body: query({ applicationId: applicationIdFor("app-nonce-2") }) });
    expectProblem(reused, "FEDERATION_REPLAYED");
  });

  it("refuses a request without a nonce, or with a malformed one, before it reads the body", async () => {
    const { headers } = await send();
    for (const nonce of ["", ';nonce="not hex"', `;nonce="${"ab".repeat(17)}"`]) {
      const input = headers["signature-input"]?.replace(/;nonce="[0-9a-f]+"/, nonce) ?? "";
      const sent = { ...headers, "signature-input": input };
      const response = await call("POST", `${gw.base("psb")}/federation/records/query`, undefined, "{not json", {
        ...sent,
        "content-type": "application/json",
      });
      expectProblem(response, "FEDERATION_SIGNATURE_INVALID");
    }
  });

  it("refuses a suspended department with DEPARTMENT_SUSPENDED and logs the attempt as denied", async () => {
    const registries = await operator();
    const taxId = gw.gateway.services.catalogue.departmentIds.get("tax") ?? 0;
    await (await registries.departments.suspendDepartment(taxId)).wait();
    // A suspension counts from the issuer's first index sync that sees its block (chain/blockCachedReads.ts).
    await gw.gateway.services.index.syncNow();
    try {
      const body = query({ purpose: "open-convenience-store", applicationId: applicationIdFor("app-tax") });
      expectProblem(await ask({ department: "tax", body }), "DEPARTMENT_SUSPENDED");
      const entries = await runtime(gw, "psb").accessLog.entries(1, 100);
      expect(entries.at(-1)).toMatchObject({
        consumer: "tax",
        applicationId: applicationIdFor("app-tax"),
        outcome: "denied",
      });
    } finally {
      await (await registries.departments.reinstateDepartment(taxId)).wait();
      await gw.gateway.services.index.syncNow();
    }
  });

  it("answers a granted request from a department again once it is reinstated", async () => {
    const response = await ask({ department: "tax", body: query({ applicationId: applicationIdFor("app-tax-2") }) });
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    expect(response.body.granted).toBe(true);
  });

  it("keeps no ID number or record content in any access-log entry", async () => {
    const entries = await runtime(gw, "psb").accessLog.entries(1, 100);
    // The forged, stale and replayed requests above are entries too, refused.
    expect(new Set(entries.map((e) => e.outcome))).toEqual(new Set(["shared", "not-found", "denied", "refused"]));
    const text = JSON.stringify(entries);
    expect(text).not.toContain(person.idNumber);
    expect(text).not.toContain(String(FIELDS["resident-id-card"]?.name));
  });

  it("stops sharing under a grant revoked on chain from the issuer's first index sync after it, and again once granted", async () => {
    const registries = await operator();
    const ids = gw.gateway.services.catalogue.departmentIds;
    const [psb, market] = [ids.get("psb") ?? 0, ids.get("market-regulation") ?? 0];
    const grantArgs = [psb, market, codeKey("resident-id-card"), codeKey("open-convenience-store")] as const;
    const grantId = await registries.grants.grantIdOf(...grantArgs);
    const before = (await registries.grants.grantOf(grantId)).validUntil;
    const shared = await ask({ body: query({ applicationId: applicationIdFor("app-grant-1") }) });
    expect(shared.body.granted).toBe(true);
    await (await registries.grants.revokeGrant(grantId)).wait();
    await gw.gateway.services.index.syncNow();
    try {
      const revoked = await ask({ body: query({ applicationId: applicationIdFor("app-grant-2") }) });
      expect(revoked.status, JSON.stringify(revoked.body)).toBe(200);
      expect(revoked.body).toMatchObject({ found: true, granted: false });
      expect(revoked.body.record).toBeUndefined();
    } finally {
      await (await registries.grants.grant(...grantArgs, before)).wait();
      await gw.gateway.services.index.syncNow();
    }
    const again = await ask({ body: query({ applicationId: applicationIdFor("app-grant-3") }) });
    expect(again.body.granted).toBe(true);
  });
});

describe("federation replays across a restart of the issuing gateway", () => {
  it("refuses a signed request replayed after the issuer restarts, from the nonces kept in its database", async () => {
    const chain = await seededChain();
    const person = applicant(13);
    const options = { dataSubdir: "replayed-issuer" };
    let issuer = await startGateway(chain, ["psb"], options);
    try {
      await issue(issuer, "resident-id-card", person);
      await anchorAll(issuer, ["psb"]);
      const body = {
        subjectRef: subjectRef(chain.districtSecret, "resident-id", person.idNumber),
        credentialType: "resident-id-card",
        purpose: "open-convenience-store",
        applicationId: applicationIdFor("replayed after a restart"),
      };
      const url = () => `${issuer.base("psb")}/federation/records/query`;
      const headers = await peerQueryHeaders(chain, url(), body);
      const first = await call("POST", url(), undefined, body, headers);
      expect(first.status, JSON.stringify(first.body)).toBe(200);
      expect(first.body.disclosure).toBeDefined();
      await issuer.close();
      // The same address: the signature covers the target URI, so a request sent elsewhere is not this one.
      issuer = await startGateway(chain, ["psb"], { ...options, port: Number(new URL(issuer.url).port) });
      const replayed = await call("POST", url(), undefined, body, headers);
      expectProblem(replayed, "FEDERATION_REPLAYED");
      expect(replayed.body.record).toBeUndefined();
    } finally {
      await issuer.close();
      chain.cleanup();
    }
  });
});

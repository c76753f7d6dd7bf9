import { setTimeout as sleep } from "node:timers/promises";
import { gzipSync } from "node:zlib";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ApiKeyFile, KEY_FILE_RECHECK_MS } from "../../services/gateway/src/auth/apiKeys.ts";
import { call, type RunningGateway, type SeededChain, seededChain, startGateway } from "./gatewayFixture.ts";
import {
  anchorQueued,
  creditCode,
  expectProblem,
  idCardRequest,
  licenceRequest,
  PERSON,
  residentId,
  runtimeOf,
  storeCounts,
  unissuedRecord,
} from "./support.ts";

type Issued = { recordHash: string; record: Record<string, unknown> };

let chain: SeededChain;
let gw: RunningGateway;
const keys = { psb: "", market: "", consumer: "", goodIssuer: "" };
/** psb records in known states, set up once: bad requests must leave them as they are. */
const records = {} as Record<
  "live" | "revoked" | "otherSubject" | "replaced" | "replacement" | "sameSubject" | "queued",
  Issued
>;
let countsBefore: Awaited<ReturnType<typeof storeCounts>>[];

const psb = (path: string) => `${gw.base("psb")}${path}`;
const issueAtPsb = (body: unknown, headers: Record<string, string> = {}) =>
  call("POST", psb("/records"), keys.psb, body, headers);
const counts = () => Promise.all(["psb", "market-regulation"].map((code) => storeCounts(runtimeOf(gw, code).store)));

/** POSTs a raw body exactly as given, with the headers given. */
async function rawPost(url: string, body: string | Uint8Array, headers: Record<string, string>) {
  const response = await fetch(url, {
    method: "POST",
    headers: { authorization: `Bearer ${keys.psb}`, ...headers },
    body,
  });
  return { status: response.status, body: await response.json(), headers: response.headers };
}

beforeAll(async () => {
  chain = await seededChain();
  gw = await startGateway(chain, ["psb", "market-regulation"], {
    bodyLimitBytes: 2048,
    anchoring: { batchSize: 1000, maxWaitMs: 3_600_000, pollMs: 20 },
  });
  keys.psb = gw.key("psb", "issuer");
  keys.goodIssuer = gw.key("psb", "issuer");
  keys.market = gw.key("market-regulation", "issuer");
  keys.consumer = gw.key("psb", "consumer");
  for (const [name, idNumber] of [
    ["live", residentId(1)],
    ["revoked", residentId(1)],
    ["otherSubject", residentId(2)],
    ["replaced", residentId(4)],
    ["replacement", residentId(4)],
    ["sameSubject", residentId(4)],
  ] as const) {
    records[name] = (await issueAtPsb(idCardRequest(idNumber))).body;
  }
  await anchorQueued(gw, "psb");
  const revoked = await call("POST", psb(`/records/${records.revoked.recordHash}/revoke`), keys.psb, { reason: 1 });
  expect(revoked.status).toBe(200);
  const superseded = await call("POST", psb(`/records/${records.replaced.recordHash}/supersede`), keys.psb, {
    newRecordHash: records.replacement.recordHash,
  });
  expect(superseded.status).toBe(200);
  records.queued = (await issueAtPsb(idCardRequest(residentId(1)))).body;
});
afterAll(async () => {
  await gw?.close();
  chain?.cleanup();
});

beforeEach(async () => {
  countsBefore = await counts();
});

afterEach(async () => {
  expect(await counts(), "what the departments hold after the bad request").toEqual(countsBefore);
  const good = await call("POST", psb("/records"), keys.goodIssuer, idCardRequest(residentId(3)));
  expect(good.status, `a good request after the bad one: ${JSON.stringify(good.body)}`).toBe(202);
});

describe("issuing", () => {
  it("answers 404 UNKNOWN_CREDENTIAL_TYPE naming credentialType for a type the catalogue lacks", async () => {
    const response = await issueAtPsb({ ...idCardRequest(), credentialType: "dragon-licence" });
    expectProblem(response, "UNKNOWN_CREDENTIAL_TYPE", "credentialType");
  });

  it("answers 422 SCHEMA_VIOLATION naming fields.birthDate when the birth date is not a date", async () => {
    expectProblem(
      await issueAtPsb(idCardRequest(PERSON.idNumber, { birthDate: "31/12/1949" })),
      "SCHEMA_VIOLATION",
      "fields.birthDate",
    );
  });

  it("answers 422 SCHEMA_VIOLATION naming the missing field", async () => {
    const { fields, ...request } = idCardRequest();
    const { name: _name, ...withoutName } = fields;
    expectProblem(await issueAtPsb({ ...request, fields: withoutName }), "SCHEMA_VIOLATION", "fields.name");
  });

  it("answers 422 SCHEMA_VIOLATION naming a field the schema does not have", async () => {
    expectProblem(
      await issueAtPsb(idCardRequest(PERSON.idNumber, { nickname: "小张" })),
      "SCHEMA_VIOLATION",
      "fields.nickname",
    );
  });

  it("answers 422 SCHEMA_VIOLATION naming a field outside its enumeration", async () => {
    expectProblem(await issueAtPsb(idCardRequest(PERSON.idNumber, { sex: "M" })), "SCHEMA_VIOLATION", "fields.sex");
  });

  it("answers 400 INVALID_SUBJECT_ID naming subject.idNumber for a bad check digit, without echoing the number", async () => {
    const badNumber = `${PERSON.idNumber.slice(0, 17)}5`;
    const response = await issueAtPsb(idCardRequest(badNumber));
    expectProblem(response, "INVALID_SUBJECT_ID", "subject.idNumber");
    expect(response.body.detail).toEqual(expect.any(String));
    expect(JSON.stringify(response.body)).not.toContain(badNumber.slice(0, 17));
  });

  it("answers 400 INVALID_SUBJECT_ID for a credit code with a wrong check character", async () => {
    const good = creditCode(7);
    const bad = `${good.slice(0, 17)}${good.endsWith("0") ? "1" : "0"}`;
    const response = await call("POST", `${gw.base("market-regulation")}/records`, keys.market, licenceRequest(bad));
    expectProblem(response, "INVALID_SUBJECT_ID", "subject.idNumber");
    expect(JSON.stringify(response.body)).not.toContain(bad.slice(0, 17));
  });

  it("answers 400 VALIDATION_FAILED naming subject.idType when an organisation is named as the subject of an ID card", async () => {
    const request = { ...idCardRequest(), subject: { idType: "unified-social-credit-code", idNumber: creditCode(1) } };
    expectProblem(await issueAtPsb(request), "VALIDATION_FAILED", "subject.idType");
  });

  it("answers 400 VALIDATION_FAILED naming body.subject.idType for an identifier type it does not know", async () => {
    const request = { ...idCardRequest(), subject: { idType: "library-card", idNumber: "123" } };
    expectProblem(await issueAtPsb(request), "VALIDATION_FAILED", "subject.idType");
  });

  it("answers 400 VALIDATION_FAILED naming body.subject when the subject is missing", async () => {
    const { subject: _subject, ...request } = idCardRequest();
    expectProblem(await issueAtPsb(request), "VALIDATION_FAILED", "subject");
  });

  it("answers 400 VALIDATION_FAILED naming body.fields when the fields are not an object", async () => {
    expectProblem(await issueAtPsb({ ...idCardRequest(), fields: "张三" }), "VALIDATION_FAILED", "fields");
  });

  it("answers 400 VALIDATION_FAILED naming a member the body does not have", async () => {
    expectProblem(await issueAtPsb({ ...idCardRequest(), colour: "red" }), "VALIDATION_FAILED", "colour");
  });

  it("answers 400 VALIDATION_FAILED naming validUntil when it is before validFrom", async () => {
    const request = { ...idCardRequest(), validFrom: 1_800_000_000, validUntil: 1_700_000_000 };
    expectProblem(await issueAtPsb(request), "VALIDATION_FAILED", "validUntil");
  });

  it("answers 404 RECORD_NOT_FOUND naming supersedes when the superseded record is not held", async () => {
    const request = { ...idCardRequest(), supersedes: `0x${"ab".repeat(32)}` };
    expectProblem(await issueAtPsb(request), "RECORD_NOT_FOUND", "supersedes");
  });

  it("answers 403 NOT_ISSUER naming credentialType when psb issues a business licence", async () => {
    expectProblem(await issueAtPsb(licenceRequest()), "NOT_ISSUER", "credentialType");
  });

  it("answers 401 API_KEY_REVOKED to a revoked key", async () => {
    const token = gw.key("psb", "issuer");
    runtimeOf(gw, "psb").apiKeys.revoke(token.split("_")[2] ?? "");
    expectProblem(await call("POST", psb("/records"), token, idCardRequest()), "API_KEY_REVOKED");
  });

  it("refuses a key revoked in the key file by another process (the CLI) once the gateway looks again", async () => {
    const token = gw.key("psb", "consumer");
    const url = psb("/catalogue/types");
    expect((await call("GET", url, token)).status).toBe(200);
    // What `npm run gateway:keys -- revoke` does: its own ApiKeyFile on the same file.
    const runtime = runtimeOf(gw, "psb");
    new ApiKeyFile(runtime.apiKeys.path, "psb").revoke(token.split("_")[2] ?? "");
    await sleep(KEY_FILE_RECHECK_MS + 50);
    expectProblem(await call("GET", url, token), "API_KEY_REVOKED");
  });
});

describe("values JSON carries but RFC 8785 cannot write", () => {
  /** Arrays nested 300 deep: valid JSON, deeper than the canonical form goes. */
  const deep = JSON.parse(`${"[".repeat(300)}${"]".repeat(300)}`);

  it("answers 400 VALIDATION_FAILED naming record to a presented record nested too deep", async () => {
    const record = unissuedRecord({ deep });
    const response = await call("POST", psb("/verify"), keys.consumer, { record });
    expectProblem(response, "VALIDATION_FAILED", "record");
    expect(response.body.detail).toMatch(/nested deeper than 256 levels/);
  });

  it("answers 400 VALIDATION_FAILED naming body to an issue whose Idempotency-Key body is nested too deep", async () => {
    const request = { ...idCardRequest(), fields: { ...idCardRequest().fields, deep } };
    expectProblem(await issueAtPsb(request, { "idempotency-key": "deep-body" }), "VALIDATION_FAILED", "body");
  });
});

describe("request bodies", () => {
  it("answers 400 MALFORMED_JSON to a body that is not JSON", async () => {
    expectProblem(
      await rawPost(psb("/records"), '{"credentialType": "resident-id-card",', { "content-type": "application/json" }),
      "MALFORMED_JSON",
      "body",
    );
  });

  it("answers 400 MALFORMED_JSON to a body that is a bare JSON string", async () => {
    expectProblem(
      await rawPost(psb("/records"), '"resident-id-card"', { "content-type": "application/json" }),
      "MALFORMED_JSON",
    );
  });

  it("answers 413 PAYLOAD_TOO_LARGE to a body over the configured limit", async () => {
    const request = idCardRequest(PERSON.idNumber, { address: "某".repeat(4096) });
    expectProblem(await issueAtPsb(request), "PAYLOAD_TOO_LARGE");
  });

  it("answers 415 UNSUPPORTED_MEDIA_TYPE to a JSON body sent as text/plain", async () => {
    const response = await rawPost(psb("/records"), JSON.stringify(idCardRequest()), { "content-type": "text/plain" });
    expectProblem(response, "UNSUPPORTED_MEDIA_TYPE", "content-type");
  });

  it("answers 400 VALIDATION_FAILED naming the body when a JSON request carries no body at all", async () => {
    const response = await rawPost(psb("/records"), "", { "content-type": "application/json" });
    expectProblem(response, "VALIDATION_FAILED", "body");
    expect((response.body as { detail?: string }).detail).toBe("body: a JSON body is required");
  });

  it("answers 401 with a WWW-Authenticate challenge and says how to authenticate when no key is sent", async () => {
    const response = await call("POST", psb("/records"), undefined, idCardRequest());
    expectProblem(response, "UNAUTHENTICATED");
    expect(response.headers.get("www-authenticate")).toBe('Bearer realm="oncechain"');
    expect(response.body.detail).toBe("send Authorization: Bearer <API key>");
  });

  it("answers 415 UNSUPPORTED_MEDIA_TYPE to a body without a content type", async () => {
    const response = await rawPost(psb("/records"), new TextEncoder().encode(JSON.stringify(idCardRequest())), {});
    expectProblem(response, "UNSUPPORTED_MEDIA_TYPE");
  });

  it("answers 415 UNSUPPORTED_MEDIA_TYPE to JSON in a charset other than UTF-8", async () => {
    const response = await rawPost(psb("/records"), JSON.stringify(idCardRequest()), {
      "content-type": "application/json; charset=latin1",
    });
    expectProblem(response, "UNSUPPORTED_MEDIA_TYPE");
  });

  it("answers 413 PAYLOAD_TOO_LARGE to a chunked body that grows past the limit", async () => {
    const chunk = new TextEncoder().encode(" ".repeat(1024));
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 4; i++) controller.enqueue(chunk);
        controller.close();
      },
    });
    const response = await fetch(psb("/records"), {
      method: "POST",
      headers: { authorization: `Bearer ${keys.psb}`, "content-type": "application/json" },
      body: stream,
      duplex: "half",
    } as RequestInit);
    expectProblem(
      { status: response.status, headers: response.headers, body: await response.json() },
      "PAYLOAD_TOO_LARGE",
    );
  });

  it("answers 400 VALIDATION_FAILED naming the body to a chunked body with nothing in it", async () => {
    const response = await fetch(psb("/records"), {
      method: "POST",
      headers: { authorization: `Bearer ${keys.psb}`, "content-type": "application/json" },
      body: new ReadableStream({ start: (controller) => controller.close() }),
      duplex: "half",
    } as RequestInit);
    expectProblem(
      { status: response.status, headers: response.headers, body: await response.json() },
      "VALIDATION_FAILED",
      "body",
    );
  });

  it("answers 400 VALIDATION_FAILED naming a member written twice, which JSON.parse would keep the last of", async () => {
    const request = JSON.stringify(idCardRequest(residentId(1)));
    const twice = `{"credentialType":"business-licence",${request.slice(1)}`;
    expectProblem(
      await rawPost(psb("/records"), twice, { "content-type": "application/json" }),
      "VALIDATION_FAILED",
      "credentialType",
    );
    // In UTF-16, which the general reader takes: the same refusal (read in its charset, not as UTF-8).
    expectProblem(
      await rawPost(psb("/records"), Buffer.from(twice, "utf16le"), {
        "content-type": "application/json; charset=utf-16le",
      }),
      "VALIDATION_FAILED",
      "credentialType",
    );
    // Compressed, the general reader takes it: the same refusal.
    expectProblem(
      await rawPost(psb("/records"), gzipSync(twice), {
        "content-type": "application/json",
        "content-encoding": "gzip",
      }),
      "VALIDATION_FAILED",
      "credentialType",
    );
  });

  it("answers 400 VALIDATION_FAILED naming a member called __proto__, which the schemas would drop without a word", async () => {
    const record = { ...unissuedRecord(), fields: JSON.parse('{"name":"张三","__proto__":{"x":1}}') };
    const text = JSON.stringify({ record });
    expect(text).toContain("__proto__");
    expectProblem(
      await rawPost(psb("/verify"), text, { "content-type": "application/json" }),
      "VALIDATION_FAILED",
      "record.fields.__proto__",
    );
    const request = { ...idCardRequest(residentId(3)), fields: JSON.parse('{"__proto__":{"name":"x"}}') };
    expectProblem(
      await rawPost(psb("/records"), gzipSync(JSON.stringify(request)), {
        "content-type": "application/json",
        "content-encoding": "gzip",
      }),
      "VALIDATION_FAILED",
      "fields.__proto__",
    );
  });

  it("answers 400 VALIDATION_FAILED naming the field of an integer beyond 2^53, which JSON.parse would round", async () => {
    // 9007199254740993 is read as 9007199254740992: a record of another capital than the one sent.
    const request = JSON.stringify(licenceRequest(creditCode(3))).replace(
      '"fields":{',
      '"fields":{"registeredCapitalTenThousandYuan":9007199254740993,',
    );
    const marketPost = (body: string, headers: Record<string, string>) =>
      rawPost(`${gw.base("market-regulation")}/records`, body, { ...headers, authorization: `Bearer ${keys.market}` });
    const refused = await marketPost(request, { "content-type": "application/json" });
    expectProblem(refused, "VALIDATION_FAILED", "fields.registeredCapitalTenThousandYuan");
    expect((refused.body as { detail: string }).detail).toContain("2^53");
    // Through the general reader (compressed), a magnitude read as Infinity, in an array: the same refusal.
    expectProblem(
      await rawPost(psb("/verify"), gzipSync('{"recordHash":"0x00","proof":[1e400]}'), {
        "content-type": "application/json",
        "content-encoding": "gzip",
      }),
      "VALIDATION_FAILED",
      "proof.0",
    );
    // Held exactly, 2^53 − 1 passes the reader and goes on to the schema, which here finds a missing field instead.
    const { name: _, ...withoutName } = licenceRequest(creditCode(3)).fields;
    const held = {
      ...licenceRequest(creditCode(3)),
      fields: { ...withoutName, registeredCapitalTenThousandYuan: 9007199254740991 },
    };
    expectProblem(
      await marketPost(JSON.stringify(held), { "content-type": "application/json" }),
      "SCHEMA_VIOLATION",
      "fields.name",
    );
  });

  it("answers 400 MALFORMED_JSON to a body whose bytes are not UTF-8, instead of reading them as U+FFFD", async () => {
    const text = JSON.stringify(idCardRequest(residentId(4), { name: "NAME" }));
    const [before, after] = text.split("NAME") as [string, string];
    const bytes = Buffer.concat([Buffer.from(before), Buffer.from([0xff, 0xfe, 0xc0, 0xaf]), Buffer.from(after)]);
    expectProblem(
      await rawPost(psb("/records"), bytes, { "content-type": "application/json" }),
      "MALFORMED_JSON",
      "body",
    );
    expectProblem(
      await rawPost(psb("/records"), gzipSync(bytes), {
        "content-type": "application/json",
        "content-encoding": "gzip",
      }),
      "MALFORMED_JSON",
      "body",
    );
  });

  it("answers 400 VALIDATION_FAILED naming only the body when the member written twice is not shaped like a field", async () => {
    const number = residentId(2);
    const body = `{"credentialType":"resident-id-card","fields":{"${number}":1,"${number}":2}}`;
    const response = await rawPost(psb("/records"), body, { "content-type": "application/json" });
    expectProblem(response, "VALIDATION_FAILED", "body");
    expect(JSON.stringify(response.body)).not.toContain(number);
  });

  it("answers 400 MALFORMED_JSON to a gzip-encoded body that does not inflate", async () => {
    const response = await rawPost(psb("/records"), "not gzip at all", {
      "content-type": "application/json",
      "content-encoding": "gzip",
    });
    expectProblem(response, "MALFORMED_JSON");
  });
});

describe("records", () => {
  it("answers 400 VALIDATION_FAILED naming recordHash for a hash that is not 32 bytes of hex", async () => {
    expectProblem(await call("GET", psb("/records/0x1234"), keys.psb), "VALIDATION_FAILED", "recordHash");
  });

  it("answers 404 RECORD_NOT_FOUND for a record the department does not hold", async () => {
    expectProblem(await call("GET", psb(`/records/0x${"cd".repeat(32)}`), keys.psb), "RECORD_NOT_FOUND", "recordHash");
  });

  it("answers 400 VALIDATION_FAILED naming body.reason for a revocation reason out of range", async () => {
    const url = psb(`/records/${records.live.recordHash}/revoke`);
    expectProblem(await call("POST", url, keys.psb, { reason: 0 }), "VALIDATION_FAILED", "reason");
    expectProblem(await call("POST", url, keys.psb, { reason: "fraud" }), "VALIDATION_FAILED", "reason");
  });

  it("answers 409 RECORD_NOT_ANCHORED to revoking a record still queued", async () => {
    const url = psb(`/records/${records.queued.recordHash}/revoke`);
    expectProblem(await call("POST", url, keys.psb, { reason: 1 }), "RECORD_NOT_ANCHORED", "recordHash");
  });

  it("answers 409 RECORD_ALREADY_REVOKED to revoking a revoked record", async () => {
    const url = psb(`/records/${records.revoked.recordHash}/revoke`);
    expectProblem(await call("POST", url, keys.psb, { reason: 1 }), "RECORD_ALREADY_REVOKED", "recordHash");
  });

  it("answers 409 RECORD_ALREADY_REVOKED to superseding a revoked record", async () => {
    const url = psb(`/records/${records.revoked.recordHash}/supersede`);
    const response = await call("POST", url, keys.psb, { newRecordHash: records.live.recordHash });
    expectProblem(response, "RECORD_ALREADY_REVOKED", "recordHash");
  });

  it("answers 409 RECORD_ALREADY_REVOKED naming newRecordHash to superseding a record by a revoked one", async () => {
    const url = psb(`/records/${records.live.recordHash}/supersede`);
    const response = await call("POST", url, keys.psb, { newRecordHash: records.revoked.recordHash });
    expectProblem(response, "RECORD_ALREADY_REVOKED", "newRecordHash");
  });

  it("answers 400 VALIDATION_FAILED naming newRecordHash to superseding a record by itself", async () => {
    const url = psb(`/records/${records.live.recordHash}/supersede`);
    const response = await call("POST", url, keys.psb, { newRecordHash: records.live.recordHash });
    expectProblem(response, "VALIDATION_FAILED", "newRecordHash");
  });

  it("answers 400 VALIDATION_FAILED naming newRecordHash to superseding by a record about another subject", async () => {
    const url = psb(`/records/${records.live.recordHash}/supersede`);
    const response = await call("POST", url, keys.psb, { newRecordHash: records.otherSubject.recordHash });
    expectProblem(response, "VALIDATION_FAILED", "newRecordHash");
  });

  it("answers 409 RECORD_ALREADY_SUPERSEDED naming newRecordHash to superseding by a superseded record", async () => {
    const url = psb(`/records/${records.sameSubject.recordHash}/supersede`);
    const response = await call("POST", url, keys.psb, { newRecordHash: records.replaced.recordHash });
    expectProblem(response, "RECORD_ALREADY_SUPERSEDED", "newRecordHash");
  });

  it("answers 400 VALIDATION_FAILED naming newRecordHash to superseding by a record that already replaces another", async () => {
    const url = psb(`/records/${records.sameSubject.recordHash}/supersede`);
    const response = await call("POST", url, keys.psb, { newRecordHash: records.replacement.recordHash });
    expectProblem(response, "VALIDATION_FAILED", "newRecordHash");
  });

  it("answers 409 RECORD_NOT_ANCHORED naming newRecordHash to superseding by a record still queued", async () => {
    const url = psb(`/records/${records.live.recordHash}/supersede`);
    const response = await call("POST", url, keys.psb, { newRecordHash: records.queued.recordHash });
    expectProblem(response, "RECORD_NOT_ANCHORED", "newRecordHash");
  });
});

describe("verification", () => {
  const verify = (body: unknown, query = "") => call("POST", psb(`/verify${query}`), keys.consumer, body);

  it("answers 422 RECORD_TAMPERED naming record when the record does not hash to the presented hash", async () => {
    const tampered = { ...records.live.record, fields: { ...(records.live.record.fields as object), name: "李四" } };
    const response = await verify({ record: tampered, recordHash: records.live.recordHash });
    expectProblem(response, "RECORD_TAMPERED", "record");
  });

  it("answers 400 VALIDATION_FAILED naming body.record when neither a record nor a hash is presented", async () => {
    expectProblem(await verify({}), "VALIDATION_FAILED", "record");
  });

  it("answers 400 VALIDATION_FAILED naming the member a presented record lacks", async () => {
    const { salt: _salt, ...unsalted } = records.live.record;
    expectProblem(await verify({ record: unsalted }), "VALIDATION_FAILED", "record.salt");
  });

  it("answers 400 VALIDATION_FAILED naming the proof step that is not a hash", async () => {
    const body = { record: records.live.record, anchor: { batchRoot: records.live.recordHash, proof: ["0xzz"] } };
    expectProblem(await verify(body), "VALIDATION_FAILED", "anchor.proof.0");
  });

  it("answers 400 VALIDATION_FAILED naming issuerId for an issuer id the chain's uint32 cannot hold, fresh or not", async () => {
    for (const query of ["", "?fresh=true"]) {
      for (const issuerId of [2 ** 32, 2 ** 53 - 1]) {
        expectProblem(
          await verify({ recordHash: records.live.recordHash, issuerId }, query),
          "VALIDATION_FAILED",
          "issuerId",
        );
      }
    }
    const atTheBound = await verify({ recordHash: records.live.recordHash, issuerId: 2 ** 32 - 1 }, "?fresh=true");
    expect(atTheBound.body).toMatchObject({ status: "unknown", source: "chain" });
  });

  it("answers 400 VALIDATION_FAILED naming the member of a presented record beyond its on-chain type", async () => {
    for (const [member, value] of [
      ["issuerId", 2 ** 32],
      ["typeId", 2 ** 32],
      ["typeVersion", 2 ** 16],
    ] as const) {
      const record = { ...records.live.record, [member]: value };
      expectProblem(await verify({ record }, "?fresh=true"), "VALIDATION_FAILED", `record.${member}`);
    }
  });

  it("answers 400 VALIDATION_FAILED naming query.fresh for a value other than true or false", async () => {
    expectProblem(await verify({ record: records.live.record }, "?fresh=yes"), "VALIDATION_FAILED", "query.fresh");
  });
});

describe("routing", () => {
  it("answers 404 UNKNOWN_DEPARTMENT naming department for a department not hosted here", async () => {
    const response = await call("GET", `${gw.url}/departments/dragon-bureau/catalogue/types`, keys.psb);
    expectProblem(response, "UNKNOWN_DEPARTMENT", "department");
  });

  it("answers 404 UNKNOWN_SCENARIO for a scenario the catalogue lacks", async () => {
    expectProblem(await call("GET", psb("/catalogue/scenarios/no-such-scenario"), keys.consumer), "UNKNOWN_SCENARIO");
  });

  it("answers 404 UNKNOWN_CREDENTIAL_TYPE for a credential type the catalogue lacks", async () => {
    expectProblem(await call("GET", psb("/catalogue/types/no-such-type"), keys.consumer), "UNKNOWN_CREDENTIAL_TYPE");
  });

  it("answers 404 NOT_FOUND for a path no route serves", async () => {
    expectProblem(await call("GET", psb("/no-such-thing"), keys.consumer), "NOT_FOUND");
  });
});

describe("afterwards", () => {
  it("answered none of the requests above with a 500", async () => {
    const metrics = await (await fetch(`${gw.url}/metrics`)).text();
    expect(metrics).toContain('status="400"');
    expect(metrics).not.toMatch(/status="5\d\d"/);
  });
});

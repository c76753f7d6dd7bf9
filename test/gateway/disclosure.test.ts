// Disclosures of some fields of a record (SPEC §3.4): made by the issuer, checked here with OpenZeppelin's own tree and
// an independent canonical JSON, verified by the gateway against the chain, and refused, naming the field, when edited.
import { createHash } from "node:crypto";
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import canonicalize from "canonicalize";
import jsQRModule from "jsqr";
import { PNG } from "pngjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { disclosureCodePng, disclosureCodeText } from "../../lib/records/disclosureCode.ts";
import { accessLogEntries } from "../../services/gateway/src/audit/accessLog.ts";
import { call, type RunningGateway, type SeededChain, seededChain, startGateway } from "./gatewayFixture.ts";
import { anchorQueued, expectProblem, idCardRequest, PERSON, rawEntries, residentId, runtimeOf } from "./support.ts";

interface Field {
  value: unknown;
  salt: string;
  proof: string[];
}
interface Disclosure {
  format: string;
  recordHash: string;
  envelope: Record<string, unknown> & { fieldsRoot: string };
  fields: Record<string, Field>;
  anchor?: { batchRoot: string; proof: string[] };
}

const jsQR = jsQRModule as unknown as typeof jsQRModule.default;

const sha256 = (value: unknown) =>
  `0x${createHash("sha256")
    .update(canonicalize(value) ?? "")
    .digest("hex")}`;

describe("disclosures of some fields of a record", () => {
  let chain: SeededChain;
  let gw: RunningGateway;
  let issuer: string;
  let consumer: string;
  const hashes: string[] = [];
  beforeAll(async () => {
    chain = await seededChain();
    gw = await startGateway(chain, ["psb"], { anchoring: { batchSize: 4, maxWaitMs: 3_600_000, pollMs: 10 } });
    issuer = gw.key("psb", "issuer");
    consumer = gw.key("psb", "consumer");
    for (const n of [41, 42, 43, 44]) {
      const issued = await call("POST", `${gw.base("psb")}/records`, issuer, idCardRequest(residentId(n)));
      expect(issued.status, JSON.stringify(issued.body)).toBe(202);
      hashes.push(issued.body.recordHash);
    }
    await anchorQueued(gw, "psb");
  });
  afterAll(async () => {
    await gw?.close();
    chain?.cleanup();
  });

  const disclose = (recordHash: string, fields: string) =>
    call("GET", `${gw.base("psb")}/records/${recordHash}/disclosure?fields=${encodeURIComponent(fields)}`, issuer);
  const verify = (body: unknown, fresh = false) =>
    call("POST", `${gw.base("psb")}/verify${fresh ? "?fresh=true" : ""}`, consumer, body);
  async function disclosed(recordHash: string, fields: string): Promise<Disclosure> {
    const response = await disclose(recordHash, fields);
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    return response.body as Disclosure;
  }

  it("gives the named fields with salts and proofs that OpenZeppelin's tree verifies, and none of the others", async () => {
    const d = await disclosed(hashes[0] ?? "", "name,issuingAuthority");
    expect(d.format).toBe("oncechain-disclosure/1");
    expect(Object.keys(d.fields)).toEqual(["name", "issuingAuthority"]);
    expect(d.fields.name?.value).toBe(PERSON.name);
    // SPEC §3.2 and §3.4, with libraries of their own: the envelope hashes to the record hash, each field is a leaf.
    expect(sha256(d.envelope)).toBe(d.recordHash);
    expect(d.recordHash).toBe(hashes[0]);
    for (const [name, field] of Object.entries(d.fields)) {
      const leaf = [name, field.salt, sha256(field.value)];
      expect(
        StandardMerkleTree.verify(d.envelope.fieldsRoot, ["string", "bytes32", "bytes32"], leaf, field.proof),
      ).toBe(true);
    }
    expect(d.anchor?.proof).toHaveLength(2);
    const text = JSON.stringify(d);
    for (const withheld of [PERSON.address, "1949-12-31", "汉", "2020-01-01", residentId(41)]) {
      expect(text).not.toContain(withheld);
    }
    expect(Object.keys(d.envelope).sort()).toEqual(
      [
        "credentialType",
        "fieldsRoot",
        "format",
        "issuedAt",
        "issuer",
        "issuerId",
        "subjectRef",
        "typeId",
        "typeVersion",
        "validFrom",
        "validUntil",
      ].sort(),
    );
  });

  it("verifies a disclosure as its record: valid from the index and from the chain, listing the fields it shows", async () => {
    const d = await disclosed(hashes[1] ?? "", "name,sex");
    for (const fresh of [false, true]) {
      const response = await verify({ disclosure: d }, fresh);
      expect(response.status, JSON.stringify(response.body)).toBe(200);
      expect(response.body).toMatchObject({ status: "valid", recordHash: hashes[1], disclosed: ["name", "sex"] });
    }
    // No field at all: a proof that the record exists, with its type, issuer and validity.
    const bare = await disclosed(hashes[1] ?? "", "");
    expect(bare.fields).toEqual({});
    expect((await verify({ disclosure: bare })).body).toMatchObject({ status: "valid", disclosed: [] });
  });

  it("refuses with 422 DISCLOSURE_TAMPERED, naming the field, an edited value, a foreign proof or salt, an invented field", async () => {
    const d = await disclosed(hashes[2] ?? "", "name,address");
    const other = await disclosed(hashes[3] ?? "", "name,address");
    const edited = (change: (copy: Disclosure) => void) => {
      const copy = structuredClone(d);
      change(copy);
      return verify({ disclosure: copy });
    };
    const address = d.fields.address as Field;
    const cases: [ReturnType<typeof verify>, string][] = [
      [
        edited((c) => Object.assign(c.fields.address as Field, { value: "北京市朝阳区另一条街" })),
        "disclosure.fields.address",
      ],
      [
        edited((c) => Object.assign(c.fields.name as Field, { proof: other.fields.name?.proof })),
        "disclosure.fields.name",
      ],
      [edited((c) => Object.assign(c.fields.name as Field, { salt: address.salt })), "disclosure.fields.name"],
      [
        edited((c) => Object.assign(c.fields, { birthDate: { ...address, value: "1990-01-01" } })),
        "disclosure.fields.birthDate",
      ],
      // The other record's field, genuine there, does not belong to this envelope.
      [edited((c) => Object.assign(c.fields, { name: other.fields.name })), "disclosure.fields.name"],
      [edited((c) => Object.assign(c.envelope, { validUntil: 0 })), "disclosure.envelope"],
    ];
    for (const [pending, field] of cases) expectProblem(await pending, "DISCLOSURE_TAMPERED", field);
  });

  it("repeats neither a field name shaped like personal data nor the record hash the disclosure states", async () => {
    const d = await disclosed(hashes[0] ?? "", "name");
    const personal = residentId(77);
    const named = structuredClone(d);
    named.fields[personal] = { value: 1, salt: "bad", proof: [] };
    const badSalt = await verify({ disclosure: named });
    expectProblem(badSalt, "VALIDATION_FAILED", "disclosure.fields");
    expect(JSON.stringify(badSalt.body)).not.toContain(personal);
    const stated = `0x${personal}${"0".repeat(64 - personal.length)}`;
    const wrongHash = await verify({ disclosure: { ...d, recordHash: stated } });
    expectProblem(wrongHash, "DISCLOSURE_TAMPERED", "disclosure.envelope");
    expect(JSON.stringify(wrongHash.body)).not.toContain(personal);
  });

  it("answers 400 naming query.fields for a field the record does not have or one named twice, and writes nothing", async () => {
    const before = (await rawEntries(runtimeOf(gw, "psb").store)).length;
    expectProblem(await disclose(hashes[0] ?? "", "name,nickname"), "VALIDATION_FAILED", "query.fields");
    expectProblem(await disclose(hashes[0] ?? "", "name,name"), "VALIDATION_FAILED", "query.fields");
    expectProblem(await disclose(`0x${"ab".repeat(32)}`, "name"), "RECORD_NOT_FOUND", "recordHash");
    expect((await rawEntries(runtimeOf(gw, "psb").store)).length).toBe(before);
    await disclosed(hashes[0] ?? "", "name");
    expect((await rawEntries(runtimeOf(gw, "psb").store)).length).toBeGreaterThan(before);
  });

  it("verifies the disclosure of a revoked record as revoked", async () => {
    const d = await disclosed(hashes[3] ?? "", "name");
    const revoked = await call("POST", `${gw.base("psb")}/records/${hashes[3]}/revoke`, issuer, { reason: 2 });
    expect(revoked.status, JSON.stringify(revoked.body)).toBe(200);
    await gw.gateway.services.index.syncNow();
    expect((await verify({ disclosure: d })).body.status).toBe("revoked");
    expect((await verify({ disclosure: d }, true)).body.status).toBe("revoked");
  });

  const entries = async () => {
    const all: unknown[] = [];
    for await (const entry of accessLogEntries(runtimeOf(gw, "psb").store).values()) all.push(entry);
    return all;
  };

  it("logs each disclosure as disclosed, naming the fields, with the key that asked", async () => {
    await disclosed(hashes[1] ?? "", "issuingAuthority,name");
    const last = (await entries()).at(-1);
    expect(last).toMatchObject({
      channel: "api",
      outcome: "disclosed",
      consumer: "psb",
      role: "issuer",
      credentialType: "resident-id-card",
      recordHash: hashes[1],
      fields: ["issuingAuthority", "name"],
    });
  });

  describe("a citizen's own disclosure, with a self-service token", () => {
    let token: string;
    const own = (recordHash: string, fields: string, bearer = token) =>
      call(
        "GET",
        `${gw.base("psb")}/self-service/records/${recordHash}/disclosure?fields=${encodeURIComponent(fields)}`,
        bearer,
      );
    beforeAll(async () => {
      const issued = await call("POST", `${gw.base("psb")}/access-log/self-service-tokens`, consumer, {
        subject: idCardRequest(residentId(42)).subject,
      });
      expect(issued.status, JSON.stringify(issued.body)).toBe(201);
      token = issued.body.token;
    });

    it("gives the chosen fields of their own record, its QR code's text and image, which verify as the record", async () => {
      const answer = await own(hashes[1] ?? "", "issuingAuthority,validFrom");
      expect(answer.status, JSON.stringify(answer.body)).toBe(200);
      const { disclosure, code, svg } = answer.body as { disclosure: Disclosure; code: string; svg: string };
      expect(Object.keys(disclosure.fields)).toEqual(["issuingAuthority", "validFrom"]);
      expect(disclosure.recordHash).toBe(hashes[1]);
      for (const withheld of [PERSON.name, PERSON.address, "1949-12-31", residentId(42)]) {
        expect(JSON.stringify(answer.body)).not.toContain(withheld);
      }
      // The code's text is the disclosure (SPEC §3.6), and its image, scanned by a reader of its own, is the text.
      expect(code).toMatch(/^OC1:[0-9A-Z $%*+\-./:]+$/);
      expect(JSON.parse(disclosureCodeText(code))).toEqual(disclosure);
      expect(svg).toMatch(/^<svg [^>]*viewBox="0 0 \d+ \d+"/);
      const image = PNG.sync.read(await disclosureCodePng(code));
      expect(jsQR(new Uint8ClampedArray(image.data), image.width, image.height)?.data).toBe(code);
      const verdict = await verify({ disclosure });
      expect(verdict.status, JSON.stringify(verdict.body)).toBe(200);
      expect(verdict.body).toMatchObject({ status: "valid", disclosed: ["issuingAuthority", "validFrom"] });
      expect((await entries()).at(-1)).toMatchObject({
        outcome: "disclosed",
        role: "citizen",
        keyId: expect.stringMatching(/^self-service:[0-9a-f]{12}$/),
        // The counter's key that gave the token out, which could have asked for the token itself.
        tokenIssuedBy: runtimeOf(gw, "psb").apiKeys.authenticate(consumer).keyId,
        recordHash: hashes[1],
        fields: ["issuingAuthority", "validFrom"],
      });
    });

    it("does not find another subject's record, refuses a field the record lacks, and a missing or unknown token", async () => {
      const before = (await entries()).length;
      expectProblem(await own(hashes[0] ?? "", "issuingAuthority"), "RECORD_NOT_FOUND", "recordHash");
      expectProblem(await own(hashes[1] ?? "", "nickname"), "VALIDATION_FAILED", "query.fields");
      const missing = await own(hashes[1] ?? "", "name", "");
      expect(missing.status).toBe(401);
      const unknown = await own(hashes[1] ?? "", "name", `ocs_${"A".repeat(32)}`);
      expect(unknown.status).toBe(401);
      expect(unknown.body.code).toBe("SELF_SERVICE_TOKEN_INVALID");
      // An API key is no self-service token, whatever its role, not even the counter's that gave one out.
      for (const role of ["issuer", "consumer", "auditor"] as const) {
        expect((await own(hashes[1] ?? "", "name", gw.key("psb", role))).status).toBe(401);
      }
      expect((await entries()).length).toBe(before);
    });
  });
});

// Peer requests as docs/SPEC.md section 9 specifies them: a request signed by hand from the spec alone is answered;
// requests that stray from the profile in one way each are refused before any record is read.
import { createHash } from "node:crypto";
import { request } from "node:http";
import { Wallet } from "ethers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { subjectRef } from "../../lib/encoding/subjectRef.ts";
import { newNonce } from "../../services/gateway/src/federation/signing.ts";
import { call, type RunningGateway, type SeededChain, seededChain, startGateway } from "./gatewayFixture.ts";
import { anchorAll, applicant, applicationIdFor, expectProblem, issue } from "./scenarioSupport.ts";
import { peerQueryHeaders, setEndpointOnChain } from "./support.ts";

/** Section 9.2 and 9.3 of docs/SPEC.md, written from the text: no code of the gateway's is used. */
async function signedBySpec(
  key: string,
  url: string,
  body: string,
  department: string,
  created: number,
  expires = created + 60,
) {
  const digest = `sha-256=:${createHash("sha256").update(body).digest("base64")}:`;
  const params =
    `("@method" "@target-uri" "content-digest" "content-type");created=${created};expires=${expires};` +
    `nonce="${newNonce()}";keyid="${department}";tag="oncechain-peer/1"`;
  const base = [
    `"@method": POST`,
    `"@target-uri": ${url}`,
    `"content-digest": ${digest}`,
    `"content-type": application/json`,
    `"@signature-params": ${params}`,
  ].join("\n");
  const signature = Buffer.from((await new Wallet(key).signMessage(base)).slice(2), "hex").toString("base64");
  return {
    "content-type": "application/json",
    "content-digest": digest,
    "signature-input": `peer=${params}`,
    signature: `peer=:${signature}:`,
  };
}

describe("peer requests signed with RFC 9421 HTTP Message Signatures", () => {
  let chain: SeededChain;
  let gw: RunningGateway;
  let url: string;
  const person = applicant(41);
  let n = 0;
  const body = () =>
    JSON.stringify({
      subjectRef: subjectRef(chain.districtSecret, "resident-id", person.idNumber),
      credentialType: "resident-id-card",
      purpose: "open-convenience-store",
      applicationId: applicationIdFor(`peer-signature-${n++}`),
    });
  const now = () => Math.floor(Date.now() / 1000);
  /** `sent` as market-regulation's gateway would send it, signed from the specification alone. */
  const sendBySpec = async (sent: string) =>
    call(
      "POST",
      url,
      undefined,
      sent,
      await signedBySpec(chain.signerKeys["market-regulation"] ?? "", url, sent, "market-regulation", now()),
    );

  beforeAll(async () => {
    chain = await seededChain();
    gw = await startGateway(chain, ["psb"]);
    url = `${gw.base("psb")}/federation/records/query`;
    await issue(gw, "resident-id-card", person);
    await anchorAll(gw, ["psb"]);
  });
  afterAll(async () => {
    await gw?.close();
    chain?.cleanup();
  });

  it("answers a request signed by hand from the specification alone, with a disclosure of the fields the grant covers", async () => {
    const sent = body();
    const response = await sendBySpec(sent);
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    expect(response.body).toMatchObject({ found: true, granted: true });
    expect(response.body.disclosure.envelope.credentialType).toBe("resident-id-card");
  });

  it("answers a body serialised with other whitespace and member order, as its digest covers the bytes as sent", async () => {
    const { subjectRef: ref, ...rest } = JSON.parse(body());
    const sent = JSON.stringify({ ...rest, subjectRef: ref }, null, 2);
    const response = await sendBySpec(sent);
    expect(response.status, JSON.stringify(response.body)).toBe(200);
  });

  it("refuses a request sent to another target URI than the one signed", async () => {
    const sent = body();
    const elsewhere = url.replace("127.0.0.1", "localhost");
    const headers = await peerQueryHeaders(chain, elsewhere, sent);
    const response = await call("POST", url, undefined, sent, headers);
    expectProblem(response, "FEDERATION_SIGNATURE_INVALID");
  });

  it("refuses an altered body whose Content-Digest was replaced to match it", async () => {
    const signed = body();
    const headers = await peerQueryHeaders(chain, url, signed);
    const altered = signed.replace("open-convenience-store", "open-homestay");
    const digest = `sha-256=:${createHash("sha256").update(altered).digest("base64")}:`;
    const response = await call("POST", url, undefined, altered, { ...headers, "content-digest": digest });
    expectProblem(response, "FEDERATION_SIGNATURE_INVALID");
    expect(response.body.detail).toContain("does not sign for market-regulation");
  });

  it("refuses a signature that does not cover the Content-Digest, before it reads the body", async () => {
    const headers = await peerQueryHeaders(chain, url, body());
    const input = headers["signature-input"]?.replace(' "content-digest"', "") ?? "";
    const response = await call("POST", url, undefined, "{not json", { ...headers, "signature-input": input });
    expectProblem(response, "FEDERATION_SIGNATURE_INVALID");
    expect(response.body.detail).toContain('"content-digest"');
  });

  it("refuses a signature valid for longer than a minute, another tag, or a keyid that is no department code", async () => {
    const sent = body();
    const key = chain.signerKeys["market-regulation"] ?? "";
    const good = await signedBySpec(key, url, sent, "market-regulation", now());
    const variants = [
      good["signature-input"].replace(/expires=(\d+)/, (_, e) => `expires=${Number(e) + 1}`),
      good["signature-input"].replace("oncechain-peer/1", "oncechain-peer/2"),
      good["signature-input"].replace('keyid="market-regulation"', 'keyid="Market Regulation"'),
    ];
    for (const input of variants) {
      const response = await call("POST", url, undefined, sent, { ...good, "signature-input": input });
      expectProblem(response, "FEDERATION_SIGNATURE_INVALID");
    }
  });

  it("refuses a second signature beside the peer one", async () => {
    const sent = body();
    const headers = await peerQueryHeaders(chain, url, sent);
    const response = await call("POST", url, undefined, sent, {
      ...headers,
      "signature-input": `${headers["signature-input"]}, other=("@method");created=${now()}`,
      signature: `${headers.signature}, other=:AAAA:`,
    });
    expectProblem(response, "FEDERATION_SIGNATURE_INVALID");
  });

  it("refuses a request whose expires has passed, though it was created within the minute", async () => {
    const sent = body();
    const key = chain.signerKeys["market-regulation"] ?? "";
    const headers = await signedBySpec(key, url, sent, "market-regulation", now() - 30, now() - 20);
    expectProblem(await call("POST", url, undefined, sent, headers), "FEDERATION_REQUEST_EXPIRED");
  });

  it("refuses a stale request, or one from no registered department, before it reads the body", async () => {
    const key = chain.signerKeys["market-regulation"] ?? "";
    const stale = await signedBySpec(key, url, "{bad", "market-regulation", now() - 120);
    expectProblem(await call("POST", url, undefined, "{bad", stale), "FEDERATION_REQUEST_EXPIRED");
    const nobody = await signedBySpec(key, url, "{bad", "no-such-department", now());
    expectProblem(await call("POST", url, undefined, "{bad", nobody), "FEDERATION_SIGNATURE_INVALID");
  });

  it("refuses a request with a Content-Encoding, whose digest could not be of the bytes as sent", async () => {
    const sent = body();
    const headers = await peerQueryHeaders(chain, url, sent);
    const response = await call("POST", url, undefined, sent, { ...headers, "content-encoding": "gzip" });
    expectProblem(response, "FEDERATION_SIGNATURE_INVALID");
    expect(response.body.detail).toContain("Content-Encoding");
  });

  describe("for a department with an endpoint on chain", () => {
    const PUBLIC = "https://psb.gateway.example/departments/psb";
    beforeAll(() => setEndpointOnChain(chain, gw, "psb", PUBLIC));
    afterAll(() => setEndpointOnChain(chain, gw, "psb", ""));

    it("answers a request signed for that endpoint, as a TLS proxy in front of the gateway passes it on", async () => {
      const sent = body();
      const headers = await peerQueryHeaders(chain, `${PUBLIC}/federation/records/query`, sent);
      const response = await call("POST", url, undefined, sent, { ...headers, "x-forwarded-proto": "https" });
      expect(response.status, JSON.stringify(response.body)).toBe(200);
    });

    it("refuses a request signed for another address, even with the Host it was signed for", async () => {
      const sent = body();
      const headers = await peerQueryHeaders(chain, url, sent);
      expectProblem(await call("POST", url, undefined, sent, headers), "FEDERATION_SIGNATURE_INVALID");
      const other = "http://gw.other.example/departments/psb/federation/records/query";
      const forged = await peerQueryHeaders(chain, other, sent);
      const response = await fetchWithHost(url, "gw.other.example", sent, forged);
      expect(response.status).toBe(401);
    });
  });
});

/** Sends `body` to `url` with a Host header of the caller's choosing (fetch does not let one set it). */
function fetchWithHost(url: string, host: string, body: string, headers: Record<string, string>) {
  const target = new URL(url);
  return new Promise<{ status: number }>((resolve, reject) => {
    const req = request(
      {
        host: target.hostname,
        port: target.port,
        path: target.pathname,
        method: "POST",
        headers: { ...headers, host },
      },
      (res) => {
        res.resume();
        res.on("end", () => resolve({ status: res.statusCode ?? 0 }));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

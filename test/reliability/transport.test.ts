// Issue 13, item 9: gateways served over HTTPS with certificates of a district CA the test makes (openssl), peers
// that check each other's certificates against that CA, and no plain HTTP beside.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { request } from "node:https";
import { tmpdir } from "node:os";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningGateway, type SeededChain, seededChain, startGateway } from "../gateway/gatewayFixture.ts";
import { anchorAll, applicant, FIELDS, ISSUER, shop, statuses } from "../gateway/scenarioSupport.ts";
import { setEndpointOnChain } from "../gateway/support.ts";
import { removeTestDir } from "../support/leftBehind.ts";

interface Pem {
  cert: Buffer;
  key: Buffer;
}

/** A CA, and a certificate for 127.0.0.1 issued by it, made with openssl in `dir`. */
function makeCa(dir: string, name: string): { ca: Buffer; leaf: Pem } {
  const at = (file: string) => `${dir}/${name}-${file}`;
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  const run = (...args: string[]) => execFileSync("openssl", args, { stdio: "pipe" });
  run("req", "-x509", ...ec, "-keyout", at("ca.key"), "-out", at("ca.pem"), "-days", "2", "-subj", `/CN=${name} CA`);
  run("req", ...ec, "-keyout", at("leaf.key"), "-out", at("leaf.csr"), "-subj", "/CN=127.0.0.1");
  writeFileSync(at("ext"), "subjectAltName=IP:127.0.0.1\n");
  run(
    "x509",
    "-req",
    "-in",
    at("leaf.csr"),
    "-CA",
    at("ca.pem"),
    "-CAkey",
    at("ca.key"),
    "-CAcreateserial",
    "-out",
    at("leaf.pem"),
    "-days",
    "2",
    "-extfile",
    at("ext"),
  );
  return {
    ca: readFileSync(at("ca.pem")),
    leaf: { cert: readFileSync(at("leaf.pem")), key: readFileSync(at("leaf.key")) },
  };
}

/** A JSON request over HTTPS, trusting `ca` only. */
function https(
  method: "GET" | "POST",
  url: string,
  ca: Buffer | undefined,
  token?: string,
  body?: unknown,
  // biome-ignore lint/suspicious/noExplicitAny: the test reads whatever JSON the gateway answered.
): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const text = body === undefined ? undefined : JSON.stringify(body);
    const req = request(url, {
      method,
      ...(ca ? { ca } : {}),
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(text ? { "content-type": "application/json", "content-length": String(Buffer.byteLength(text)) } : {}),
      },
    });
    req.once("error", reject);
    req.once("response", (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.once("end", () => {
        const raw = Buffer.concat(chunks).toString("utf8");
        let parsed: unknown = raw;
        try {
          parsed = JSON.parse(raw);
        } catch {
          // not JSON
        }
        resolve({ status: res.statusCode ?? 0, body: parsed });
      });
    });
    req.end(text);
  });
}

describe("gateways over HTTPS with a district CA", () => {
  let chain: SeededChain;
  let window: RunningGateway;
  let issuers: RunningGateway;
  let rogue: RunningGateway;
  let dir = "";
  let district: ReturnType<typeof makeCa>;
  const ISSUERS = ["psb", "housing", "real-estate-registry", "health"];
  const person = applicant(81);

  beforeAll(async () => {
    dir = mkdtempSync(`${tmpdir()}/oncechain-tls-`);
    district = makeCa(dir, "district");
    const other = makeCa(dir, "other");
    chain = await seededChain();
    const tls = { ...district.leaf, ca: district.ca };
    window = await startGateway(chain, ["market-regulation"], { dataSubdir: "window", tls, federationTimeoutMs: 1500 });
    issuers = await startGateway(chain, ISSUERS, { dataSubdir: "issuers", tls });
    // A gateway whose certificate another CA issued: the window must not take its answers.
    rogue = await startGateway(chain, ["psb"], { dataSubdir: "rogue", tls: { ...other.leaf, ca: other.ca } });
    for (const code of ISSUERS) await setEndpointOnChain(chain, [window, issuers], code, issuers.url);
    await setEndpointOnChain(chain, [window, issuers], "market-regulation", window.url);
    for (const type of ["resident-id-card", "real-estate-title", "house-lease-registration", "health-certificate"]) {
      const department = ISSUER[type] ?? "";
      const validFrom = Math.floor(Date.now() / 1000) - 86_400;
      const issued = await https(
        "POST",
        `${issuers.base(department)}/records`,
        district.ca,
        issuers.key(department, "issuer"),
        {
          credentialType: type,
          subject: person,
          fields: FIELDS[type],
          validFrom,
          validUntil: validFrom + 365 * 86_400,
        },
      );
      expect(issued.status, JSON.stringify(issued.body)).toBe(202);
    }
    await anchorAll(issuers, ISSUERS);
  });
  afterAll(async () => {
    await window?.close();
    await issuers?.close();
    await rogue?.close();
    chain?.cleanup();
    if (dir) removeTestDir(dir);
  });

  const apply = (label: number) =>
    https(
      "POST",
      `${window.base("market-regulation")}/applications`,
      district.ca,
      window.key("market-regulation", "consumer"),
      {
        scenario: "open-convenience-store",
        subject: person,
        organisation: shop(label),
      },
    );

  it("serves HTTPS with its certificate, and shares records between gateways over HTTPS checked against the CA", async () => {
    expect(window.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect((await https("GET", `${window.url}/healthz`, district.ca)).status).toBe(200);
    const applied = await apply(81);
    expect(applied.status, JSON.stringify(applied.body)).toBe(201);
    // psb's ID card came from the issuers' gateway, over HTTPS: waived.
    expect(statuses(applied.body)["resident-id-card"]).toBe("waived");
  });

  it("serves no plain HTTP, and a client that does not trust the district CA cannot connect", async () => {
    await expect(fetch(`${window.url.replace("https:", "http:")}/healthz`)).rejects.toThrow();
    await expect(https("GET", `${window.url}/healthz`, undefined)).rejects.toThrow(
      /self-signed|unable to (get|verify)/i,
    );
  });

  it("takes no answer from a peer whose certificate another CA issued: its materials cannot be checked now", async () => {
    await setEndpointOnChain(chain, [window, issuers], "psb", rogue.url);
    try {
      const applied = await apply(82);
      expect(applied.status, JSON.stringify(applied.body)).toBe(201);
      expect(statuses(applied.body)["resident-id-card"]).toBe("unavailable");
    } finally {
      await setEndpointOnChain(chain, [window, issuers], "psb", issuers.url);
    }
  });
});

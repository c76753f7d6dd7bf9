// HTTP itself: the status each malformed or misdirected request gets, before any route runs, always as a problem.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, type RunningGateway, type SeededChain, seededChain, startGateway } from "./gatewayFixture.ts";
import { capturedLogs, expectProblem, idCardRequest, PERSON, rawRequest } from "./support.ts";

let chain: SeededChain;
let gw: RunningGateway;
const keys = { issuer: "", consumer: "" };
const { logger, lines: logLines } = capturedLogs();
const psb = (path: string) => `${gw.base("psb")}${path}`;
/** The request log lines written since `from`, parsed. */
const requestLogs = (from = 0) =>
  logLines
    .slice(from)
    .map((line) => JSON.parse(line))
    .filter((entry) => entry.msg === "request");

beforeAll(async () => {
  chain = await seededChain();
  gw = await startGateway(chain, ["psb"], { bodyLimitBytes: 2048, logger });
  keys.issuer = gw.key("psb", "issuer");
  keys.consumer = gw.key("psb", "consumer");
});
afterAll(async () => {
  await gw?.close();
  chain?.cleanup();
});

describe("paths", () => {
  it("answers 400 MALFORMED_PATH naming the path to a bad percent-escape, on a GET as on a POST", async () => {
    const get = await call("GET", psb("/records/%E0%A4%A"), keys.issuer);
    expectProblem(get, "MALFORMED_PATH", "path");
    const post = await call("POST", psb("/records/%E0%A4%A/revoke"), keys.issuer, { reason: 1 });
    expectProblem(post, "MALFORMED_PATH", "path");
    const unrouted = await call("GET", `${gw.url}/departments/%ZZ/catalogue/types`, keys.issuer);
    expectProblem(unrouted, "MALFORMED_PATH", "path");
  });

  it("answers 405 with an Allow header when the method does not exist on a path", async () => {
    const response = await fetch(psb("/verify"), {
      method: "GET",
      headers: { authorization: `Bearer ${keys.consumer}` },
    });
    expectProblem(
      { status: response.status, headers: response.headers, body: await response.json() },
      "METHOD_NOT_ALLOWED",
    );
    expect(response.headers.get("allow")).toBe("POST");
    const records = await fetch(psb(`/records/0x${"ab".repeat(32)}`), { method: "DELETE" });
    expect(records.status).toBe(405);
    expect(records.headers.get("allow")).toBe("GET, HEAD");
    const both = await fetch(psb("/records"), { method: "PUT" });
    expect(both.status).toBe(405);
    expect(both.headers.get("allow")).toBe("POST");
    const health = await fetch(`${gw.url}/healthz`, { method: "POST" });
    expect(health.status).toBe(405);
    expect(health.headers.get("allow")).toBe("GET, HEAD");
  });

  it("answers 404 NOT_FOUND without echoing the path, and a problem's instance is a request id, not the path", async () => {
    const response = await call("GET", psb(`/people/${PERSON.idNumber}`), keys.consumer);
    expectProblem(response, "NOT_FOUND");
    expect(JSON.stringify(response.body)).not.toContain(PERSON.idNumber.slice(0, 17));
    expect(response.body.instance).toMatch(/^urn:uuid:[0-9a-f-]{36}$/);
    const again = await call("GET", psb(`/records/${PERSON.idNumber}`), keys.issuer);
    expectProblem(again, "VALIDATION_FAILED", "recordHash");
    expect(JSON.stringify(again.body)).not.toContain(PERSON.idNumber.slice(0, 17));
    expect(again.body.instance).toMatch(/^urn:uuid:/);
    expect(again.body.instance).not.toBe(response.body.instance);
  });
});

describe("authentication comes before the body", () => {
  const broken = '{"subject": {"idNumber": ';
  const oversized = JSON.stringify(idCardRequest(PERSON.idNumber, { address: "某".repeat(4096) }));
  const post = (token: string | undefined, body: string, headers: Record<string, string> = {}) =>
    call("POST", psb("/records"), token, body, { "content-type": "application/json", ...headers });

  it("answers 401 to a request without a key whatever its body: broken, oversized or of the wrong type", async () => {
    expectProblem(await post(undefined, broken), "UNAUTHENTICATED");
    expectProblem(await post(undefined, oversized), "UNAUTHENTICATED");
    expectProblem(await post(undefined, broken, { "content-type": "text/plain" }), "UNAUTHENTICATED");
  });

  it("answers 403 FORBIDDEN_ROLE to a key of the wrong role before reading a broken or oversized body", async () => {
    expectProblem(await post(keys.consumer, broken), "FORBIDDEN_ROLE");
    expectProblem(await post(keys.consumer, oversized), "FORBIDDEN_ROLE");
  });

  it("still reads the body of an authenticated caller: 400 MALFORMED_JSON, 413 PAYLOAD_TOO_LARGE", async () => {
    expectProblem(await post(keys.issuer, broken), "MALFORMED_JSON", "body");
    expectProblem(await post(keys.issuer, oversized), "PAYLOAD_TOO_LARGE");
  });

  it("refuses a federation request whose signature headers are missing or malformed with 401, before its body", async () => {
    const url = psb("/federation/records/query");
    const json = { "content-type": "application/json" };
    expectProblem(await call("POST", url, undefined, broken, json), "FEDERATION_SIGNATURE_INVALID");
    expectProblem(await call("POST", url, undefined, oversized, json), "FEDERATION_SIGNATURE_INVALID");
    const malformed = {
      ...json,
      "signature-input": 'peer=("@method");created=yesterday',
      signature: "peer=:0x12:",
      "content-digest": "sha-256=:not base64:",
    };
    expectProblem(await call("POST", url, undefined, oversized, malformed), "FEDERATION_SIGNATURE_INVALID");
  });
});

describe("requests Node's HTTP parser refuses", () => {
  const target = () => new URL(gw.url);

  it("answers raw UTF-8 in the request target with 400 MALFORMED_PATH as a problem, without echoing it", async () => {
    const line = Buffer.concat([
      Buffer.from("GET /departments/psb/records/"),
      Buffer.from(PERSON.name, "utf8"),
      Buffer.from(" HTTP/1.1\r\nHost: gateway\r\n\r\n"),
    ]);
    const from = logLines.length;
    const response = await rawRequest(target(), line);
    expectProblem(response, "MALFORMED_PATH", "path");
    expect(response.text).not.toContain(PERSON.name);
    expect(requestLogs(from)).toMatchObject([{ status: 400, requestId: response.body.instance }]);
    expect(logLines.slice(from).join("")).not.toContain(PERSON.name);
  });

  it("answers headers larger than Node accepts with 431 REQUEST_HEADERS_TOO_LARGE as a problem", async () => {
    const request = `GET /healthz HTTP/1.1\r\nHost: gateway\r\nX-Filler: ${"a".repeat(20_000)}\r\n\r\n`;
    expectProblem(await rawRequest(target(), request), "REQUEST_HEADERS_TOO_LARGE");
  });

  it("answers malformed framing (Content-Length beside Transfer-Encoding) with 400 MALFORMED_REQUEST as a problem", async () => {
    const request =
      "POST /departments/psb/verify HTTP/1.1\r\nHost: gateway\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n0\r\n\r\n";
    expectProblem(await rawRequest(target(), request), "MALFORMED_REQUEST");
  });

  it("answers a request line that is not HTTP with 400 MALFORMED_REQUEST as a problem", async () => {
    expectProblem(await rawRequest(target(), "HELLO gateway\r\n\r\n"), "MALFORMED_REQUEST");
  });
});

describe("request logs", () => {
  it("carry the department and the route pattern of a refused request, never its path, and the problem's id", async () => {
    const from = logLines.length;
    const response = await call("GET", psb(`/records/0x${"cd".repeat(32)}`), keys.issuer);
    expectProblem(response, "RECORD_NOT_FOUND");
    const [entry] = requestLogs(from);
    expect(entry).toMatchObject({
      status: 404,
      department: "psb",
      route: "/departments/:department/records/:recordHash",
      requestId: response.body.instance,
    });
    expect(logLines.slice(from).join("")).not.toContain("cd".repeat(32));
  });

  it("carry the department of a request refused before any route, and no path segment", async () => {
    const from = logLines.length;
    await call("GET", psb(`/people/${PERSON.idNumber}`), keys.issuer);
    await call("GET", psb("/verify"), keys.issuer);
    await call("POST", psb("/records"), undefined, idCardRequest());
    const entries = requestLogs(from);
    expect(entries.map((e) => [e.status, e.department])).toEqual([
      [404, "psb"],
      [405, "psb"],
      [401, "psb"],
    ]);
    expect(logLines.slice(from).join("")).not.toContain(PERSON.idNumber.slice(0, 17));
  });

  it("name no department for a path that names none hosted here", async () => {
    const from = logLines.length;
    await call("GET", `${gw.url}/departments/dragon-bureau/catalogue/types`, keys.issuer);
    const [entry] = requestLogs(from);
    expect(entry).toMatchObject({ status: 404 });
    expect(entry.department).toBeUndefined();
    expect(logLines.slice(from).join("")).not.toContain("dragon-bureau");
  });
});

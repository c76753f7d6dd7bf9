// The API as standard tools read it: the served OpenAPI document lints clean under Redocly's rules, describes every
// route from the zod schemas that validate it, and declares every problem an operation answers.
import { lintFromString, loadConfig } from "@redocly/openapi-core";
import { Ajv2020 } from "ajv/dist/2020.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import type { ErrorCode } from "../../services/gateway/src/errors/codes.ts";
import { OPERATIONS_ENDPOINTS } from "../../services/gateway/src/http/operationsEndpoints.ts";
import { ROUTES } from "../../services/gateway/src/http/routes/index.ts";
import { call, type RunningGateway, type SeededChain, seededChain, startGateway } from "./gatewayFixture.ts";
import { expectProblem, idCardRequest, PERSON, unissuedRecord } from "./support.ts";

let chain: SeededChain;
let gw: RunningGateway;
// biome-ignore lint/suspicious/noExplicitAny: the document is whatever JSON the gateway served.
let doc: any;
const keys = { issuer: "", consumer: "" };

beforeAll(async () => {
  chain = await seededChain();
  gw = await startGateway(chain, ["psb"], { bodyLimitBytes: 4096 });
  keys.issuer = gw.key("psb", "issuer");
  keys.consumer = gw.key("psb", "consumer");
  doc = (await call("GET", `${gw.url}/openapi.json`, undefined)).body;
});
afterAll(async () => {
  await gw?.close();
  chain?.cleanup();
});

const templateOf = (routePath: string) => `/departments/{department}${routePath.replace(/:(\w+)/g, "{$1}")}`;

/** `schema` with each `$ref` replaced by what it names: document components, or zod's own `$defs`. */
function inlined(schema: unknown, lookup: (ref: string) => unknown): unknown {
  if (Array.isArray(schema)) return schema.map((item) => inlined(item, lookup));
  if (typeof schema !== "object" || schema === null) return schema;
  const { $ref, $schema: _dialect, $defs: _defs, ...rest } = schema as Record<string, unknown>;
  if (typeof $ref === "string") return inlined({ ...(lookup($ref) as object), ...rest }, lookup);
  return Object.fromEntries(Object.entries(rest).map(([key, value]) => [key, inlined(value, lookup)]));
}
const fromDocument = (schema: unknown) =>
  inlined(schema, (ref) => doc.components.schemas[ref.replace("#/components/schemas/", "")]);

describe("the OpenAPI document", () => {
  it("lints with no error and no warning under Redocly's recommended rules and the project's redocly.yaml", async () => {
    const config = await loadConfig({ configPath: "redocly.yaml" });
    const problems = await lintFromString({
      source: JSON.stringify(doc),
      absoluteRef: `${gw.url}/openapi.json`,
      config,
    });
    const found = problems.map((p) => `${p.severity} ${p.ruleId}: ${p.message} at ${p.location[0]?.pointer}`);
    expect(found).toEqual([]);
  });

  it("lists every route with its roles and the zod schema that validates its body, shared schemas as components", async () => {
    expect(doc.openapi).toMatch(/^3\.1\./);
    for (const route of ROUTES) {
      const operation = doc.paths[templateOf(route.path)]?.[route.method];
      expect(operation, `${route.method} ${route.path}`).toMatchObject({
        operationId: route.operationId,
        summary: route.summary,
        "x-roles": route.auth,
      });
      if (route.body) {
        const zodSchema = z.toJSONSchema(route.body, { io: "input", unrepresentable: "any" });
        const own = inlined(zodSchema, (ref) => zodSchema.$defs?.[ref.replace("#/$defs/", "")]);
        expect(fromDocument(operation.requestBody.content["application/json"].schema), route.operationId).toEqual(
          JSON.parse(JSON.stringify(own)),
        );
      } else {
        expect(operation.requestBody, route.operationId).toBeUndefined();
      }
    }
    const operations = Object.values(doc.paths).flatMap((methods) => Object.keys(methods as object));
    expect(operations).toHaveLength(ROUTES.length + OPERATIONS_ENDPOINTS.length);
    expect(Object.keys(doc.components.schemas)).toEqual(expect.arrayContaining(["CanonicalRecord", "Problem"]));
    expect(JSON.stringify(doc)).not.toContain("#/$defs/");
  });

  it("refuses exactly the issue bodies its published schema refuses, naming the member", async () => {
    const schema = fromDocument(
      doc.paths["/departments/{department}/records"].post.requestBody.content["application/json"].schema,
    ) as {
      required: string[];
    };
    const conforms = new Ajv2020({ strict: false }).compile(schema);
    const good = idCardRequest();
    expect(conforms(good)).toBe(true);
    expect((await call("POST", `${gw.base("psb")}/records`, keys.issuer, good)).status).toBe(202);
    const bad: [string, unknown][] = [
      ...schema.required.map((member): [string, unknown] => {
        const { [member as keyof typeof good]: _left, ...rest } = good;
        return [member, rest];
      }),
      ["validFrom", { ...good, validFrom: -1 }],
      ["subject.idType", { ...good, subject: { ...good.subject, idType: "library-card" } }],
      ["supersedes", { ...good, supersedes: "0x12" }],
    ];
    for (const [field, body] of bad) {
      expect(conforms(body), field).toBe(false);
      expectProblem(await call("POST", `${gw.base("psb")}/records`, keys.issuer, body), "VALIDATION_FAILED", field);
    }
  });

  it("declares Idempotency-Key where it is honoured and the signature headers on the federation route", () => {
    const headers = (path: string, method: string) =>
      (doc.paths[path][method].parameters as { in: string; name: string; required?: boolean }[])
        .filter((p) => p.in === "header")
        .map((p) => [p.name.toLowerCase(), p.required ?? false]);
    for (const route of ROUTES.filter((r) => r.auth !== "federation")) {
      expect(headers(templateOf(route.path), route.method), route.operationId).toEqual(
        route.idempotent ? [["idempotency-key", false]] : [],
      );
    }
    expect(headers("/departments/{department}/federation/records/query", "post")).toEqual([
      ["signature-input", true],
      ["signature", true],
      ["content-digest", true],
    ]);
  });

  it("describes the operations endpoints outside the department prefix, open to anyone", () => {
    for (const path of ["/", "/healthz", "/readyz", "/metrics", "/openapi.json", "/docs"]) {
      expect(doc.paths[path]?.get, path).toMatchObject({ tags: ["operations"], security: [] });
    }
    expect(Object.keys(doc.paths[`/metrics`].get.responses["200"].content)).toEqual(["text/plain; version=0.0.4"]);
  });

  it("gives the problem schema its errors member and the whole catalogue as codes", async () => {
    const problem = doc.components.schemas.Problem;
    expect(problem.properties.errors.items.required).toEqual(["field", "message"]);
    const { ERROR_CODES } = await import("../../services/gateway/src/errors/codes.ts");
    expect(problem.properties.code.enum).toEqual(Object.keys(ERROR_CODES));
  });
});

describe("the problems it declares", () => {
  const psb = (path: string) => `${gw.base("psb")}${path}`;
  const json = { "content-type": "application/json" };
  /** What each request asks of which operation, and the problem it meets. */
  const cases: [string, () => Promise<{ status: number; body: { code: ErrorCode } }>, string, string][] = [
    ["no key", () => call("POST", psb("/records"), undefined, idCardRequest()), "/records", "post"],
    ["wrong role", () => call("POST", psb("/records"), keys.consumer, idCardRequest()), "/records", "post"],
    ["bad member", () => call("POST", psb("/records"), keys.issuer, { ...idCardRequest(), x: 1 }), "/records", "post"],
    ["bad JSON", () => call("POST", psb("/records"), keys.issuer, "{", json), "/records", "post"],
    ["too large", () => call("POST", psb("/records"), keys.issuer, "x".repeat(5000), json), "/records", "post"],
    [
      "not JSON",
      () => call("POST", psb("/records"), keys.issuer, "{}", { "content-type": "text/plain" }),
      "/records",
      "post",
    ],
    [
      "bad field",
      () => call("POST", psb("/records"), keys.issuer, idCardRequest(PERSON.idNumber, { sex: "M" })),
      "/records",
      "post",
    ],
    [
      "key reused",
      async () => {
        const headers = { "idempotency-key": "declared-problems" };
        await call("POST", psb("/records"), keys.issuer, idCardRequest(), headers);
        return call("POST", psb("/records"), keys.issuer, idCardRequest(PERSON.idNumber, { address: "别处" }), headers);
      },
      "/records",
      "post",
    ],
    ["bad hash", () => call("GET", psb("/records/0x12"), keys.issuer), "/records/:recordHash", "get"],
    ["no record", () => call("GET", psb(`/records/0x${"cd".repeat(32)}`), keys.issuer), "/records/:recordHash", "get"],
    [
      "tampered",
      () =>
        call("POST", psb("/verify"), keys.consumer, { record: unissuedRecord(), recordHash: `0x${"ef".repeat(32)}` }),
      "/verify",
      "post",
    ],
    ["no type", () => call("GET", psb("/catalogue/types/dragon"), keys.consumer), "/catalogue/types/:code", "get"],
    [
      "no scenario",
      () => call("GET", psb("/catalogue/scenarios/x"), keys.consumer),
      "/catalogue/scenarios/:code",
      "get",
    ],
    [
      "no application",
      () => call("GET", psb("/applications/none"), keys.consumer),
      "/applications/:applicationId",
      "get",
    ],
    [
      "unsigned",
      () => call("POST", psb("/federation/records/query"), undefined, {}),
      "/federation/records/query",
      "post",
    ],
    [
      "no department",
      () => call("GET", `${gw.url}/departments/dragon-bureau/catalogue/types`, keys.consumer),
      "/catalogue/types",
      "get",
    ],
  ];

  it.each(cases)(
    "declares the problem a request meets (%s) on its operation, under its status",
    async (_name, send, path, method) => {
      const response = await send();
      expect(response.status, JSON.stringify(response.body)).toBeGreaterThanOrEqual(400);
      const declared = doc.paths[templateOf(path)][method].responses[String(response.status)];
      expect(declared, `${method} ${path} declares ${response.status}`).toBeDefined();
      expect(Object.keys(declared.content["application/problem+json"].examples)).toContain(response.body.code);
    },
  );
});

describe("the reference at /docs", () => {
  const page = async () => {
    const response = await fetch(`${gw.url}/docs`);
    return { response, html: await response.text() };
  };
  /** Every URL the page makes the browser load: scripts, style sheets, icons, images. */
  const referenced = (html: string) =>
    [...html.matchAll(/<(?:script|link|img)\b[^>]*?\b(?:src|href)="([^"]+)"/g)].map(
      (m) => new URL(m[1] as string, `${gw.url}/docs`),
    );

  it("serves a page that renders the OpenAPI document with Swagger UI", async () => {
    const { response, html } = await page();
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/html/);
    expect(html).toMatch(/^<!doctype html>/i);
    expect(html).toContain("openapi.json");
    const init = await (await fetch(`${gw.url}/docs/assets/init.js`)).text();
    expect(init).toMatch(/SwaggerUIBundle\(\{[\s\S]*url: "openapi\.json"[\s\S]*validatorUrl: null/);
    const bundle = await (await fetch(`${gw.url}/docs/assets/swagger-ui-bundle.js`)).text();
    expect(bundle).toContain("SwaggerUIBundle");
  });

  it("loads every script, style and image from the gateway itself, each with its content type", async () => {
    const { html } = await page();
    const urls = referenced(html);
    expect(urls.map((u) => u.pathname)).toEqual(
      expect.arrayContaining(["/docs/assets/swagger-ui-bundle.js", "/docs/assets/swagger-ui.css"]),
    );
    const expected: Record<string, RegExp> = { js: /^text\/javascript/, css: /^text\/css/, png: /^image\/png$/ };
    for (const url of urls) {
      expect(url.origin, url.href).toBe(new URL(gw.url).origin);
      const response = await fetch(url);
      expect(response.status, url.href).toBe(200);
      expect(response.headers.get("content-type"), url.href).toMatch(
        expected[url.pathname.split(".").pop() ?? ""] ?? /^$/,
      );
    }
    expect(html.match(/https?:\/\/[^"' )]+/g) ?? []).toEqual([]);
  });

  it("forbids the page any other origin in its content security policy", async () => {
    const policy = (await page()).response.headers.get("content-security-policy") ?? "";
    expect(policy).toContain("default-src 'self'");
    expect(policy).toContain("script-src 'self'");
    expect(policy).not.toMatch(/\*|https?:\/\/(?!127\.0\.0\.1)/);
  });

  it("answers 404 for a file of the renderer it does not serve, and for names every object has", async () => {
    expectProblem(await call("GET", `${gw.url}/docs/assets/index.html`, undefined), "NOT_FOUND");
    for (const name of ["constructor", "toString", "__proto__", "hasOwnProperty"]) {
      expectProblem(await call("GET", `${gw.url}/docs/assets/${name}`, undefined), "NOT_FOUND");
    }
  });
});

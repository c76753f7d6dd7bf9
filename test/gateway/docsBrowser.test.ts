// The reference as a person sees it: headless Chromium renders /docs from the document, lists every operation with
// its parameters and responses, and sends no request to any origin but the gateway's.
import { type Browser, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { browserTestsRun, CHROMIUM, CHROMIUM_ARGS } from "../support/chromium.ts";
import { call, type RunningGateway, type SeededChain, seededChain, startGateway } from "./gatewayFixture.ts";

const ARGS = CHROMIUM_ARGS;
const runs = browserTestsRun;

describe.skipIf(!runs)("the reference in a browser", () => {
  let chain: SeededChain;
  let gw: RunningGateway;
  let browser: Browser;

  beforeAll(async () => {
    chain = await seededChain();
    gw = await startGateway(chain, ["psb"]);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  });
  afterAll(async () => {
    await browser?.close();
    await gw?.close();
    chain?.cleanup();
  });

  it("renders every operation, its parameters and problems, asking nothing of another origin", async () => {
    const doc = (await call("GET", `${gw.url}/openapi.json`, undefined)).body;
    const operations = Object.values(doc.paths).flatMap((methods) => Object.keys(methods as object)).length;
    const page = await browser.newPage();
    const requested: string[] = [];
    const failures: string[] = [];
    page.on("request", (request) => requested.push(request.url()));
    page.on("pageerror", (error) => failures.push(error.message));
    page.on("console", (message) => {
      if (message.type() === "error") failures.push(message.text());
    });

    await page.goto(`${gw.url}/docs`);
    await expect.poll(() => page.locator(".opblock").count(), { timeout: 30_000 }).toBe(operations);
    const text = (await page.locator("#reference").textContent()) ?? "";
    for (const summary of ["Issue a record", "Verify a record", "Query a record (gateway to gateway)", "Liveness"]) {
      expect(text).toContain(summary);
    }
    expect(await page.locator("button.authorize").count()).toBe(1);

    await page.locator("#operations-records-issueRecord .opblock-summary").click();
    const issue = page.locator("#operations-records-issueRecord");
    await issue.locator(".parameters").waitFor();
    const opened = (await issue.textContent()) ?? "";
    expect(opened).toContain("Idempotency-Key");
    for (const status of ["202", "401", "413", "422"]) expect(opened).toContain(status);

    const origin = new URL(gw.url).origin;
    const elsewhere = requested.filter((url) => !url.startsWith("data:") && !url.startsWith("blob:"));
    expect(elsewhere.filter((url) => new URL(url).origin !== origin)).toEqual([]);
    expect(requested).toContain(`${origin}/openapi.json`);
    expect(failures).toEqual([]);
    await page.close();
  });
});

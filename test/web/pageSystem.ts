// What the browser tests of the web page stand on: the page built by Vite into a folder of its own, a gateway hosting
// the departments of the homestay scenario on a seeded chain, records issued and anchored (one batch, one revoked),
// a citizen's disclosure and its QR code, and Chromium with a camera that films that code.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { PNG } from "pngjs";
import { expect } from "vitest";
import { disclosureCodePng } from "../../lib/records/disclosureCode.ts";
import { projectRoot } from "../../scripts/lib/paths.ts";
import { ensureWebPage } from "../../scripts/lib/webBuild.ts";
import { call, type RunningGateway, type SeededChain, seededChain, startGateway } from "../gateway/gatewayFixture.ts";
import { anchorAll, applicant, issue } from "../gateway/scenarioSupport.ts";
import { BUILD_MARKER } from "../reliability/personalDataScan.ts";
import { CHROMIUM, CHROMIUM_ARGS } from "../support/chromium.ts";

export const SHOTS = join(projectRoot, "test-results/web");

export const VIEWPORTS = { desktop: { width: 1280, height: 900 }, phone: { width: 390, height: 844 } } as const;
export type Viewport = keyof typeof VIEWPORTS;
export type Lang = "zh" | "en";
/** Every flow runs in both languages, at a desktop's and at a phone's viewport. */
export const RUNS: [Lang, Viewport][] = [
  ["zh", "desktop"],
  ["en", "desktop"],
  ["zh", "phone"],
  ["en", "phone"],
];

export const DEPARTMENTS = ["psb", "market-regulation", "real-estate-registry", "housing"];

export interface PageSystem {
  chain: SeededChain;
  gw: RunningGateway;
  browser: Browser;
  appUrl: string;
  /** A batched resident ID card, as GET /records/{hash} gives it to its issuer (record, hash, anchor). */
  batchedRecord: { recordHash: string; record: Record<string, unknown>; anchor: Record<string, unknown> };
  revokedRecord: { recordHash: string; record: Record<string, unknown>; anchor: Record<string, unknown> };
  /** Applicant 1's disclosure of two fields of their ID card, its code, and a PNG of the code. */
  disclosure: Record<string, unknown>;
  code: string;
  codePng: string;
  disclosedFields: string[];
  /** Applicant 1's self-service token at psb. */
  token: string;
  /** The applications the setup made, as the gateway answered them. */
  applications: {
    counts: { waived: number };
    materials: { credentialType: string; outcome: { status: string; shared?: boolean } }[];
  }[];
  close(): Promise<void>;
}

/**
 * A Y4M video (what Chromium's fake camera plays) of one frame: the PNG's grey levels centred on a white 640x480
 * picture, 4:2:0 with neutral colour.
 */
function y4mOf(png: Buffer): Buffer {
  const image = PNG.sync.read(png);
  const width = 640;
  const height = 480;
  const luma = Buffer.alloc(width * height, 235);
  const left = Math.floor((width - image.width) / 2);
  const top = Math.floor((height - image.height) / 2);
  for (let y = 0; y < image.height; y++) {
    for (let x = 0; x < image.width; x++) {
      const i = (y * image.width + x) * 4;
      const grey = 0.299 * (image.data[i] ?? 0) + 0.587 * (image.data[i + 1] ?? 0) + 0.114 * (image.data[i + 2] ?? 0);
      luma[(y + top) * width + (x + left)] = Math.round(16 + (grey * 219) / 255);
    }
  }
  const chroma = Buffer.alloc((width / 2) * (height / 2), 128);
  const header = Buffer.from(`YUV4MPEG2 W${width} H${height} F10:1 Ip A1:1 C420jpeg\n`);
  const frame = Buffer.concat([Buffer.from("FRAME\n"), luma, chroma, chroma]);
  return Buffer.concat([header, frame, frame]);
}

export async function startPageSystem(): Promise<PageSystem> {
  const work = mkdtempSync(join(tmpdir(), "oncechain-web-"));
  const webOut = join(work, "dist");
  await ensureWebPage(projectRoot, webOut);
  writeFileSync(join(webOut, BUILD_MARKER), "");
  process.env.ONCECHAIN_WEB_DIR = webOut;

  const chain = await seededChain();
  const gw = await startGateway(chain, DEPARTMENTS, { anchoring: { batchSize: 4, maxWaitMs: 3_600_000, pollMs: 10 } });
  const psbIssuer = gw.key("psb", "issuer");
  // Four records of psb fill one batch: applicant 1's card and household registration, applicants 2 and 3's cards.
  const card1 = await issue(gw, "resident-id-card", applicant(1));
  await issue(gw, "household-registration", applicant(1));
  const card2 = await issue(gw, "resident-id-card", applicant(2));
  const card3 = await issue(gw, "resident-id-card", applicant(3));
  await issue(gw, "real-estate-title", applicant(1));
  await anchorAll(gw, DEPARTMENTS);
  const revoked = await call("POST", `${gw.base("psb")}/records/${card2.recordHash}/revoke`, psbIssuer, { reason: 3 });
  expect(revoked.status, JSON.stringify(revoked.body)).toBe(200);
  await anchorAll(gw, DEPARTMENTS);
  const read = async (hash: string) => {
    const answer = await call("GET", `${gw.base("psb")}/records/${hash}`, psbIssuer);
    expect(answer.status).toBe(200);
    return answer.body;
  };
  const batchedRecord = await read(card3.recordHash);
  expect(batchedRecord.anchor.batchRoot).toBeDefined();
  const revokedRecord = await read(card2.recordHash);

  // Applicant 1 applies to open a homestay at market regulation: their card, household registration and title are
  // shared from psb and the registry, which logs the accesses; the safety appraisal may be committed.
  const consumer = gw.key("market-regulation", "consumer");
  const applied = await call("POST", `${gw.base("market-regulation")}/applications`, consumer, {
    scenario: "open-homestay",
    subject: applicant(1),
  });
  expect(applied.status, JSON.stringify(applied.body)).toBe(201);
  // Both issuers commit their logs, so that the accesses are proved against the chain.
  for (const code of ["psb", "real-estate-registry"]) {
    const committed = await call("POST", `${gw.base(code)}/access-log/commit`, gw.key(code, "operator"), {});
    expect(committed.status, JSON.stringify(committed.body)).toBe(200);
    expect(committed.body.committed).not.toBeNull();
  }

  // The citizen's token, from psb's counter, and their disclosure of two fields of their card.
  const issued = await call("POST", `${gw.base("psb")}/access-log/self-service-tokens`, gw.key("psb", "consumer"), {
    subject: applicant(1),
  });
  expect(issued.status).toBe(201);
  const token = issued.body.token as string;
  const disclosedFields = ["issuingAuthority", "validFrom"];
  const own = await call(
    "GET",
    `${gw.base("psb")}/self-service/records/${card1.recordHash}/disclosure?fields=${disclosedFields.join(",")}`,
    token,
  );
  expect(own.status, JSON.stringify(own.body)).toBe(200);
  const codePng = join(work, "disclosure-code.png");
  const png = await disclosureCodePng(own.body.code);
  writeFileSync(codePng, png);
  const video = join(work, "camera.y4m");
  writeFileSync(video, y4mOf(png));

  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      ...CHROMIUM_ARGS,
      // A camera that films the disclosure's code, without asking.
      "--use-fake-ui-for-media-stream",
      "--use-fake-device-for-media-stream",
      `--use-file-for-fake-video-capture=${video}`,
    ],
  });
  mkdirSync(SHOTS, { recursive: true });
  return {
    chain,
    gw,
    browser,
    appUrl: `${gw.url}/app/`,
    batchedRecord,
    revokedRecord,
    disclosure: own.body.disclosure,
    code: own.body.code,
    codePng,
    disclosedFields,
    token,
    applications: [applied.body],
    async close() {
      await browser.close();
      await gw.close();
      chain.cleanup();
      delete process.env.ONCECHAIN_WEB_DIR;
    },
  };
}

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

export interface OpenPage {
  page: Page;
  context: BrowserContext;
  /** Console errors, page errors and Content-Security-Policy violations seen so far. */
  failures: string[];
  /** Requests to any origin but the gateway's. */
  elsewhere: string[];
}

/** A page of the app in `lang` at `viewport`, its language chosen through localStorage as the switch leaves it. */
export async function openPage(system: PageSystem, lang: Lang, viewport: Viewport, view: string): Promise<OpenPage> {
  const context = await system.browser.newContext({
    viewport: VIEWPORTS[viewport],
    permissions: ["camera"],
    ...(viewport === "phone" ? { isMobile: true, hasTouch: true, deviceScaleFactor: 2 } : {}),
  });
  await context.addInitScript((chosen) => localStorage.setItem("oncechain.lang", chosen), lang);
  const page = await context.newPage();
  const failures: string[] = [];
  const elsewhere: string[] = [];
  const origin = new URL(system.appUrl).origin;
  page.on("pageerror", (error) => failures.push(`pageerror: ${error.message}`));
  page.on("console", (message) => {
    if (message.type() === "error") failures.push(`console: ${message.text()}`);
  });
  page.on("request", (request) => {
    const url = request.url();
    if (!url.startsWith("data:") && !url.startsWith("blob:") && new URL(url).origin !== origin) elsewhere.push(url);
  });
  await page.goto(`${system.appUrl}#/${view}`);
  await page.locator("main[data-ready]").waitFor({ timeout: 30_000 });
  return { page, context, failures, elsewhere };
}

/** axe-core's serious and critical violations on the page as it stands. */
export async function seriousViolations(page: Page): Promise<string[]> {
  // Evaluated, not added as a script tag: the page's policy refuses inline scripts, as it should.
  await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    // biome-ignore lint/suspicious/noExplicitAny: axe is the global the script defines; the page's document.
    const page = globalThis as any;
    const result = await page.axe.run(page.document, { resultTypes: ["violations"] });
    return result.violations.map((v: { id: string; impact: string; nodes: { target: string[] }[] }) => ({
      id: v.id,
      impact: v.impact,
      targets: v.nodes.slice(0, 3).map((n) => n.target.join(" ")),
    }));
  });
  return violations
    .filter((v: { impact: string }) => v.impact === "serious" || v.impact === "critical")
    .map((v: { id: string; impact: string; targets: string[] }) => `${v.impact} ${v.id}: ${v.targets.join(", ")}`);
}

/**
 * The flow's screenshot, its accessibility check, and that nothing failed (but what the flow provoked, `expected`) or
 * left the gateway's origin.
 */
export async function finish(open: OpenPage, name: string, expected: RegExp[] = []): Promise<void> {
  await open.page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
  expect(await seriousViolations(open.page)).toEqual([]);
  expect(open.failures.filter((failure) => !expected.some((e) => e.test(failure)))).toEqual([]);
  expect(open.elsewhere).toEqual([]);
  await open.context.close();
}

// The web page as people use it, in Debian's Chromium: each flow in Chinese and in English, at a desktop's and at a
// phone's viewport, against a gateway on a seeded chain; axe-core finds no serious or critical violation on any page,
// and the page asks nothing of another origin. Screenshots go to test-results/web/.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { beijingDay } from "../../services/gateway/src/commitments/recordCommitment.ts";
import { applicant } from "../gateway/scenarioSupport.ts";
import { browserTestsRun } from "../support/chromium.ts";
import {
  finish,
  type Lang,
  type OpenPage,
  openPage,
  type PageSystem,
  RUNS,
  SHOTS,
  seriousViolations,
  startPageSystem,
} from "./pageSystem.ts";

const runs = browserTestsRun;

const WORDS = {
  valid: { zh: "有效", en: "Valid" },
  revoked: { zh: "已撤销", en: "Revoked" },
  altered: { zh: "材料已被改动", en: "This file was altered" },
  withheld: { zh: "其余字段未披露", en: "The other fields are withheld" },
  proved: { zh: "证明成立", en: "proof holds" },
  verifyNav: { zh: "核验材料", en: "Verify" },
} as const;

/** Pastes `value` (JSON, or a code's text) into the verifier and waits for its verdict. */
async function verifyText(open: OpenPage, value: unknown) {
  const { page } = open;
  await page.locator("#presented").fill(typeof value === "string" ? value : JSON.stringify(value, null, 2));
  await page.locator("#check").click();
  return verdict(open);
}

async function verdict({ page }: OpenPage) {
  const heading = page.locator("#verify-result-title[data-status]");
  await heading.waitFor({ timeout: 20_000 });
  return {
    status: await heading.getAttribute("data-status"),
    text: ((await page.locator("#verify-result").textContent()) ?? "").replace(/\s+/g, " "),
  };
}

async function checkpoint(open: OpenPage, name: string) {
  await open.page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
  expect(await seriousViolations(open.page), name).toEqual([]);
}

describe.skipIf(!runs)("the web page in Chromium", () => {
  let system: PageSystem;

  beforeAll(async () => {
    system = await startPageSystem();
  }, 240_000);
  afterAll(async () => {
    await system?.close();
  });

  it("is served with a policy that allows no inline script and no other origin, and no inline script is in it", async () => {
    const response = await fetch(system.appUrl);
    expect(response.status).toBe(200);
    const policy = response.headers.get("content-security-policy") ?? "";
    expect(policy).toContain("script-src 'self' 'wasm-unsafe-eval'");
    expect(policy).toContain("default-src 'self'");
    expect(policy).toContain("style-src 'self'");
    expect(policy).toContain("connect-src 'self'");
    expect(policy).toContain("frame-ancestors 'none'");
    expect(policy).not.toContain("unsafe-inline");
    const html = await response.text();
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toMatch(/\sstyle=/);
    const redirected = await fetch(system.appUrl.replace(/\/$/, ""), { redirect: "manual" });
    expect(redirected.status).toBe(301);
    const index = (await (await fetch(`${system.gw.url}/`)).json()) as { app: string };
    expect(index.app).toBe("/app/");
  });

  it("opens in Chinese, switches to English, and remembers the choice", async () => {
    const context = await system.browser.newContext({ viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    await page.goto(system.appUrl);
    await page.locator("main[data-ready]").waitFor();
    expect(await page.locator("html").getAttribute("lang")).toBe("zh-CN");
    expect((await page.locator("nav a").first().textContent()) ?? "").toBe(WORDS.verifyNav.zh);
    await page.locator("#lang").click();
    await page.locator("main[data-ready]").waitFor();
    expect((await page.locator("nav a").first().textContent()) ?? "").toBe(WORDS.verifyNav.en);
    await page.reload();
    await page.locator("main[data-ready]").waitFor();
    expect(await page.locator("html").getAttribute("lang")).toBe("en");
    expect((await page.locator("nav a").first().textContent()) ?? "").toBe(WORDS.verifyNav.en);
    await context.close();
  });

  describe.each(RUNS)("in %s at a %s's viewport", (lang: Lang, viewport) => {
    const tag = `${lang}-${viewport}`;

    it("verifies a batched record in the browser, names what an altered file changed, and shows a revoked one", async () => {
      const open = await openPage(system, lang, viewport, "verify");
      const batched = await verifyText(open, system.batchedRecord);
      expect(batched.status).toBe("valid");
      expect(batched.text).toContain(WORDS.valid[lang]);
      expect(await open.page.locator('[data-check="batch-proof"]').getAttribute("data-holds")).toBe("true");
      expect(batched.text).toContain(String(system.batchedRecord.anchor.blockNumber));
      await checkpoint(open, `verify-batched-${tag}`);

      const record = structuredClone(system.batchedRecord);
      (record.record.fields as Record<string, unknown>).name = "李四";
      const altered = await verifyText(open, record);
      expect(altered.status).toBe("altered");
      expect(altered.text).toContain(WORDS.altered[lang]);
      expect(await open.page.locator("#verify-result .problem").getAttribute("data-field")).toBe("record");
      await checkpoint(open, `verify-altered-record-${tag}`);

      // Its validity extended: the batch proof no longer holds for the values the file gives.
      const extended = structuredClone(system.batchedRecord);
      extended.record.validUntil = (extended.record.validUntil as number) + 365 * 86_400;
      expect((await verifyText(open, extended)).status).toBe("altered");
      expect(await open.page.locator("#verify-result .problem").getAttribute("data-field")).toBe("anchor");

      // A record the chain holds singly (revoked, so registered): the changed member is named, with both values.
      const moved = structuredClone(system.revokedRecord);
      moved.record.validUntil = (moved.record.validUntil as number) + 365 * 86_400;
      const named = await verifyText(open, moved);
      expect(named.status).toBe("altered");
      expect(await open.page.locator("#verify-result .problem").getAttribute("data-field")).toBe("validUntil");
      await checkpoint(open, `verify-altered-validity-${tag}`);

      const revoked = await verifyText(open, system.revokedRecord);
      expect(revoked.status).toBe("revoked");
      expect(revoked.text).toContain(WORDS.revoked[lang]);
      await checkpoint(open, `verify-revoked-${tag}`);
      await finish(open, `verify-${tag}`);
    });

    it("verifies a disclosure of some fields from its QR code, as an image and from the camera, and names an altered field", async () => {
      const open = await openPage(system, lang, viewport, "verify");
      await open.page.locator("#presented-file").setInputFiles(system.codePng);
      const fromImage = await verdict(open);
      expect(fromImage.status).toBe("valid");
      expect(await open.page.locator('[data-check="disclosed"]').getAttribute("data-fields")).toBe(
        system.disclosedFields.join(","),
      );
      expect(fromImage.text).toContain(WORDS.withheld[lang]);
      await checkpoint(open, `verify-disclosure-image-${tag}`);

      const disclosure = structuredClone(system.disclosure) as { fields: Record<string, { value: unknown }> };
      const [field] = system.disclosedFields as [string];
      (disclosure.fields[field] as { value: unknown }).value = "edited";
      const altered = await verifyText(open, disclosure);
      expect(altered.status).toBe("altered");
      expect(await open.page.locator("#verify-result .problem").getAttribute("data-field")).toBe(field);
      expect(altered.text).toContain(field);
      await checkpoint(open, `verify-disclosure-altered-${tag}`);

      await open.page.locator("#presented").fill("");
      await open.page.locator("#verify-result").evaluate((section) => section.replaceChildren());
      await open.page.locator("#scan").click();
      const fromCamera = await verdict(open);
      expect(fromCamera.status).toBe("valid");
      expect(await open.page.locator("#presented").inputValue()).toBe(system.code);
      await finish(open, `verify-disclosure-camera-${tag}`);
    });

    it("lists the catalogue, each entry checked against the chain, and finds a scenario by name", async () => {
      const open = await openPage(system, lang, viewport, "catalogue");
      const { page } = open;
      const types = system.chain.catalogue.credentialTypes.length;
      expect(await page.locator("#types tbody tr").count()).toBe(types);
      expect(await page.locator('[data-verified="false"]').count()).toBe(0);
      expect(await page.locator('[data-verified="true"]').count()).toBeGreaterThan(types);
      expect((await page.locator("#film-count").textContent()) ?? "").toMatch(/6\D+59/);
      await checkpoint(open, `catalogue-${tag}`);

      await page.locator("#catalogue-search").fill(lang === "zh" ? "民宿" : "homestay");
      const homestay = page.locator('details[data-scenario="open-homestay"]');
      expect(await homestay.isVisible()).toBe(true);
      expect(await page.locator('details[data-scenario="open-convenience-store"]').isVisible()).toBe(false);
      await homestay.locator("summary").click();
      const appraisal = homestay.locator('li[data-material="house-safety-appraisal"]').first();
      expect(await appraisal.getAttribute("data-commit")).toBe("true");
      await finish(open, `catalogue-search-${tag}`);
    });

    it("shows a citizen who accessed their data, each entry's proof checked in the browser", async () => {
      const open = await openPage(system, lang, viewport, "history");
      const { page } = open;
      await page.locator("#history-department").selectOption("psb");
      await page.locator("#history-token").fill(system.token);
      await page.locator("#history-show").click();
      await page.locator("#history-table").waitFor({ timeout: 20_000 });
      const shared = page.locator('#history-table tr[data-outcome="shared"]');
      expect(await shared.count()).toBeGreaterThan(0);
      for (const check of await shared.evaluateAll((rows) => rows.map((r) => r.getAttribute("data-check")))) {
        expect(check).toBe("proved");
      }
      expect((await shared.first().textContent()) ?? "").toContain(WORDS.proved[lang]);
      expect(await page.locator('#history-table tr[data-check="not-proved"]').count()).toBe(0);
      await finish(open, `history-${tag}`);
    });

    it("draws the figures the test computed itself", async () => {
      const open = await openPage(system, lang, viewport, "figures");
      const { page } = open;
      const today = beijingDay(Date.now());
      const apps = system.applications.filter(Boolean);
      const sharedByType = new Map<string, number>();
      for (const a of apps) {
        for (const m of a.materials) {
          if (m.outcome.status === "waived" && m.outcome.shared) {
            sharedByType.set(m.credentialType, (sharedByType.get(m.credentialType) ?? 0) + 1);
          }
        }
      }
      const waived = apps.reduce((n, a) => n + a.counts.waived, 0);
      const shared = [...sharedByType.values()].reduce((a, b) => a + b, 0);
      const byDay = JSON.parse((await page.locator("#chart-by-day").getAttribute("data-series")) ?? "[]");
      const row = byDay.find((r: unknown[]) => r[0] === today);
      expect(row.slice(0, 6)).toEqual([today, apps.length, waived, 0, shared, 0]);
      // Verifications are the gateway's count since it started (what ran before this flow): drawn, not computed here.
      expect(typeof row[6]).toBe("number");
      const byType = JSON.parse((await page.locator("#chart-by-type").getAttribute("data-series")) ?? "[]");
      const names = new Map(
        system.chain.catalogue.credentialTypes.map((t) => [t.code, lang === "zh" ? t.nameZh : t.nameEn]),
      );
      expect(new Map(byType)).toEqual(new Map([...sharedByType].map(([code, n]) => [names.get(code), n])));
      // Drawn: one bar per type in the SVG ECharts rendered; its tooltip shows within the page's policy.
      expect(await page.locator("#chart-by-type svg path").count()).toBeGreaterThanOrEqual(sharedByType.size);
      const chart = await page.locator("#chart-by-day").boundingBox();
      if (chart) await page.mouse.move(chart.x + chart.width / 2, chart.y + chart.height / 2);
      await page.waitForTimeout(300);
      expect((await page.locator('[data-figure="applications"]').textContent()) ?? "").toBe(String(apps.length));
      await finish(open, `figures-${tag}`);
    });
  });

  describe.each(RUNS)("a clerk in %s at a %s's viewport", (lang: Lang, viewport) => {
    const tag = `${lang}-${viewport}`;

    it("signs in with the department's key, sees what is waived, may be committed or must be submitted, and records a commitment", async () => {
      const open = await openPage(system, lang, viewport, "clerk");
      const { page } = open;
      await page.locator("#clerk-department").selectOption("market-regulation");
      await page.locator("#clerk-key").fill("ocg_not-a-key");
      await page.locator("#clerk-sign-in").click();
      await expect.poll(async () => (await page.locator("#clerk [role=alert]").textContent()) ?? "").not.toBe("");
      await page.locator("#clerk-key").fill(system.gw.key("market-regulation", "consumer"));
      await page.locator("#clerk-sign-in").click();
      await page.locator("#clerk-signed-in").waitFor();
      await page.locator("#clerk-scenario").selectOption("open-homestay");
      await page.locator("#clerk-id-type").selectOption("resident-id");
      await page.locator("#clerk-id-number").fill(applicant(1).idNumber);
      await page.locator("#clerk-apply").click();
      const matter = page.locator('table[data-matter="business-licence"]');
      await matter.waitFor({ timeout: 30_000 });
      const state = (type: string) => matter.locator(`tr[data-material="${type}"]`).getAttribute("data-state");
      expect(await state("resident-id-card")).toBe("waived");
      expect(await state("real-estate-title")).toBe("waived");
      expect(await state("house-safety-appraisal")).toBe("may-commit");
      await checkpoint(open, `clerk-application-${tag}`);
      const commit = matter.locator('form[data-commit-material="house-safety-appraisal"]');
      await commit.locator("button").click();
      await expect.poll(() => commit.locator("[data-commitment]").count(), { timeout: 20_000 }).toBe(1);
      expect(await commit.locator("[data-commitment]").getAttribute("data-commitment")).toMatch(/^cmt-/);
      // The key was kept for this tab's session only.
      expect(await page.evaluate(() => localStorage.getItem("oncechain.clerk"))).toBeNull();
      expect(await page.evaluate(() => sessionStorage.getItem("oncechain.clerk"))).toContain("market-regulation");

      // At the counter, the clerk looks up who accessed the applicant's data, with the gateway's check of each entry.
      await page.locator('nav a[href="#/history"]').click();
      await page.locator("main[data-ready]").waitFor();
      await page.locator("#history-id-number").fill(applicant(1).idNumber);
      await page.locator("#history-counter-show").click();
      await page.locator("#history-table").waitFor({ timeout: 20_000 });
      const shared = page.locator('#history-table tr[data-outcome="shared"]');
      expect(await shared.count()).toBeGreaterThan(0);
      expect(await shared.evaluateAll((rows) => rows.map((r) => r.getAttribute("data-check")))).not.toContain(
        "not-proved",
      );
      await checkpoint(open, `history-counter-${tag}`);
      // The browser reports the refused sign-in's 401 on its console.
      await finish(open, `clerk-${tag}`, [/status of 401 \(Unauthorized\)/]);
    });
  });

  it("wrote a screenshot of every flow", () => {
    for (const [lang, viewport] of RUNS) {
      for (const flow of ["verify", "verify-disclosure-camera", "catalogue-search", "history", "figures", "clerk"]) {
        expect(existsSync(join(SHOTS, `${flow}-${lang}-${viewport}.png`)), `${flow}-${lang}-${viewport}`).toBe(true);
      }
    }
    expect(readFileSync(join(SHOTS, "figures-zh-phone.png")).length).toBeGreaterThan(1000);
  });
});

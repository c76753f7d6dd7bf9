// The applications of bench/federation.ts: the scenario's materials and who issues each, synthetic applicants and shops
// (no real person or shop: resident ID numbers of made-up birth dates, credit codes of made-up organisation codes).
import type { Catalogue } from "../../lib/catalogue/schemas.ts";
import { creditCodeCheckChar } from "../../lib/identifiers/creditCode.ts";
import { residentIdCheckChar } from "../../lib/identifiers/residentId.ts";
import { FIELDS } from "../../scripts/lib/demo/samples.ts";

export interface Subject {
  idType: "resident-id" | "unified-social-credit-code";
  idNumber: string;
}

export interface Material {
  credentialType: string;
  /** The one department that issues it (the bench issues each record there). */
  issuer: string;
  subjectKind: "person" | "organisation";
}

/** The scenario's materials, as the catalogue has them; each must have exactly one issuer and sample fields. */
export function materialsOf(catalogue: Catalogue, scenario: string): Material[] {
  const found = catalogue.scenarios.find((s) => s.code === scenario);
  if (!found) throw new Error(`no scenario ${scenario} in the catalogue`);
  return [...new Set(found.matters.flatMap((m) => m.materials))].map((code) => {
    const type = catalogue.credentialTypes.find((t) => t.code === code);
    if (type?.issuers.length !== 1 || !FIELDS[code]) {
      throw new Error(`material ${code} needs one issuer and sample fields (scripts/lib/demo/samples.ts)`);
    }
    return { credentialType: code, issuer: type.issuers[0] as string, subjectKind: type.subjectKind };
  });
}

const DAY_MS = 86_400_000;
const FIRST_BIRTH = Date.UTC(1970, 0, 1);

/** Applicant `n`: area 110116 (Huairou), born on day ⌊n/1000⌋ after 1970-01-01, sequence n mod 1000. */
export function applicant(n: number): Subject {
  const born = new Date(FIRST_BIRTH + Math.floor(n / 1000) * DAY_MS).toISOString().slice(0, 10).replaceAll("-", "");
  const body = `110116${born}${String(n % 1000).padStart(3, "0")}`;
  return { idType: "resident-id", idNumber: body + residentIdCheckChar(body) };
}

/** Shop `n`: a unified social credit code of Huairou (91 110116) whose organisation code is n, zero-padded. */
export function shop(n: number): Subject {
  const body = `91110116${String(n).padStart(9, "0")}`;
  return { idType: "unified-social-credit-code", idNumber: body + creditCodeCheckChar(body) };
}

/** The issue request of `material` for applicant and shop `n`, valid from a day ago for a year. */
export function issueBody(material: Material, n: number, nowMs: number) {
  const validFrom = Math.floor(nowMs / 1000) - 86_400;
  return {
    credentialType: material.credentialType,
    subject: material.subjectKind === "person" ? applicant(n) : shop(n),
    fields: FIELDS[material.credentialType],
    validFrom,
    validUntil: validFrom + 365 * 86_400,
  };
}

/** The application request of applicant `n`, for shop `n`. */
export const applicationBody = (scenario: string, n: number) => ({
  scenario,
  subject: applicant(n),
  organisation: shop(n),
});

// Helpers of the scenario, federation and access-log tests: synthetic applicants, their records, signed requests.
import { expect } from "vitest";
import type { DepartmentRuntime } from "../../services/gateway/src/department.ts";
import { ERROR_CODES, type ErrorCode } from "../../services/gateway/src/errors/codes.ts";
import { withCreditCheck, withResidentCheck } from "../identifiers/checkChars.ts";
import { call, type RunningGateway } from "./gatewayFixture.ts";

/** A synthetic resident (born 1980-05-01 in Huairou); `n` picks the person. */
export const applicant = (n: number) => ({
  idType: "resident-id" as const,
  idNumber: withResidentCheck(`11011619800501${String(n).padStart(3, "0")}`),
});

/** A synthetic shop's unified social credit code; `n` picks the organisation. */
export const shop = (n: number) => ({
  idType: "unified-social-credit-code" as const,
  idNumber: withCreditCheck(`9111011600000${String(n).padStart(4, "0")}`),
});

/** Valid fields of every credential type the theme scenarios and the film item ask for. */
export const FIELDS: Record<string, Record<string, unknown>> = {
  "resident-id-card": {
    name: "王五",
    sex: "女",
    ethnicity: "满",
    birthDate: "1980-05-01",
    address: "北京市怀柔区雁栖镇某村8号",
    issuingAuthority: "北京市公安局怀柔分局",
    validFrom: "2021-03-01",
  },
  "household-registration": {
    householdNumber: "110116001",
    householdType: "家庭户",
    householderName: "王五",
    relationshipToHouseholder: "户主",
    name: "王五",
    sex: "女",
    ethnicity: "满",
    birthDate: "1980-05-01",
    birthplace: "北京市怀柔区",
    nativePlace: "北京市怀柔区",
    registeredAddress: "北京市怀柔区雁栖镇某村8号",
    registrationAuthority: "雁栖派出所",
    registrationDate: "1980-06-01",
  },
  "real-estate-title": {
    certificateNumber: "京(2019)怀柔区不动产权第0001234号",
    rightHolder: "王五",
    ownershipType: "单独所有",
    location: "北京市怀柔区雁栖镇某村8号",
    unitNumber: "110116001001GB00001F00010001",
    rightType: "宅基地使用权/房屋所有权",
    rightNature: "宅基地",
    use: "住宅",
    registrationDate: "2019-09-09",
  },
  "house-lease-registration": {
    filingNumber: "HR-2022-0815",
    lessorName: "赵六",
    lesseeName: "王五",
    premisesAddress: "北京市怀柔区青春路12号底商",
    leaseAreaM2: 60,
    use: "商业",
    leaseStart: "2022-01-01",
    leaseEnd: "2026-12-31",
    monthlyRentYuan: 6000,
    filingDate: "2022-01-05",
  },
  "house-safety-appraisal": {
    reportNumber: "HSA-2022-031",
    ownerName: "王五",
    premisesAddress: "北京市怀柔区雁栖镇某村8号",
    structureType: "砖混",
    buildingAreaM2: 240,
    grade: "A",
    appraisalAgency: "北京某房屋安全鉴定有限公司",
    appraisalDate: "2022-04-01",
  },
  "health-certificate": {
    certificateNumber: "HC-2022-7788",
    name: "王五",
    sex: "女",
    sector: "食品",
    conclusion: "合格",
    examinationDate: "2022-03-01",
    issuingInstitution: "怀柔区疾病预防控制中心",
    validUntil: "2027-03-01",
  },
  "academic-degree-certificate": {
    diplomaNumber: "100011200205001234",
    name: "王五",
    institution: "北京某大学",
    major: "广播电视编导",
    educationLevel: "本科",
    studyMode: "全日制",
    enrolmentDate: "1998-09-01",
    graduationDate: "2002-07-01",
  },
  "business-licence": {
    name: "怀柔区某某便利店",
    entityType: "个体工商户",
    legalRepresentative: "王五",
    establishmentDate: "2022-05-01",
    domicile: "北京市怀柔区青春路12号底商",
    businessScope: "食品销售；日用百货销售",
    registrationAuthority: "北京市怀柔区市场监督管理局",
    issueDate: "2022-05-01",
  },
};

/** The issuing department of each of those types, as the catalogue has it. */
export const ISSUER: Record<string, string> = {
  "resident-id-card": "psb",
  "household-registration": "psb",
  "real-estate-title": "real-estate-registry",
  "house-lease-registration": "housing",
  "house-safety-appraisal": "housing",
  "health-certificate": "health",
  "academic-degree-certificate": "education",
  "business-licence": "market-regulation",
};

/** Issues a record of `type` about `subject` at its issuer (hosted by `gw`), with a year of validity so none expire. */
export async function issue(gw: RunningGateway, type: string, subject: { idType: string; idNumber: string }) {
  const department = ISSUER[type] ?? "";
  const validFrom = Math.floor(Date.now() / 1000) - 86_400;
  const response = await call("POST", `${gw.base(department)}/records`, gw.key(department, "issuer"), {
    credentialType: type,
    subject,
    fields: FIELDS[type],
    validFrom,
    validUntil: validFrom + 365 * 86_400,
  });
  expect(response.status, JSON.stringify(response.body)).toBe(202);
  return response.body as { recordHash: string; record: { fields: Record<string, unknown> } };
}

export function runtime(gw: RunningGateway, code: string): DepartmentRuntime {
  const found = gw.gateway.services.departments.get(code);
  if (!found) throw new Error(`${code} is not hosted`);
  return found;
}

/** Anchors what the departments have queued and brings the gateway's index up to date. */
export async function anchorAll(gw: RunningGateway, departments: string[]): Promise<void> {
  for (const code of departments) await gw.gateway.services.departments.get(code)?.worker.flush();
  await gw.gateway.services.index.syncNow();
}

/** Outcome status per material of an application answer. */
// biome-ignore lint/suspicious/noExplicitAny: tests read whatever JSON the gateway answered.
export const statuses = (application: any): Record<string, string> =>
  Object.fromEntries(
    application.materials.map((m: { credentialType: string; outcome: { status: string } }) => [
      m.credentialType,
      m.outcome.status,
    ]),
  );

/** The outcome of one material of an application answer. */
// biome-ignore lint/suspicious/noExplicitAny: tests read whatever JSON the gateway answered.
export const outcomeOf = (application: any, type: string): any =>
  application.materials.find((m: { credentialType: string }) => m.credentialType === type)?.outcome;

/** Asserts an RFC 9457 problem with the catalogue's code and status. */
export function expectProblem(
  // biome-ignore lint/suspicious/noExplicitAny: the body is whatever JSON the gateway answered.
  response: { status: number; body: any; headers: Headers },
  code: ErrorCode,
  field?: string,
): void {
  const context = JSON.stringify(response.body);
  expect(response.status, context).toBe(ERROR_CODES[code].status);
  expect(response.headers.get("content-type"), context).toMatch(/^application\/problem\+json/);
  expect(response.body, context).toMatchObject({ code, status: ERROR_CODES[code].status });
  if (field !== undefined) expect(response.body.field, context).toBe(field);
}

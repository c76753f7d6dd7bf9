// Synthetic applicants and the fields of their records, for the demo and the tests: no real person or shop.
import { creditCodeCheckChar } from "../../../lib/identifiers/creditCode.ts";
import { residentIdCheckChar } from "../../../lib/identifiers/residentId.ts";

/** A synthetic resident born 1980-05-01 in Huairou (area 110116); `n` (0-999) picks the person. */
export const applicant = (n: number) => {
  const body = `11011619800501${String(n % 1000).padStart(3, "0")}`;
  return { idType: "resident-id" as const, idNumber: body + residentIdCheckChar(body) };
};

/** A synthetic shop's unified social credit code; `n` (0-9999) picks the organisation. */
export const shop = (n: number) => {
  const body = `9111011600000${String(n % 10000).padStart(4, "0")}`;
  return { idType: "unified-social-credit-code" as const, idNumber: body + creditCodeCheckChar(body) };
};

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
  "fire-safety-inspection": {
    documentNumber: "怀消安检字〔2022〕第0815号",
    unitName: "怀柔区某某民宿",
    premisesAddress: "北京市怀柔区雁栖镇某村8号",
    premisesUse: "民宿",
    buildingAreaM2: 240,
    procedure: "告知承诺",
    result: "合格",
    issuingAuthority: "北京市怀柔区消防救援支队",
    issueDate: "2022-06-01",
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
  "fire-safety-inspection": "fire-rescue",
};

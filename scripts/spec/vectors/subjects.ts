// Vectors of SPEC.md §4: how a subject identifier is checked and normalised, and its subject reference.
import type { SubjectIdType } from "../../../lib/encoding/subjectRef.ts";
import { residentIdCheckChar, validateResidentId } from "../../../lib/identifiers/residentId.ts";
import { validateSubjectId } from "../../../lib/identifiers/subjectId.ts";
import { subjectSchema } from "../../../services/gateway/src/http/schemas.ts";
import { subjectRefOf } from "../../../services/gateway/src/records/issueRecord.ts";
import { accepted, type Case, firstIssue, refused } from "./cases.ts";
import { DISTRICT_KEY, OTHER_DISTRICT_KEY, RESIDENT, RESIDENT_X, SHOP, wrongCheck } from "./fixtures.ts";

interface IdInput {
  idType: SubjectIdType;
  idNumber: string;
  /** The moment of the check (ISO 8601), for the birth-date rule; absent: any moment after 2024. */
  now?: string;
}

const RESIDENT_CHECKS = "0123456789X";
const CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY";
const withResidentCheck = (body: string) => body + residentIdCheckChar(body);
const fullWidth = (s: string) => s.replace(/[0-9A-Za-z]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));

/** The identifier as the gateway takes it: the request schema, then the validator of its type. */
export function normalisedId(input: IdInput): string {
  const shape = subjectSchema.safeParse({ idType: input.idType, idNumber: input.idNumber });
  if (!shape.success) {
    throw new Error(firstIssue(shape.error));
  }
  const checked =
    input.now !== undefined && input.idType === "resident-id"
      ? validateResidentId(input.idNumber, new Date(input.now))
      : validateSubjectId(input.idType, input.idNumber);
  if (!checked.ok) throw new Error(checked.reason);
  return checked.normalised;
}

const resident = (idNumber: string, now?: string): IdInput => ({
  idType: "resident-id",
  idNumber,
  ...(now ? { now } : {}),
});
const credit = (idNumber: string): IdInput => ({ idType: "unified-social-credit-code", idNumber });
const passport = (idNumber: string): IdInput => ({ idType: "passport", idNumber });
const foreign = (idNumber: string): IdInput => ({ idType: "foreign-permanent-id", idNumber });

/** Born 1 July 2024: not yet born until that day begins in China (UTC+8), 16:00 UTC the day before. */
const BORN_1_JULY = withResidentCheck("11011620240701001");

const ACCEPTED: [string, IdInput][] = [
  ["a resident ID number", resident(RESIDENT)],
  ["a resident ID number's lower-case check letter x is upper-cased", resident(RESIDENT_X.toLowerCase())],
  ["surrounding spaces, tabs and line breaks are trimmed", resident(` \t${RESIDENT}\r\n`)],
  [
    "surrounding ideographic (U+3000) and no-break (U+00A0, U+FEFF) spaces are trimmed",
    resident(`\u3000${RESIDENT}\u00a0\ufeff`),
  ],
  ["a birth date that is today in China is accepted", resident(BORN_1_JULY, "2024-06-30T16:00:00.000Z")],
  ["a unified social credit code", credit(SHOP)],
  ["a unified social credit code's lower-case letters are upper-cased", credit(` ${SHOP.toLowerCase()} `)],
  ["a passport number is upper-cased", passport("e12345678")],
  ["upper-casing is Unicode's full mapping: ß becomes SS (and the length changes)", passport("E1234ß567")],
  ["a 2004 foreign permanent residence ID (3 letters, 12 digits)", foreign("usa110116800501")],
  ["a 2017 foreign permanent residence ID with a lower-case x", foreign("91101161980050123x")],
  ["ſ (U+017F) upper-cases to S and fits the letter rule", foreign("ſsa110116800501")],
];

const REFUSED: [string, IdInput][] = [
  [
    "an inner space is not removed: the number is then 19 characters",
    resident(`${RESIDENT.slice(0, 6)} ${RESIDENT.slice(6)}`),
  ],
  ["a space in place of a digit is refused", resident(`${RESIDENT.slice(0, 6)} ${RESIDENT.slice(7)}`)],
  ["a zero-width space (U+200B) is not whitespace and is not trimmed", resident(`\u200b${RESIDENT}`)],
  ["full-width digits are refused: no NFKC folding", resident(fullWidth(RESIDENT))],
  ["a full-width check letter ｘ is refused", resident(`${RESIDENT_X.slice(0, 17)}ｘ`)],
  ["a wrong check digit is refused", resident(wrongCheck(RESIDENT, RESIDENT_CHECKS))],
  ["17 characters are refused", resident(RESIDENT.slice(0, 17))],
  ["19 characters are refused", resident(`${RESIDENT}0`)],
  ["a first-generation 15-digit number is refused", resident("110116800501001")],
  ["an area code starting with 0 is refused", resident(withResidentCheck("01011619800501001"))],
  ["a birth date that does not exist is refused", resident(withResidentCheck("11011619800230001"))],
  ["a birth date before 1900 is refused", resident(withResidentCheck("11011618991231001"))],
  ["a birth date later than today in China is refused", resident(BORN_1_JULY, "2024-06-30T15:59:59.999Z")],
  ["an empty identifier is refused", resident("")],
  ["more than 64 characters are refused before trimming", resident(`${" ".repeat(47)}${RESIDENT}`)],
  ["a credit code with a wrong check character is refused", credit(wrongCheck(SHOP, CREDIT_ALPHABET))],
  ["a credit code with the letter O is refused", credit(`${SHOP.slice(0, 8)}O${SHOP.slice(9)}`)],
  ["a credit code of 17 characters is refused", credit(SHOP.slice(0, 17))],
  ["a passport number of 4 characters is refused", passport("E123")],
  ["a passport number with a hyphen is refused", passport("E-1234567")],
  ["a passport number in full-width letters and digits is refused", passport(fullWidth("EA123456"))],
  ["a foreign permanent residence ID of 16 characters is refused", foreign("USA1101168005012")],
  ["a 15-character foreign ID needs 3 letters first", foreign("US1110116800501")],
  ["an 18-character foreign ID needs a leading 9", foreign("811011619800501230")],
];

export function identifierCases(): Case[] {
  return [
    ...ACCEPTED.map(([name, input]) => accepted(name, input, () => ({ normalised: normalisedId(input) }))),
    ...REFUSED.map(([name, input]) => refused(name, input, () => normalisedId(input))),
  ];
}

interface RefInput {
  districtKey: string;
  idType: SubjectIdType;
  idNumber: string;
}

const ref = (idType: SubjectIdType, idNumber: string, districtKey: string = DISTRICT_KEY): RefInput => ({
  districtKey,
  idType,
  idNumber,
});

function subjectRefOutput(input: RefInput) {
  const key = Buffer.from(input.districtKey.replace(/^0x/, ""), "hex");
  const subjectRef = subjectRefOf({ idType: input.idType, idNumber: input.idNumber }, key);
  return { message: `${input.idType}:${normalisedId(input)}`, subjectRef };
}

export function subjectRefCases(): Case[] {
  const cases: [string, RefInput][] = [
    ["a resident", ref("resident-id", RESIDENT)],
    ["a resident whose check character is X", ref("resident-id", RESIDENT_X)],
    [
      "the same resident written with a lower-case x and spaces: the same reference",
      ref("resident-id", ` ${RESIDENT_X.toLowerCase()} `),
    ],
    ["an organisation", ref("unified-social-credit-code", SHOP)],
    ["the same organisation in lower case: the same reference", ref("unified-social-credit-code", SHOP.toLowerCase())],
    ["the same digits as a passport number: another reference (the type is hashed)", ref("passport", RESIDENT)],
    ["a foreign permanent resident", ref("foreign-permanent-id", "USA110116800501")],
    ["another district key: another reference", ref("resident-id", RESIDENT, OTHER_DISTRICT_KEY)],
  ];
  const refusals: [string, RefInput][] = [
    ["an identifier the validator refuses has no reference", ref("resident-id", wrongCheck(RESIDENT, RESIDENT_CHECKS))],
    ["a district key shorter than 32 bytes is refused", ref("resident-id", RESIDENT, DISTRICT_KEY.slice(0, 64))],
  ];
  return [
    ...cases.map(([name, input]) => accepted(name, input, () => subjectRefOutput(input))),
    ...refusals.map(([name, input]) => refused(name, input, () => subjectRefOutput(input))),
  ];
}

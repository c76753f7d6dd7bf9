// SPEC.md §4 written again from the document: normalising and checking identifiers, and the subject reference.
import { createHmac } from "node:crypto";

/** §4.1, step 1: the characters trimmed from both ends. */
const TRIMMED = new Set([
  0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x20, 0xa0, 0x1680, 0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006, 0x2007,
  0x2008, 0x2009, 0x200a, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000, 0xfeff,
]);

function trimmed(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && TRIMMED.has(s.charCodeAt(start))) start++;
  while (end > start && TRIMMED.has(s.charCodeAt(end - 1))) end--;
  return s.slice(start, end);
}

const RESIDENT_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY";
const CREDIT_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/** The reasons §4.1 gives: where a case's refusal is one of these, an implementation gives it too. */
export const SPEC_REASONS = new Set([
  "must be 18 characters",
  "must be 17 digits followed by a digit or X",
  "area code must start with a digit from 1 to 8",
  "birth date is before 1900",
  "birth date is not a real date",
  "birth date is in the future",
  "check digit does not match",
  "must use only digits and the letters A-Y except I, O, S, V",
  "check character does not match",
  "must be 5 to 20 letters or digits",
  "must be 15 or 18 characters",
  "a 15-character ID must be 3 letters followed by 12 digits",
  "an 18-character ID must be 9 and 16 digits followed by a digit or X",
]);

const refuse = (reason: string): never => {
  if (!SPEC_REASONS.has(reason)) throw new Error(`not a reason of §4.1: ${reason}`);
  throw new Error(reason);
};

function isGregorianDate(yyyymmdd: string): boolean {
  const [year, month, day] = [+yyyymmdd.slice(0, 4), +yyyymmdd.slice(4, 6), +yyyymmdd.slice(6, 8)];
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
  return days !== undefined && day >= 1 && day <= days;
}

/** Today's date in China (UTC+8) as yyyymmdd. */
function chinaToday(now: Date): string {
  const china = new Date(now.getTime() + 8 * 3_600_000);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${china.getUTCFullYear()}${pad(china.getUTCMonth() + 1)}${pad(china.getUTCDate())}`;
}

function checkResident(id: string, now: Date): void {
  if (id.length !== 18) refuse("must be 18 characters");
  if (!/^[0-9]{17}[0-9X]$/.test(id)) refuse("must be 17 digits followed by a digit or X");
  if (!/^[1-8]/.test(id)) refuse("area code must start with a digit from 1 to 8");
  const birth = id.slice(6, 14);
  if (birth < "19000101") refuse("birth date is before 1900");
  if (!isGregorianDate(birth)) refuse("birth date is not a real date");
  if (birth > chinaToday(now)) refuse("birth date is in the future");
  const sum = RESIDENT_WEIGHTS.reduce((acc, w, i) => acc + Number(id[i]) * w, 0);
  if ("10X98765432"[sum % 11] !== id[17]) refuse("check digit does not match");
}

function checkCreditCode(code: string): void {
  if (code.length !== 18) refuse("must be 18 characters");
  if (![...code].every((c) => CREDIT_ALPHABET.includes(c))) {
    refuse("must use only digits and the letters A-Y except I, O, S, V");
  }
  const sum = CREDIT_WEIGHTS.reduce((acc, w, i) => acc + CREDIT_ALPHABET.indexOf(code[i] as string) * w, 0);
  if (CREDIT_ALPHABET[(31 - (sum % 31)) % 31] !== code[17]) refuse("check character does not match");
}

function checkForeignId(id: string): void {
  if (id.length !== 15 && id.length !== 18) refuse("must be 15 or 18 characters");
  if (id.length === 15 && !/^[A-Z]{3}[0-9]{12}$/.test(id)) {
    refuse("a 15-character ID must be 3 letters followed by 12 digits");
  }
  if (id.length === 18 && !/^9[0-9]{16}[0-9X]$/.test(id)) {
    refuse("an 18-character ID must be 9 and 16 digits followed by a digit or X");
  }
}

/** §4.1: the normalised identifier, or a refusal. */
export function normalisedId(idType: string, idNumber: string, now = new Date()): string {
  if (idNumber.length < 1 || idNumber.length > 64) throw new Error("an identifier is 1 to 64 characters");
  const id = trimmed(idNumber).toUpperCase();
  if (idType === "resident-id") checkResident(id, now);
  else if (idType === "unified-social-credit-code") checkCreditCode(id);
  else if (idType === "passport") {
    if (!/^[0-9A-Z]{5,20}$/.test(id)) refuse("must be 5 to 20 letters or digits");
  } else if (idType === "foreign-permanent-id") checkForeignId(id);
  else throw new Error(`no identifier type ${idType}`);
  return id;
}

/** §4.2: the HMAC message and the reference. */
export function subjectRef(districtKeyHex: string, idType: string, idNumber: string) {
  const message = `${idType}:${normalisedId(idType, idNumber)}`;
  const key = Buffer.from(districtKeyHex.replace(/^0x/, ""), "hex");
  if (key.length < 32) throw new Error("a district key is 32 bytes");
  return { message, subjectRef: `0x${createHmac("sha256", key).update(message, "utf8").digest("hex")}` };
}

// Validation of Chinese resident identity numbers (GB 11643-1999): shape, area, birth date, check digit.
import { accepted, type IdValidation, refused } from "./validation.ts";

/** Weights of the first 17 characters: 2^(17-i) mod 11, the ISO 7064 MOD 11-2 weights. */
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
/** The check character for each remainder of the weighted sum modulo 11. */
const CHECK_CHARS = "10X98765432";
/** Birth dates are civil dates in China (UTC+8, no daylight saving since 1991), not UTC ones. */
const CHINA_OFFSET_MS = 8 * 60 * 60 * 1000;

/**
 * Validates an 18-character resident identity number. `now` fixes "today" for the birth-date check; a birth date
 * later than today in China is refused, and so is one before 1900, which no living resident has.
 */
export function validateResidentId(id: string, now: Date = new Date()): IdValidation {
  const normalised = id.trim().toUpperCase();
  if (normalised.length !== 18) return refused("must be 18 characters");
  if (!/^\d{17}[\dX]$/.test(normalised)) return refused("must be 17 digits followed by a digit or X");
  if (!/^[1-8]/.test(normalised)) return refused("area code must start with a digit from 1 to 8");
  const birthDate = normalised.slice(6, 14);
  if (birthDate < "19000101") return refused("birth date is before 1900");
  if (!isCalendarDate(birthDate)) return refused("birth date is not a real date");
  if (birthDate > chinaDate(now)) return refused("birth date is in the future");
  if (residentIdCheckChar(normalised.slice(0, 17)) !== normalised[17]) return refused("check digit does not match");
  return accepted(normalised);
}

/** The ISO 7064 MOD 11-2 check character of 17 digits. */
export function residentIdCheckChar(body: string): string {
  let sum = 0;
  for (const [i, weight] of WEIGHTS.entries()) sum += Number(body[i]) * weight;
  return CHECK_CHARS[sum % 11] as string;
}

/** Whether `yyyymmdd` names a day that exists; Date.UTC rolls 0230 over into March, which the round trip catches. */
function isCalendarDate(yyyymmdd: string): boolean {
  const year = Number(yyyymmdd.slice(0, 4));
  const month = Number(yyyymmdd.slice(4, 6));
  const day = Number(yyyymmdd.slice(6, 8));
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** Today's date in China as `yyyymmdd`. */
function chinaDate(now: Date): string {
  return new Date(now.getTime() + CHINA_OFFSET_MS).toISOString().slice(0, 10).replaceAll("-", "");
}

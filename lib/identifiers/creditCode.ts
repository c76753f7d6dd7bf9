// Validation of unified social credit codes (GB 32100-2015): alphabet and weighted check character.
import { accepted, type IdValidation, refused } from "./validation.ts";

/** The code's 31 characters; I, O, S, V and Z are left out so they cannot be misread as 1, 0, 5, U and 2. */
const ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY";
/** Weights of the first 17 characters: 3^i mod 31. */
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28] as const;

/** Validates an 18-character unified social credit code; letters may be given in lower case. */
export function validateCreditCode(code: string): IdValidation {
  const normalised = code.trim().toUpperCase();
  if (normalised.length !== 18) return refused("must be 18 characters");
  if (![...normalised].every((c) => ALPHABET.includes(c))) {
    return refused("must use only digits and the letters A-Y except I, O, S, V");
  }
  if (creditCodeCheckChar(normalised.slice(0, 17)) !== normalised[17]) {
    return refused("check character does not match");
  }
  return accepted(normalised);
}

/** The check character of the first 17 characters (each from the alphabet). */
export function creditCodeCheckChar(body: string): string {
  let sum = 0;
  for (const [i, weight] of WEIGHTS.entries()) sum += ALPHABET.indexOf(body[i] as string) * weight;
  return ALPHABET[(31 - (sum % 31)) % 31] as string;
}

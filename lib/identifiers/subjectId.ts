// Validation of any subject identifier the gateway accepts, by identifier type, before its subject reference is made.
import type { SubjectIdType } from "../encoding/subjectRef.ts";
import { validateCreditCode } from "./creditCode.ts";
import { validateResidentId } from "./residentId.ts";
import { accepted, type IdValidation, refused } from "./validation.ts";

/**
 * Validates `idNumber` as an identifier of `idType`. The normalised form is what `subjectRef` should be given, so that
 * every spelling of one identifier leads to one subject reference.
 */
export function validateSubjectId(idType: SubjectIdType, idNumber: string): IdValidation {
  switch (idType) {
    case "resident-id":
      return validateResidentId(idNumber);
    case "unified-social-credit-code":
      return validateCreditCode(idNumber);
    case "passport":
      return validatePassport(idNumber);
    case "foreign-permanent-id":
      return validateForeignPermanentId(idNumber);
    default:
      return idType satisfies never;
  }
}

/** Passports of every country come here, so only what all of them share is checked. */
function validatePassport(idNumber: string): IdValidation {
  const normalised = idNumber.trim().toUpperCase();
  if (!/^[0-9A-Z]{5,20}$/.test(normalised)) return refused("must be 5 to 20 letters or digits");
  return accepted(normalised);
}

/**
 * Foreign permanent residence IDs: the 2004 card's 15 characters (3-letter nationality code, 12 digits) or the 2017
 * card's 18 (a leading 9, 16 digits, a check digit or X). Only the shape is checked: a stricter rule that missed a
 * card variant would turn a resident away, while a mistyped number only yields a subject reference that matches nothing.
 */
function validateForeignPermanentId(idNumber: string): IdValidation {
  const normalised = idNumber.trim().toUpperCase();
  if (normalised.length !== 15 && normalised.length !== 18) return refused("must be 15 or 18 characters");
  if (normalised.length === 15 && !/^[A-Z]{3}\d{12}$/.test(normalised)) {
    return refused("a 15-character ID must be 3 letters followed by 12 digits");
  }
  if (normalised.length === 18 && !/^9\d{16}[\dX]$/.test(normalised)) {
    return refused("an 18-character ID must be 9 and 16 digits followed by a digit or X");
  }
  return accepted(normalised);
}

// Subject references: the only form in which a person or organisation appears on chain.
import { createHmac } from "node:crypto";
import { secretKey } from "../crypto/secretKeys.ts";
import type { Hex32 } from "./canonical.ts";

/** The kinds of subject identifier the district uses. */
export type SubjectIdType = "resident-id" | "unified-social-credit-code" | "passport" | "foreign-permanent-id";

/**
 * HMAC-SHA256 of `idType:idNumber` under the district's secret. A plain hash would not do: an 18-digit ID number
 * is brute-forced in milliseconds once area and birth date are known. Letters are upper-cased and spaces removed,
 * so that an ID number ending in a lower-case "x" and the same number ending in "X" name the same person.
 */
export function subjectRef(districtSecret: Uint8Array, idType: SubjectIdType, idNumber: string): Hex32 {
  if (districtSecret.length < 32) throw new RangeError("the district secret must be at least 32 bytes");
  const normalised = idNumber.replace(/\s+/g, "").toUpperCase();
  return `0x${createHmac("sha256", secretKey(districtSecret)).update(`${idType}:${normalised}`, "utf8").digest("hex")}`;
}

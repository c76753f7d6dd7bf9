// Fixed inputs of the test vectors: keys, salts and subjects, all synthetic and derived from labels, so each run of
// the generator writes the same file and none of it is a real key or a real person's identifier.
import { createHash } from "node:crypto";
import type { Hex32 } from "../../../lib/encoding/canonical.ts";
import { applicant, shop } from "../../lib/demo/samples.ts";

/** sha256 of a label, as 0x-prefixed lowercase hex: a fixed 32-byte value nobody uses for anything else. */
export const fixed32 = (label: string): Hex32 => `0x${createHash("sha256").update(label, "utf8").digest("hex")}`;

/** The district key of the vectors (hex); the real one is DISTRICT_SECRET, which never leaves the gateways. */
export const DISTRICT_KEY = fixed32("oncechain spec vectors: district key");
export const OTHER_DISTRICT_KEY = fixed32("oncechain spec vectors: another district key");

export const salt = (n: number): Hex32 => fixed32(`oncechain spec vectors: salt ${n}`);

/** Synthetic subjects (scripts/lib/demo/samples.ts): residents born 1980-05-01 in Huairou, shops there. */
export const RESIDENT = applicant(1).idNumber;
/** A resident whose check character is X. */
export const RESIDENT_X = applicant(8).idNumber;
/** A shop whose check character is a letter. */
export const SHOP = shop(1).idNumber;

/** `id` with its last character replaced by the next one of `alphabet`: a wrong check character. */
export function wrongCheck(id: string, alphabet: string): string {
  const last = id.at(-1) as string;
  return id.slice(0, -1) + (alphabet[(alphabet.indexOf(last) + 1) % alphabet.length] as string);
}

/** 1 May 2024 09:30 in Beijing: the moment the records of the vectors are issued. */
export const ISSUED_AT_SECONDS = Date.UTC(2024, 4, 1, 1, 30) / 1000;

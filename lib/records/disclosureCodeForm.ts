// The form of a disclosure's code (SPEC §3.6) apart from inflating it: its prefix, its Base45, the bound on what it
// inflates to and the UTF-8 it must inflate to. Node (the gateway, the audit CLI) inflates with zlib and the web page
// with DecompressionStream; both read the code with these.
import { Base45Error, base45Decode } from "../encoding/base45.ts";

export const DISCLOSURE_CODE_PREFIX = "OC1:";

/** The most bytes a code's disclosure may inflate to: a disclosure of every field of a large record, with room. */
export const DISCLOSURE_CODE_MAX_BYTES = 256 * 1024;

export class DisclosureCodeError extends Error {
  override name = "DisclosureCodeError";
}

/** The deflated bytes a code carries, or DisclosureCodeError: another prefix, or a character outside Base45. */
export function disclosureCodeBytes(code: string): Uint8Array {
  const text = code.trim();
  if (!text.startsWith(DISCLOSURE_CODE_PREFIX)) {
    throw new DisclosureCodeError(`a disclosure's code begins with ${DISCLOSURE_CODE_PREFIX}`);
  }
  try {
    return base45Decode(text.slice(DISCLOSURE_CODE_PREFIX.length));
  } catch (error) {
    if (error instanceof Base45Error)
      throw new DisclosureCodeError(`the text after ${DISCLOSURE_CODE_PREFIX} is no Base45: ${error.message}`);
    throw error;
  }
}

/** The JSON text of the inflated bytes, or DisclosureCodeError when they are not UTF-8. */
export function disclosureCodeUtf8(json: Uint8Array): string {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(json);
  } catch {
    throw new DisclosureCodeError("it inflates to bytes that are not UTF-8");
  }
}

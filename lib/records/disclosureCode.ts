// A disclosure carried as text a QR code holds (SPEC §3.6), for a printed certificate: `OC1:` and the Base45 of the
// zlib-deflated canonical JSON of the disclosure, all in the QR alphanumeric alphabet (as the EU Digital COVID
// Certificate's HC1: is). Whoever scans it has the disclosure itself, to verify offline against the chain.
import { deflateSync, inflateSync } from "node:zlib";
import QRCode from "qrcode";
import { base45Encode } from "../encoding/base45.ts";
import { canonicalize } from "../encoding/canonical.ts";
import {
  DISCLOSURE_CODE_MAX_BYTES,
  DISCLOSURE_CODE_PREFIX,
  DisclosureCodeError,
  disclosureCodeBytes,
  disclosureCodeUtf8,
} from "./disclosureCodeForm.ts";

export { DISCLOSURE_CODE_MAX_BYTES, DISCLOSURE_CODE_PREFIX, DisclosureCodeError };

/** The text of the code: `OC1:` + Base45(zlib(canonical JSON)). */
export function disclosureCode(disclosure: unknown): string {
  return DISCLOSURE_CODE_PREFIX + base45Encode(deflateSync(canonicalize(disclosure), { level: 9 }));
}

/**
 * The JSON text a code carries (to be parsed and checked as any disclosure file is), or DisclosureCodeError saying why
 * it carries none: another prefix, a character outside Base45, bytes that are not zlib, or more than the bound.
 */
export function disclosureCodeText(code: string): string {
  const deflated = disclosureCodeBytes(code);
  let json: Buffer;
  try {
    json = inflateSync(deflated, { maxOutputLength: DISCLOSURE_CODE_MAX_BYTES });
  } catch (error) {
    const tooLong = (error as { code?: string }).code === "ERR_BUFFER_TOO_LARGE";
    throw new DisclosureCodeError(
      tooLong
        ? `it inflates to more than ${DISCLOSURE_CODE_MAX_BYTES} bytes`
        : "its bytes are not zlib-deflated data (RFC 1950)",
    );
  }
  return disclosureCodeUtf8(json);
}

/** qrcode's refusal of more than a version-40 code holds at the level chosen. */
const TOO_BIG = /amount of data is too big/i;

/**
 * The code as an SVG image, error correction level M (15% of the code may be lost to a scuff or a fold); undefined
 * when the code holds more than one QR code can at that level (~3,390 characters: fewer fields make one).
 */
export async function disclosureCodeSvg(code: string): Promise<string | undefined> {
  try {
    return await QRCode.toString(code, { type: "svg", errorCorrectionLevel: "M", margin: 4 });
  } catch (error) {
    if (error instanceof Error && TOO_BIG.test(error.message)) return undefined;
    throw error;
  }
}

/** The code as a PNG image, for printing. */
export function disclosureCodePng(code: string): Promise<Buffer> {
  return QRCode.toBuffer(code, { type: "png", errorCorrectionLevel: "M", margin: 4, scale: 4 });
}

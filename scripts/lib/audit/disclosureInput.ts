// What verify-disclosure reads: a disclosure as a JSON file, as the text of its QR code (OC1:…, SPEC §3.6) in a file,
// or as a PNG image of the code (a scan or a photograph of a printed certificate, cropped to the code).
import { readFile, stat } from "node:fs/promises";
import jsQRModule from "jsqr";
import { PNG } from "pngjs";
import {
  DISCLOSURE_CODE_PREFIX,
  DisclosureCodeError,
  disclosureCodeText,
} from "../../../lib/records/disclosureCode.ts";
import { AuditInputError } from "./command.ts";
import { inputPath, readInputJson, refuseAmbiguousMembers } from "./inputFile.ts";

// jsqr is CommonJS whose types declare a default export: Node's ESM loader gives its module.exports, the function.
const jsQR = jsQRModule as unknown as typeof jsQRModule.default;

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** The largest file read: a disclosure of every field of a large record is far less, a scan of a code too. */
export const DISCLOSURE_INPUT_MAX_BYTES = 8 * 1024 * 1024;
/** The widest and tallest image read: a code printed at 300 dpi and scanned whole is well under this. */
export const CODE_IMAGE_MAX_SIDE = 4096;

/** The disclosure's JSON value, however the file carries it; AuditInputError naming the file when it carries none. */
export async function readDisclosureInput(file: string): Promise<unknown> {
  let bytes: Buffer;
  try {
    const size = (await stat(inputPath(file))).size;
    if (size > DISCLOSURE_INPUT_MAX_BYTES) {
      throw new AuditInputError(`${file}: ${size} bytes is more than a disclosure (${DISCLOSURE_INPUT_MAX_BYTES})`);
    }
    bytes = await readFile(inputPath(file));
  } catch (error) {
    if (error instanceof AuditInputError) throw error;
    throw new AuditInputError(`${file}: cannot read: ${(error as Error).message}`);
  }
  let code: string;
  if (bytes.subarray(0, 8).equals(PNG_SIGNATURE)) code = codeInImage(file, bytes);
  else if (bytes.toString("latin1").trimStart().startsWith(DISCLOSURE_CODE_PREFIX)) code = bytes.toString("latin1");
  else return readInputJson(file);
  let text: string;
  try {
    text = disclosureCodeText(code);
  } catch (error) {
    if (error instanceof DisclosureCodeError)
      throw new AuditInputError(`${file}: not a disclosure's code: ${error.message}`);
    throw error;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new AuditInputError(`${file}: the code's disclosure is not valid JSON`);
  }
  refuseAmbiguousMembers(file, text);
  return value;
}

/**
 * The text of the one QR code in a PNG image. Its size is read from the header (IHDR) first: pngjs allocates what the
 * header claims and inflates interlaced images without a bound, so a few bytes could ask for gigabytes.
 */
function codeInImage(file: string, bytes: Buffer): string {
  const isHeader = bytes.length >= 29 && bytes.toString("latin1", 12, 16) === "IHDR";
  if (!isHeader) throw new AuditInputError(`${file}: not a PNG image that can be read (no header)`);
  const width = bytes.readUInt32BE(16);
  const height = bytes.readUInt32BE(20);
  if (width > CODE_IMAGE_MAX_SIDE || height > CODE_IMAGE_MAX_SIDE) {
    throw new AuditInputError(
      `${file}: an image of ${width} × ${height} pixels is larger than a code's scan (${CODE_IMAGE_MAX_SIDE} a side)`,
    );
  }
  if (bytes[28] !== 0) throw new AuditInputError(`${file}: an interlaced PNG image is not read: save it without`);
  let image: PNG;
  try {
    image = PNG.sync.read(bytes);
  } catch {
    throw new AuditInputError(`${file}: not a PNG image that can be read`);
  }
  let found: ReturnType<typeof jsQR>;
  try {
    found = jsQR(
      new Uint8ClampedArray(image.data.buffer, image.data.byteOffset, image.data.length),
      image.width,
      image.height,
    );
  } catch {
    throw new AuditInputError(`${file}: the image could not be read for a QR code`);
  }
  if (!found) throw new AuditInputError(`${file}: no QR code found in the image`);
  return found.data;
}

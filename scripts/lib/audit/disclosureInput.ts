// What verify-disclosure reads: a disclosure as a JSON file, as the text of its QR code (OC1:…, SPEC §3.6) in a file,
// or as a PNG image of the code (a scan or a photograph of a printed certificate, cropped to the code).
import { readFile } from "node:fs/promises";
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

/** The disclosure's JSON value, however the file carries it; AuditInputError naming the file when it carries none. */
export async function readDisclosureInput(file: string): Promise<unknown> {
  let bytes: Buffer;
  try {
    bytes = await readFile(inputPath(file));
  } catch (error) {
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

/** The text of the one QR code in a PNG image. */
function codeInImage(file: string, bytes: Buffer): string {
  let image: PNG;
  try {
    image = PNG.sync.read(bytes);
  } catch {
    throw new AuditInputError(`${file}: not a PNG image that can be read`);
  }
  const found = jsQR(
    new Uint8ClampedArray(image.data.buffer, image.data.byteOffset, image.data.length),
    image.width,
    image.height,
  );
  if (!found) throw new AuditInputError(`${file}: no QR code found in the image`);
  return found.data;
}

// Base45 (RFC 9285): bytes as characters of a QR code's alphanumeric mode, which carries 5.5 bits a character against
// byte mode's 8, so a payload takes ~1.45 characters a byte instead of base64's 1.33 bytes of 8 bits. Written here
// rather than taken from npm: the package there decodes any string without complaint (a character outside the
// alphabet, a triple above 65535, a dangling character), and a scanned code is hostile input.
const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";
const VALUE = new Map([...ALPHABET].map((c, i) => [c, i]));

export class Base45Error extends Error {
  override name = "Base45Error";
}

const char = (value: number) => ALPHABET[value] as string;

export function base45Encode(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i + 1 < bytes.length; i += 2) {
    const n = (bytes[i] as number) * 256 + (bytes[i + 1] as number);
    out += char(n % 45) + char(Math.floor(n / 45) % 45) + char(Math.floor(n / 2025));
  }
  if (bytes.length % 2 === 1) {
    const n = bytes[bytes.length - 1] as number;
    out += char(n % 45) + char(Math.floor(n / 45));
  }
  return out;
}

/** The bytes a Base45 string spells; Base45Error (naming the character's position) for any string that spells none. */
export function base45Decode(text: string): Buffer {
  if (text.length % 3 === 1) throw new Base45Error(`a length of ${text.length} leaves one character over`);
  const out = Buffer.alloc(Math.floor(text.length / 3) * 2 + (text.length % 3 === 2 ? 1 : 0));
  const digit = (i: number) => {
    const v = VALUE.get(text[i] as string);
    if (v === undefined) throw new Base45Error(`character ${i + 1} is not in the Base45 alphabet`);
    return v;
  };
  let o = 0;
  for (let i = 0; i < text.length; i += 3) {
    if (i + 2 < text.length) {
      const n = digit(i) + digit(i + 1) * 45 + digit(i + 2) * 2025;
      if (n > 0xffff) throw new Base45Error(`characters ${i + 1} to ${i + 3} spell ${n}, more than two bytes hold`);
      out[o++] = n >> 8;
      out[o++] = n & 0xff;
    } else {
      const n = digit(i) + digit(i + 1) * 45;
      if (n > 0xff) throw new Base45Error(`characters ${i + 1} and ${i + 2} spell ${n}, more than a byte holds`);
      out[o++] = n;
    }
  }
  return out;
}

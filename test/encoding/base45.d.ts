// The npm package base45 ships no types: its two functions, as its index.js defines them.
declare module "base45" {
  export function encode(bytes: Uint8Array | string): string;
  export function decode(text: string): Buffer;
  const base45: { encode: typeof encode; decode: typeof decode };
  export default base45;
}

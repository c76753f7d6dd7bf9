// node:crypto as the shared hash rules use it, in the browser: sha256 in WebAssembly (the same hash-wasm the gateway's
// format-2 hashing uses) and random bytes from the Web Crypto API.
import { Buffer } from "buffer";
import { sha256Bytes } from "../../../lib/encoding/sha256.ts";

/** crypto.hash(algorithm, data): sha256 only, as hex (Node's default output). */
export function hash(algorithm: string, data: string | Uint8Array): string {
  if (algorithm !== "sha256") throw new Error(`no ${algorithm} in the browser's stand-in for node:crypto`);
  return Buffer.from(sha256Bytes(data)).toString("hex");
}

export function randomBytes(size: number): Buffer {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(size)));
}

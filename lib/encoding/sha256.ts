// SHA-256 in WebAssembly (hash-wasm), for the many short inputs of a format-2 record: a field's value and the two
// halves of its salt's HMAC. Node's OpenSSL is faster on long inputs, but each createHash costs ~4.6 µs here and each
// one-shot hash() ~2 µs before a byte is hashed, against ~0.8 µs for a whole short hash in WebAssembly.
import { createSHA256 } from "hash-wasm";

const hasher = await createSHA256();

/** sha256(data) as 32 bytes; a string is hashed as its UTF-8 bytes. */
export function sha256Bytes(data: Uint8Array | string): Buffer {
  hasher.init();
  hasher.update(data);
  return Buffer.from(hasher.digest("binary"));
}

/**
 * sha256(prefix ‖ data) for many `data` after one `prefix` whose length is a whole number of 64-byte blocks (an HMAC
 * key's padded block): the prefix is compressed once, and each call continues a copy of that state.
 */
export function sha256After(prefix: Uint8Array): (data: Uint8Array) => Buffer {
  if (prefix.length % 64 !== 0) throw new RangeError("the prefix is not a whole number of 64-byte blocks");
  hasher.init();
  hasher.update(prefix);
  const state = hasher.save();
  return (data) => {
    hasher.load(state);
    hasher.update(data);
    return Buffer.from(hasher.digest("binary"));
  };
}

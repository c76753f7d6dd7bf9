// Keccak-256 as the EVM computes it, in WebAssembly (hash-wasm). One permutation costs ~0.5 µs here against ~6 µs in
// ethers' JavaScript keccak, and the gateway hashes on every request that presents a batched record (its leaf and
// proof) and for every batch it builds. Node's OpenSSL has SHA3-256 but not Keccak-256 (a different padding).
import { createKeccak } from "hash-wasm";

const hasher = await createKeccak(256);

/** keccak256(data) as 32 bytes; the same as ethers' `keccak256`, without the hex round trip. */
export function keccak256Bytes(data: Uint8Array): Buffer {
  hasher.init();
  hasher.update(data);
  // A copy: wrapping the digest's own ArrayBuffer would move it off V8's heap, which costs more than the hash.
  return Buffer.from(hasher.digest("binary"));
}

/**
 * The EIP-55 mixed-case form of an address given as 40 hex digits (any case, with or without 0x): ethers'
 * `getAddress` for a well-formed address, with the hash in WebAssembly (ethers' costs a JavaScript keccak per call).
 */
export function checksumAddress(address: string): string {
  const hex = address.replace(/^0x/i, "").toLowerCase();
  if (!/^[0-9a-f]{40}$/.test(hex)) throw new Error("an address is 40 hex digits");
  const hash = keccak256Bytes(Buffer.from(hex, "ascii"));
  let out = "0x";
  for (let i = 0; i < 40; i++) {
    const nibble = ((hash[i >> 1] as number) >> (i % 2 === 0 ? 4 : 0)) & 0xf;
    out += nibble >= 8 ? (hex[i] as string).toUpperCase() : hex[i];
  }
  return out;
}

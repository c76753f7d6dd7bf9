// Secret keys as Node KeyObjects, made once per key: node:crypto checks whether a key it is given is a KeyObject by a
// test that throws and catches for anything else, which for a Buffer key cost more than the HMAC or the AES-GCM open
// it keyed (~4% of a gateway's CPU answering peer queries, bench/federation.ts). The keys are the district secret and
// each department's data keys, held for the life of the process and never changed in place.
import { createSecretKey, type KeyObject } from "node:crypto";

const made = new WeakMap<Uint8Array, KeyObject>();

/** The KeyObject of `key`'s bytes, the same object for the same key. */
export function secretKey(key: Uint8Array): KeyObject {
  let found = made.get(key);
  if (!found) {
    found = createSecretKey(key);
    made.set(key, found);
  }
  return found;
}

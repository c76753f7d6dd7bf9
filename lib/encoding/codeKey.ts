// On-chain key of a catalogue code (department, credential type, scenario): keccak256 of its UTF-8 bytes.
import { keccak256, toUtf8Bytes } from "ethers";
import type { Hex32 } from "./canonical.ts";

/** The bytes32 the registries index a code by; the same as `keccak256(bytes(code))` in Solidity. */
export function codeKey(code: string): Hex32 {
  return keccak256(toUtf8Bytes(code)) as Hex32;
}

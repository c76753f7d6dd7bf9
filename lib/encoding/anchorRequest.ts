// The EIP-712 form of a delegated anchoring request, as CredentialRecordRegistry.anchorBySig recovers it.
import type { BigNumberish, TypedDataDomain, TypedDataField } from "ethers";

/** The EIP-712 type of a delegated anchoring request (the contract's _ANCHOR_TYPEHASH). */
export const ANCHOR_TYPES: Record<string, TypedDataField[]> = {
  Anchor: [
    { name: "recordHash", type: "bytes32" },
    { name: "subjectRef", type: "bytes32" },
    { name: "credentialType", type: "uint32" },
    { name: "validFrom", type: "uint64" },
    { name: "validUntil", type: "uint64" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint256" },
  ],
};

/** The EIP-712 domain of a CredentialRecordRegistry deployment on a chain. */
export function recordsDomain(chainId: BigNumberish, verifyingContract: string): TypedDataDomain {
  return { name: "oncechain records", version: "1", chainId, verifyingContract };
}

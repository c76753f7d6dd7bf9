// The EIP-712 form of a delegated anchoring request, as CredentialRecordRegistry.anchorBySig recovers it.
import type { BigNumberish, TypedDataDomain, TypedDataField } from "ethers";
import type { RecordAnchor } from "./recordLeaf.ts";

/** The EIP-712 type of a delegated anchoring request (the contract's _ANCHOR_TYPEHASH). */
export const ANCHOR_TYPES: Record<string, TypedDataField[]> = {
  Anchor: [
    { name: "issuer", type: "uint32" },
    { name: "recordHash", type: "bytes32" },
    { name: "subjectRef", type: "bytes32" },
    { name: "credentialType", type: "uint32" },
    { name: "validFrom", type: "uint64" },
    { name: "validUntil", type: "uint64" },
    { name: "signerEpoch", type: "uint32" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint256" },
  ],
};

/** Who signs a delegated request, for which department, under which key epoch and nonce, until when. */
export interface AnchorTerms {
  signer: string;
  /** The department the signer signs for. */
  issuer: BigNumberish;
  /** DepartmentRegistry.signerEpoch(signer) at signing. */
  signerEpoch: BigNumberish;
  /** A keyed nonce: key << 64 | sequence (CredentialRecordRegistry.nonces(signer, key)). */
  nonce: BigNumberish;
  deadline: BigNumberish;
}

/** The values a signer signs (the EIP-712 message), for `record` under `terms`. */
export function anchorMessage(record: RecordAnchor, terms: AnchorTerms) {
  const { signer: _signer, ...signed } = terms;
  return { ...record, ...signed };
}

/** The EIP-712 domain of a CredentialRecordRegistry deployment on a chain. */
export function recordsDomain(chainId: BigNumberish, verifyingContract: string): TypedDataDomain {
  return { name: "oncechain records", version: "2", chainId, verifyingContract };
}

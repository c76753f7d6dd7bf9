// How one department's gateway signs a request to another's: EIP-191 over method, path, body hash, time and sender.
import { createHash } from "node:crypto";
import type { Signer } from "ethers";
import { canonicalize } from "../../../../lib/encoding/canonical.ts";

export const FEDERATION_HEADERS = {
  department: "x-oncechain-department",
  timestamp: "x-oncechain-timestamp",
  signature: "x-oncechain-signature",
} as const;

export interface SignedParts {
  method: string;
  /** The path under the gateway root, `/departments/<issuer>/...`: a proxy prefix in front of it is not signed. */
  path: string;
  body: unknown;
  /** Unix milliseconds. */
  timestamp: number;
  /** Code of the department whose signer signs. */
  department: string;
}

/**
 * The body is hashed in its RFC 8785 form rather than as sent, so that the issuer can check the signature against
 * the parsed body it validates, without keeping the raw bytes; two bodies that differ in meaning differ in this hash.
 */
export function federationMessage(parts: SignedParts): string {
  const bodyHash = createHash("sha256")
    .update(canonicalize(parts.body ?? null), "utf8")
    .digest("hex");
  return [
    "oncechain-federation/1",
    parts.method.toUpperCase(),
    parts.path,
    bodyHash,
    String(parts.timestamp),
    parts.department,
  ].join("\n");
}

/** The headers that authenticate a request as `parts.department`'s. */
export async function signFederationRequest(signer: Signer, parts: SignedParts): Promise<Record<string, string>> {
  return {
    [FEDERATION_HEADERS.department]: parts.department,
    [FEDERATION_HEADERS.timestamp]: String(parts.timestamp),
    [FEDERATION_HEADERS.signature]: await signer.signMessage(federationMessage(parts)),
  };
}

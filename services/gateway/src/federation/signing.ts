// How one department's gateway signs a request to another's: EIP-191 over method, path, body hash, time, a nonce and
// the sender.
import { createHash, randomBytes } from "node:crypto";
import type { Signer } from "ethers";
import { canonicalize } from "../../../../lib/encoding/canonical.ts";

export const FEDERATION_HEADERS = {
  department: "x-oncechain-department",
  timestamp: "x-oncechain-timestamp",
  nonce: "x-oncechain-nonce",
  signature: "x-oncechain-signature",
} as const;

/** A request's nonce: 16 random bytes, hex. The issuer keeps the nonces it has seen for as long as a request is fresh. */
export const newNonce = () => randomBytes(16).toString("hex");

export interface SignedParts {
  method: string;
  /** The path under the gateway root, `/departments/<issuer>/...`: a proxy prefix in front of it is not signed. */
  path: string;
  body: unknown;
  /** Unix milliseconds. */
  timestamp: number;
  /** Single use: a request with a nonce the issuer has seen is refused, even after the issuer restarts. */
  nonce: string;
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
    "oncechain-federation/2",
    parts.method.toUpperCase(),
    parts.path,
    bodyHash,
    String(parts.timestamp),
    parts.nonce,
    parts.department,
  ].join("\n");
}

/** The headers that authenticate a request as `parts.department`'s. */
export async function signFederationRequest(signer: Signer, parts: SignedParts): Promise<Record<string, string>> {
  return {
    [FEDERATION_HEADERS.department]: parts.department,
    [FEDERATION_HEADERS.timestamp]: String(parts.timestamp),
    [FEDERATION_HEADERS.nonce]: parts.nonce,
    [FEDERATION_HEADERS.signature]: await signer.signMessage(federationMessage(parts)),
  };
}

// How one department's gateway signs a request to another's: RFC 9421 HTTP Message Signatures over the method, the
// target URI and the body's RFC 9530 Content-Digest, made with the department's signer key (EIP-191), keyid naming it.
import { createHash, randomBytes } from "node:crypto";
import { getBytes } from "ethers";
import { httpbis } from "http-message-signatures";
import { parseItem, serializeList } from "structured-headers";
import { eip191Sign } from "./eip191.ts";

/** The label of the one signature a peer request carries, in `Signature-Input` and `Signature`. */
export const PEER_SIGNATURE_LABEL = "peer";
/**
 * RFC 9421 `tag`: names this profile, which fixes the algorithm (EIP-191 with secp256k1, the key a chain can list),
 * so `alg` is not sent: the HTTP Signature Algorithms registry has no name for it.
 */
export const PEER_SIGNATURE_TAG = "oncechain-peer/1";
/** What a peer request's signature covers, in this order. */
export const PEER_COVERED_COMPONENTS = ["@method", "@target-uri", "content-digest", "content-type"] as const;
/** The signature parameters, in this order. */
export const PEER_SIGNATURE_PARAMS = ["created", "expires", "nonce", "keyid", "tag"] as const;
/** How long a signature is valid after `created`: the issuer allows the same skew of the clocks either way. */
export const PEER_SIGNATURE_LIFETIME_S = 60;

/** A request's nonce: 16 random bytes, hex. The issuer keeps the nonces it has seen for as long as a request is fresh. */
export const newNonce = () => randomBytes(16).toString("hex");

/** RFC 9530 `Content-Digest` of the body bytes as sent: `sha-256=:<base64>:`. */
export function contentDigest(body: string | Uint8Array): string {
  return `sha-256=:${createHash("sha256").update(body).digest("base64")}:`;
}

export interface PeerRequest {
  method: string;
  /** The full URL the request is sent to (the target URI): the issuer checks it against the one it was sent to. */
  url: string;
  /** The body exactly as sent. */
  body: string;
  /** Code of the department whose signer signs: the `keyid`. */
  department: string;
  /** Unix seconds. */
  created: number;
  /** Single use: a request with a nonce the issuer has seen is refused, even after the issuer restarts. */
  nonce: string;
}

/** The RFC 9421 signature base of `request` and the `Signature-Input` member it ends with (section 2.5). */
export function peerSignatureBase(request: PeerRequest): {
  base: string;
  signatureInput: string;
  /** The covered headers the request is sent with. */
  headers: { "content-type": string; "content-digest": string };
} {
  const headers = { "content-type": "application/json", "content-digest": contentDigest(request.body) };
  const message = { method: request.method.toUpperCase(), url: request.url, headers };
  const params = httpbis.createSigningParameters({
    key: { sign: async () => Buffer.alloc(0) },
    params: [...PEER_SIGNATURE_PARAMS],
    paramValues: {
      created: new Date(request.created * 1000),
      expires: new Date((request.created + PEER_SIGNATURE_LIFETIME_S) * 1000),
      nonce: request.nonce,
      keyid: request.department,
      tag: PEER_SIGNATURE_TAG,
    },
  });
  const lines = httpbis.createSignatureBase({ fields: [...PEER_COVERED_COMPONENTS] }, message);
  const signatureInput = serializeList([[lines.map(([item]) => parseItem(item)), params]]);
  lines.push(['"@signature-params"', [signatureInput]]);
  return { base: httpbis.formatSignatureBase(lines), signatureInput, headers };
}

/**
 * The headers that authenticate `request` as `request.department`'s: Content-Type, Content-Digest, Signature-Input
 * and Signature. The framing (signature base, structured fields) is http-message-signatures'; the signature over the
 * base is EIP-191 by the department's signer key (`privateKey`, 32 bytes as hex), 65 bytes r‖s‖v.
 */
export function signPeerRequest(privateKey: string, request: PeerRequest): Record<string, string> {
  const { base, signatureInput, headers: covered } = peerSignatureBase(request);
  const signature = eip191Sign(getBytes(privateKey), Buffer.from(base, "utf8"));
  const headers = httpbis.augmentHeaders({ ...covered }, signature, signatureInput, PEER_SIGNATURE_LABEL);
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), String(value)]));
}

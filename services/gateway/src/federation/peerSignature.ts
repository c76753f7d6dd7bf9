// The issuer's reading of a peer request's RFC 9421 signature: its parameters before the body is read, then the
// Content-Digest against the body as received and the signature against the signer key it recovers to.
import { timingSafeEqual } from "node:crypto";
import { httpbis } from "http-message-signatures";
import { type InnerList, isInnerList, parseDictionary, serializeItem, serializeList } from "structured-headers";
import { GatewayError } from "../errors/GatewayError.ts";
import { eip191Recover } from "./eip191.ts";
import {
  contentDigest,
  PEER_COVERED_COMPONENTS,
  PEER_SIGNATURE_LABEL,
  PEER_SIGNATURE_LIFETIME_S,
  PEER_SIGNATURE_PARAMS,
  PEER_SIGNATURE_TAG,
} from "./signing.ts";

/** What a peer request's Signature-Input claims, read before its body; proved only by `verifyPeerSignature`. */
export interface PeerSignatureClaims {
  /** The `keyid`: code of the department the request says it comes from. */
  department: string;
  /** Unix seconds. */
  created: number;
  expires: number;
  nonce: string;
  /** The Signature-Input member as parsed: its components and parameters rebuild the signature base. */
  input: InnerList;
  /** The 65 signature bytes. */
  signature: Uint8Array;
}

const DEPARTMENT_CODE = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;
const NONCE = /^[0-9a-f]{32}$/;

const invalid = (detail: string) => new GatewayError("FEDERATION_SIGNATURE_INVALID", { detail });

/** The one dictionary member labelled `peer` of a signature header, or FEDERATION_SIGNATURE_INVALID. */
function member(header: string | undefined, name: string) {
  if (!header) throw invalid(`the request carries no ${name} header`);
  let parsed: ReturnType<typeof parseDictionary>;
  try {
    parsed = parseDictionary(header);
  } catch {
    throw invalid(`the ${name} header is not a structured-field dictionary (RFC 8941)`);
  }
  const found = parsed.get(PEER_SIGNATURE_LABEL);
  if (parsed.size !== 1 || !found) throw invalid(`the ${name} header must hold exactly one signature, "peer"`);
  return found;
}

/**
 * The claims of a request's `Signature-Input`, when it is this profile's: the covered components, every parameter in
 * its form, the tag. Throws FEDERATION_SIGNATURE_INVALID otherwise, naming what is wrong; needs no body.
 */
export function peerSignatureClaims(headers: Record<string, string | string[] | undefined>): PeerSignatureClaims {
  const one = (name: string) => {
    const value = headers[name];
    return Array.isArray(value) ? value.join(", ") : value;
  };
  const input = member(one("signature-input"), "Signature-Input");
  const signature = member(one("signature"), "Signature");
  if (!(signature[0] instanceof ArrayBuffer) || signature[0].byteLength !== 65) {
    throw invalid("the signature must be a byte sequence of 65 bytes (r, s, v)");
  }
  if (!isInnerList(input)) throw invalid("Signature-Input must be an inner list of components with parameters");
  const [components, params] = input as InnerList;
  const covered = components.map(([name]) => name);
  if (PEER_COVERED_COMPONENTS.some((name) => !covered.includes(name))) {
    throw invalid(`the signature must cover ${PEER_COVERED_COMPONENTS.map((c) => `"${c}"`).join(" ")}`);
  }
  if (!one("content-digest")) throw invalid("the request carries no Content-Digest header");
  // The digest is of the bytes as sent; a peer sends them as they are, so an encoding could only make them differ.
  const encoding = one("content-encoding");
  if (encoding !== undefined && encoding.trim().toLowerCase() !== "identity") {
    throw invalid("a peer request is sent without Content-Encoding");
  }
  const { created, expires, nonce, keyid, tag } = Object.fromEntries(
    PEER_SIGNATURE_PARAMS.map((p) => [p, params.get(p)]),
  );
  if (tag !== PEER_SIGNATURE_TAG) throw invalid(`the signature's tag must be "${PEER_SIGNATURE_TAG}"`);
  if (typeof keyid !== "string" || !DEPARTMENT_CODE.test(keyid)) throw invalid("keyid must be a department code");
  if (typeof nonce !== "string" || !NONCE.test(nonce)) throw invalid("the nonce must be 16 bytes of lowercase hex");
  if (!Number.isSafeInteger(created) || !Number.isSafeInteger(expires)) {
    throw invalid("created and expires must be Unix seconds");
  }
  if (
    (expires as number) <= (created as number) ||
    (expires as number) - (created as number) > PEER_SIGNATURE_LIFETIME_S
  ) {
    throw invalid(`expires must be after created, by at most ${PEER_SIGNATURE_LIFETIME_S} s`);
  }
  return {
    department: keyid,
    created: created as number,
    expires: expires as number,
    nonce,
    input: input as InnerList,
    signature: new Uint8Array(signature[0]),
  };
}

/** Whether `created` is within the allowed skew of the issuer's clock (Unix ms), either way, and `expires` not past. */
export function isFresh(claims: PeerSignatureClaims, nowMs: number): boolean {
  const now = nowMs / 1000;
  return Math.abs(now - claims.created) <= PEER_SIGNATURE_LIFETIME_S && now <= claims.expires;
}

export interface ReceivedPeerRequest {
  method: string;
  /** The target URI as this gateway received the request: scheme, Host header, path and query. */
  url: string;
  headers: Record<string, string | string[] | undefined>;
  /** The body bytes as received. */
  body: Uint8Array;
}

/**
 * The address the request's signature recovers to, once its Content-Digest is the body's and the signature base
 * (rebuilt by http-message-signatures from the request as received and the parameters as sent) is what was signed;
 * FEDERATION_SIGNATURE_INVALID otherwise. Freshness and the parameters were checked before (`peerSignatureClaims`,
 * `isFresh`), against the gateway's own clock, which is why the library's verifyMessage (which reads the system
 * clock) is not used.
 */
export function verifyPeerSignature(request: ReceivedPeerRequest, claims: PeerSignatureClaims): string {
  const sent = String(request.headers["content-digest"] ?? "");
  const actual = contentDigest(request.body);
  const same = sent.length === actual.length && timingSafeEqual(Buffer.from(sent), Buffer.from(actual));
  if (!same) throw invalid("Content-Digest is not the sha-256 of the body as received");
  const headers = Object.fromEntries(
    Object.entries(request.headers).flatMap(([name, value]) => (value === undefined ? [] : [[name, value]])),
  ) as Record<string, string | string[]>;
  let recovered: string | undefined;
  try {
    const message = { method: request.method.toUpperCase(), url: request.url, headers };
    const fields = claims.input[0].map((item) => serializeItem(item));
    const lines = httpbis.createSignatureBase({ fields }, message);
    lines.push(['"@signature-params"', [serializeList([claims.input])]]);
    recovered = eip191Recover(Buffer.from(httpbis.formatSignatureBase(lines), "utf8"), claims.signature);
  } catch {
    recovered = undefined;
  }
  if (!recovered) throw invalid("the signature does not recover to a key");
  return recovered;
}

// The issuer side of federation authentication: a fresh request signed by a key the chain lists for the sender.
import type { Request } from "express";
import type { Caller } from "../auth/apiKeys.ts";
import type { SignerStanding } from "../chain/blockCachedReads.ts";
import type { DepartmentRuntime } from "../department.ts";
import { GatewayError } from "../errors/GatewayError.ts";
import { rawBodyOf } from "../http/jsonBody.ts";
import type { GatewayServices } from "../services.ts";

import { refuseIfSuspended } from "./answerQuery.ts";
import { departmentUrl } from "./federationClient.ts";
import { isFresh, peerSignatureClaims, verifyPeerSignature } from "./peerSignature.ts";
import { type SeenNonces, seenNonces } from "./seenNonces.ts";
import { PEER_SIGNATURE_LIFETIME_S } from "./signing.ts";

/** How far a request's `created` may be from this gateway's clock, either way. */
export const REPLAY_WINDOW_MS = PEER_SIGNATURE_LIFETIME_S * 1000;

export type FederationAuthenticator = (req: Request, department: DepartmentRuntime) => Promise<Caller>;

const invalid = (detail: string) => new GatewayError("FEDERATION_SIGNATURE_INVALID", { detail });

/**
 * What a request's headers alone settle, before its body is read: the signature's claims in their form
 * (FEDERATION_SIGNATURE_INVALID otherwise), created within the window of this gateway's clock
 * (FEDERATION_REQUEST_EXPIRED) and naming a department registered on chain (FEDERATION_SIGNATURE_INVALID): a request
 * that cannot be a peer's is refused without reading what it sends.
 */
export function federationCredentials(req: Request, services: Pick<GatewayServices, "now" | "catalogue">) {
  const claims = peerSignatureClaims(req.headers);
  const now = services.now();
  if (!isFresh(claims, now)) {
    throw new GatewayError("FEDERATION_REQUEST_EXPIRED", {
      detail: `the signature must be created within ${REPLAY_WINDOW_MS / 1000} s of the issuer's clock, and not expired`,
    });
  }
  const consumerId = services.catalogue.departmentIds.get(claims.department);
  if (consumerId === undefined) throw invalid("the request names no registered department");
  return { claims, consumerId, now };
}

/**
 * The target URI the sender signed, if it sent the request where it was meant to: the department's endpoint on chain
 * (what a peer is told to call, so a request signed for another gateway, or for an address a proxy rewrites, is not
 * this one) followed by the route; the address the request came to (scheme, Host, path) for a department that has
 * none on chain.
 */
function targetUri(req: Request, services: GatewayServices, department: DepartmentRuntime): string {
  const onChain = services.index.endpoint(department.id);
  if (!onChain) return `${req.protocol}://${req.get("host") ?? ""}${req.originalUrl}`;
  const route = req.originalUrl.slice(`/departments/${department.code}`.length);
  return new URL(`${departmentUrl(onChain, department.code)}${route}`).href;
}

/**
 * The standing on chain of `signer`, a key that must sign for `sender`: FEDERATION_SIGNATURE_INVALID when the chain
 * lists it for no department or for another one, CHAIN_UNAVAILABLE when the chain cannot be read. A request over HTTP
 * and a question between two departments of one process (inProcessPeers.ts) are held to this one rule.
 */
export async function senderStanding(
  services: Pick<GatewayServices, "chainReads">,
  signer: string,
  sender: { code: string; id: number },
): Promise<SignerStanding> {
  let standing: SignerStanding;
  try {
    standing = await services.chainReads.signerStanding(signer);
  } catch (cause) {
    throw new GatewayError("CHAIN_UNAVAILABLE", { cause });
  }
  if (standing.departmentId !== sender.id) throw invalid(`the signing key does not sign for ${sender.code}`);
  return standing;
}

/**
 * Builds `authenticateFederation(req, department)`. Each signed request carries a nonce, and the issuing department
 * answers each nonce of a sender once: the nonces it has seen are kept in its own database for as long as a request
 * with them could still be fresh, so a captured request cannot be sent again, not even after the issuer restarts.
 */
export function createFederationAuthenticator(services: GatewayServices): FederationAuthenticator {
  const nonces = new WeakMap<DepartmentRuntime, Promise<SeenNonces>>();
  const nonceStore = (department: DepartmentRuntime) => {
    let found = nonces.get(department);
    if (!found) {
      found = seenNonces(department.store, REPLAY_WINDOW_MS);
      nonces.set(department, found);
      // A read that failed is tried again by the next request.
      found.catch(() => nonces.delete(department));
    }
    return found;
  };

  return async function authenticateFederation(req, department) {
    const { claims, consumerId, now } = federationCredentials(req, services);
    const code = claims.department;
    const signer = verifyPeerSignature(
      { method: req.method, url: targetUri(req, services, department), headers: req.headers, body: rawBodyOf(req) },
      claims,
    );
    // A signature over other content, or by a key of another department, recovers to a key that is not the sender's.
    const standing = await senderStanding(services, signer, { code, id: consumerId });
    // Kept until no request with this nonce could be fresh again: its creation, plus the window, plus a margin.
    const until = claims.created * 1000 + 2 * REPLAY_WINDOW_MS;
    if (!(await (await nonceStore(department)).rememberOnce(code, claims.nonce, until, now))) {
      throw new GatewayError("FEDERATION_REPLAYED");
    }
    // The sender is proved, so a refused attempt belongs in the issuer's log; an unproved sender's would not.
    await refuseIfSuspended(department, code, standing.suspended, req.body);
    return { keyId: `federation:${signer}`, role: "consumer", department: code };
  };
}

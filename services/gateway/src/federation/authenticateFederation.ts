// The issuer side of federation authentication: a fresh request signed by a key the chain lists for the sender.
import { verifyMessage } from "ethers";
import type { Request } from "express";
import type { Caller } from "../auth/apiKeys.ts";
import type { DepartmentRuntime } from "../department.ts";
import { GatewayError } from "../errors/GatewayError.ts";
import type { GatewayServices } from "../services.ts";

import { logDenied } from "./answerQuery.ts";
import { federationHeadersSchema, federationQuerySchema } from "./protocol.ts";
import { type SeenNonces, seenNonces } from "./seenNonces.ts";
import { FEDERATION_HEADERS, federationMessage } from "./signing.ts";

/** How far a request's timestamp may be from this gateway's clock, either way. */
export const REPLAY_WINDOW_MS = 60_000;

export type FederationAuthenticator = (req: Request, department: DepartmentRuntime) => Promise<Caller>;

const invalid = (detail: string) => new GatewayError("FEDERATION_SIGNATURE_INVALID", { detail });

/**
 * The signature headers of a request, when all are there in their form; FEDERATION_SIGNATURE_INVALID otherwise. Needs
 * no body, so a request that cannot be signed at all is refused before its body is read.
 */
export function federationCredentials(req: Request): {
  code: string;
  timestamp: string;
  nonce: string;
  signature: string;
} {
  const names = Object.values(FEDERATION_HEADERS);
  const headers = Object.fromEntries(names.map((name) => [name, req.get(name) || undefined]));
  if (names.some((name) => headers[name] === undefined)) throw invalid("the request carries no department signature");
  const parsed = federationHeadersSchema.safeParse(headers);
  if (!parsed.success) throw invalid(parsed.error.issues[0]?.message ?? "the signature headers are malformed");
  return {
    code: parsed.data[FEDERATION_HEADERS.department],
    timestamp: parsed.data[FEDERATION_HEADERS.timestamp],
    nonce: parsed.data[FEDERATION_HEADERS.nonce],
    signature: parsed.data[FEDERATION_HEADERS.signature],
  };
}

/**
 * Builds `authenticateFederation(req, department)`. Each signed request carries a nonce, and the issuing department
 * answers each nonce of a sender once: the nonces it has seen are kept in its own database for as long as a request
 * with them could still be fresh, so a captured request cannot be sent again, not even after the issuer restarts.
 */
export function createFederationAuthenticator(services: GatewayServices): FederationAuthenticator {
  const nonces = new WeakMap<DepartmentRuntime, SeenNonces>();
  const nonceStore = (department: DepartmentRuntime) => {
    let found = nonces.get(department);
    if (!found) {
      found = seenNonces(department.store, REPLAY_WINDOW_MS);
      nonces.set(department, found);
    }
    return found;
  };

  return async function authenticateFederation(req, department) {
    const { code, timestamp, nonce, signature } = federationCredentials(req);
    const now = services.now();
    if (Math.abs(now - Number(timestamp)) > REPLAY_WINDOW_MS) {
      throw new GatewayError("FEDERATION_REQUEST_EXPIRED", {
        detail: `the timestamp must be within ${REPLAY_WINDOW_MS / 1000} s of the issuer's clock`,
      });
    }
    const consumerId = services.catalogue.departmentIds.get(code);
    if (consumerId === undefined) throw invalid("the request names no registered department");
    let signer: string;
    let message: string;
    try {
      message = federationMessage({
        method: req.method,
        path: `${req.baseUrl}${req.path}`,
        body: req.body,
        timestamp: Number(timestamp),
        nonce,
        department: code,
      });
      signer = verifyMessage(message, signature);
    } catch {
      throw invalid("the signature does not recover to a key");
    }
    let standing: { departmentId: bigint; suspended: boolean };
    try {
      standing = await services.registries.departments.signerDepartment(signer);
    } catch (cause) {
      throw new GatewayError("CHAIN_UNAVAILABLE", { cause });
    }
    // A signature over other content, or by a key of another department, recovers to a key that is not the sender's.
    if (Number(standing.departmentId) !== consumerId) throw invalid(`the signing key does not sign for ${code}`);
    // Kept until no request with this nonce could be fresh again: its timestamp, plus the window, plus a margin.
    const until = Number(timestamp) + 2 * REPLAY_WINDOW_MS;
    if (!(await nonceStore(department).rememberOnce(code, nonce, until, now))) {
      throw new GatewayError("FEDERATION_REPLAYED");
    }
    if (standing.suspended) {
      // The sender is proved, so the refused attempt belongs in the issuer's log; an unproved sender's would not.
      const query = federationQuerySchema.safeParse(req.body);
      if (query.success) await logDenied(department, code, query.data);
      throw new GatewayError("DEPARTMENT_SUSPENDED", { detail: `${code} is suspended` });
    }
    return { keyId: `federation:${signer}`, role: "consumer", department: code };
  };
}

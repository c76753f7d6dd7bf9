// A peer request refused before its query was weighed (a bad signature, stale, replayed, an unknown sender, a body
// refused) is an entry in the issuer's access log: who it claimed to be, why it was refused, and what it asked for
// where that had a valid form. Nothing of it is proved, so nothing of it is taken as it came.
import type { Request } from "express";
import { parseDictionary } from "structured-headers";
import type { RefusedPeerAccess } from "../../../../lib/audit/accessLogEntry.ts";
import type { DepartmentRuntime } from "../department.ts";
import type { ErrorCode } from "../errors/codes.ts";
import { GatewayError } from "../errors/GatewayError.ts";
import { hex32 } from "../http/schemas.ts";
import type { GatewayServices } from "../services.ts";
import { applicationIdSchema } from "./protocol.ts";
import { PEER_SIGNATURE_LABEL } from "./signing.ts";

/** The refusals that are entries: those of the request itself. DEPARTMENT_SUSPENDED is logged as denied already. */
const LOGGED: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  "FEDERATION_SIGNATURE_INVALID",
  "FEDERATION_REQUEST_EXPIRED",
  "FEDERATION_REPLAYED",
  "UNSUPPORTED_MEDIA_TYPE",
  "PAYLOAD_TOO_LARGE",
  "MALFORMED_JSON",
  "VALIDATION_FAILED",
]);

/** A department code's form (what a `keyid` must be): never arbitrary header bytes in the log. */
const DEPARTMENT_CODE = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;

/**
 * The department a peer request claims to come from: the `keyid` of its signature, when it is a department code in
 * form. The one place that knows where a request names its sender.
 */
export function claimedDepartment(req: Request): string | undefined {
  try {
    const keyid = parseDictionary(req.get("signature-input") ?? "")
      .get(PEER_SIGNATURE_LABEL)?.[1]
      .get("keyid");
    return typeof keyid === "string" && DEPARTMENT_CODE.test(keyid) ? keyid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * What the refused body asked for, each member only where it is valid: a subject reference in form, a credential type
 * and a purpose the catalogue has (a code in form could still spell an ID number). The application id only from a
 * sender whose signature was proved (a body refused after it): its form bounds its shape, not its content, and only
 * a department on chain is trusted to have minted it.
 */
function askedFor(services: GatewayServices, body: unknown, proved: boolean): Partial<RefusedPeerAccess> {
  if (typeof body !== "object" || body === null) return {};
  const { subjectRef, credentialType, purpose, applicationId } = body as Record<string, unknown>;
  const ref = hex32.safeParse(subjectRef);
  const type = services.catalogue.catalogue.credentialTypes.find((t) => t.code === credentialType);
  const scenario = services.catalogue.scenarios().find((e) => e.scenario.code === purpose);
  const app = proved ? applicationIdSchema.safeParse(applicationId) : undefined;
  return {
    ...(ref.success ? { subjectRef: ref.data } : {}),
    ...(type ? { credentialType: type.code } : {}),
    ...(scenario ? { purpose: scenario.scenario.code } : {}),
    ...(app?.success ? { applicationId: app.data } : {}),
  };
}

/**
 * Logs `error`, if it is a refusal of the request, before it is answered; anything else is left as it is. `proved`:
 * the request's signature had been verified (its body was refused after).
 */
export async function logRefusedPeer(
  services: GatewayServices,
  department: DepartmentRuntime,
  req: Request,
  error: unknown,
  proved: boolean,
): Promise<void> {
  if (!(error instanceof GatewayError) || !LOGGED.has(error.code)) return;
  const consumer = claimedDepartment(req);
  await department.accessLog.append({
    channel: "peer",
    outcome: "refused",
    reason: error.code,
    ...(consumer ? { consumer } : {}),
    ...askedFor(services, req.body, proved),
  });
  services.metrics.inc("oncechain_federation_refused_total", "Peer requests refused before their query was weighed", {
    reason: error.code,
  });
}

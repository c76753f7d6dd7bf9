// Short-lived tokens a department gives a citizen after checking their identity at its counter: each is bound to one
// subject reference and opens only that subject's view of who accessed their data. Stored hashed, never in clear.
import { hash, randomBytes } from "node:crypto";
import type { Hex32 } from "../../../../lib/encoding/canonical.ts";
import { GatewayError } from "../errors/GatewayError.ts";
import { type DepartmentStore, DURABLE } from "../store/departmentStore.ts";

/** How long a token opens the view when the deployment says nothing else. */
export const DEFAULT_SELF_SERVICE_MINUTES = 15;

const TOKEN = /^ocs_[A-Za-z0-9_-]{32}$/;

interface StoredToken {
  subjectRef: Hex32;
  /** Unix ms. */
  expiresAt: number;
  /** The API key that issued it (its id, never the token), so a misused counter key can be found. */
  issuedBy: string;
}

export interface SelfServiceTokens {
  /** A new token for `subjectRef`, valid `minutes` from `now`. */
  issue(subjectRef: Hex32, issuedBy: string, now: number): Promise<{ token: string; expiresAt: number }>;
  /** The subject a live token is bound to; 401 SELF_SERVICE_TOKEN_INVALID for any other (unknown, expired, malformed). */
  subjectOf(token: string | undefined, now: number): Promise<{ subjectRef: Hex32; tokenId: string; issuedBy: string }>;
}

/** The token's id: the first 12 hex digits of its hash, enough to name it in a log line and useless to present. */
const idOf = (digest: string) => digest.slice(0, 12);

export function selfServiceTokens(store: DepartmentStore, minutes: number): SelfServiceTokens {
  const tokens = store.sublevel<StoredToken>("self-service-tokens");
  return {
    async issue(subjectRef, issuedBy, now) {
      const token = `ocs_${randomBytes(24).toString("base64url")}`;
      const expiresAt = now + minutes * 60_000;
      await tokens.put(hash("sha256", token), { subjectRef, expiresAt, issuedBy }, DURABLE);
      return { token, expiresAt };
    },
    async subjectOf(token, now) {
      const refused = new GatewayError("SELF_SERVICE_TOKEN_INVALID");
      if (!token || !TOKEN.test(token)) throw refused;
      const digest = hash("sha256", token);
      const stored = await tokens.get(digest);
      if (!stored) throw refused;
      if (stored.expiresAt <= now) {
        await tokens.del(digest);
        throw refused;
      }
      return { subjectRef: stored.subjectRef, tokenId: idOf(digest), issuedBy: stored.issuedBy };
    },
  };
}

// How often one department system's API key may name a person by ID number where the answer tells about them: the
// bound against enumerating people (OWASP API6, unrestricted access to a sensitive business flow), and the flag that
// one was tried.
import type { DepartmentRuntime } from "../department.ts";
import type { ErrorCode } from "../errors/codes.ts";
import { GatewayError } from "../errors/GatewayError.ts";
import type { GatewayServices } from "../services.ts";

export interface KeyRate {
  /** Counts one for `keyId` now; the seconds until the oldest counted one drops out when over the bound. */
  admit(keyId: string, now: number): { admitted: true } | { admitted: false; retryAfterSeconds: number };
}

const HOUR_MS = 3_600_000;

/**
 * A sliding hour per key, kept in memory: a restart forgets it, so a key may do the bound again after each restart (one
 * restart within the hour lets it do twice the bound). One gateway process per department keeps one count.
 */
export function keyRate(perKeyPerHour: number): KeyRate {
  const counted = new Map<string, number[]>();
  return {
    admit(keyId, now) {
      const recent = (counted.get(keyId) ?? []).filter((at) => now - at < HOUR_MS);
      if (recent.length >= perKeyPerHour) {
        counted.set(keyId, recent);
        const oldest = recent[0] ?? now;
        return { admitted: false, retryAfterSeconds: Math.max(1, Math.ceil((oldest + HOUR_MS - now) / 1000)) };
      }
      recent.push(now);
      counted.set(keyId, recent);
      return { admitted: true };
    },
  };
}

/** What a refusal over one bound is: its problem, the metric that counts it and the warning that flags it. */
export interface KeyBound {
  code: ErrorCode;
  metric: string;
  help: string;
  event: string;
  warning: string;
}

interface Ctx {
  services: GatewayServices;
  department: DepartmentRuntime;
  keyId: string;
}

/** Counts one for the asking key, or refuses (429 with Retry-After), counts and flags it: such a key is enumerating. */
export function admitKey(ctx: Ctx, rate: KeyRate, bound: KeyBound): void {
  const { services, department } = ctx;
  const verdict = rate.admit(ctx.keyId, services.now());
  if (verdict.admitted) return;
  services.metrics.inc(bound.metric, bound.help, { department: department.code });
  services.logger.warn({ department: department.code, keyId: ctx.keyId, event: bound.event }, bound.warning);
  throw new GatewayError(bound.code, {
    detail: `try again in ${verdict.retryAfterSeconds} s, or ask the operator for a higher bound`,
    headers: { "Retry-After": String(verdict.retryAfterSeconds) },
  });
}

// The verifications a gateway process answers (POST /verify and the public status route), counted by verdict for
// /metrics and by day (in Beijing) for the public figures. Kept in memory: a count since the process started.
import { beijingDay } from "../commitments/recordCommitment.ts";
import type { GatewayServices } from "../services.ts";

const byDay = new WeakMap<GatewayServices, Map<string, number>>();

export function countVerification(services: GatewayServices, status: string): void {
  services.metrics.inc("oncechain_verifications_total", "Verifications answered", { status });
  let days = byDay.get(services);
  if (!days) {
    days = new Map();
    byDay.set(services, days);
  }
  const day = beijingDay(services.now());
  days.set(day, (days.get(day) ?? 0) + 1);
}

/** The verifications answered since the process started, per day (in Beijing). */
export function verificationsByDay(services: GatewayServices): ReadonlyMap<string, number> {
  return byDay.get(services) ?? new Map();
}

// How many new applications one department system's API key may open: the bound against enumerating people by ID
// number (OWASP API6, unrestricted access to a sensitive business flow), and the flag that one was tried.

export interface ApplicationRate {
  /** Counts a new application for `keyId` now; the seconds until the oldest counted one drops out when over the bound. */
  admit(keyId: string, now: number): { admitted: true } | { admitted: false; retryAfterSeconds: number };
}

const HOUR_MS = 3_600_000;

/** A sliding hour per key, kept in memory: a restart forgets it, which lets a key open at most twice the bound then. */
export function applicationRate(perKeyPerHour: number): ApplicationRate {
  const opened = new Map<string, number[]>();
  return {
    admit(keyId, now) {
      const recent = (opened.get(keyId) ?? []).filter((at) => now - at < HOUR_MS);
      if (recent.length >= perKeyPerHour) {
        opened.set(keyId, recent);
        const oldest = recent[0] ?? now;
        return { admitted: false, retryAfterSeconds: Math.max(1, Math.ceil((oldest + HOUR_MS - now) / 1000)) };
      }
      recent.push(now);
      opened.set(keyId, recent);
      return { admitted: true };
    },
  };
}

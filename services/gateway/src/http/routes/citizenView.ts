// What a citizen's views of the access logs share: the bound on a key's lookups of people, the departments' names,
// times to the minute, and how each department's answer is reported.
import { z } from "zod";
import type { KeyBound } from "../../auth/keyRate.ts";
import type { GatewayServices } from "../../services.ts";

/** The bound on a key's lookups: a key looking up many citizens is enumerating them by ID number. */
export const LOOKUPS_BOUND: KeyBound = {
  code: "TOO_MANY_LOOKUPS",
  metric: "oncechain_access_log_lookups_refused_total",
  help: "Lookups of a citizen's access log refused over a key's hourly bound",
  event: "access-log-lookup-rate-exceeded",
  warning:
    "an API key looked up more citizens' access logs than its hourly bound: refused, and worth a look (people enumerated by ID number?)",
};

/** An ISO 8601 time to the minute: 2024-05-01T09:30:12.345Z is 2024-05-01T09:30Z. */
export const toTheMinute = (at: string) => `${at.slice(0, 16)}Z`;

/** A department's names by its code, for a person reading who asked; the code itself where the catalogue has none. */
export function departmentNames(services: GatewayServices): (code: string) => { nameZh: string; nameEn: string } {
  const byCode = new Map(services.catalogue.catalogue.departments.map((d) => [d.code, d]));
  return (code) => byCode.get(code) ?? { nameZh: code, nameEn: code };
}

export const consumerNames = (names: { nameZh: string; nameEn: string }) => ({
  consumerNameZh: names.nameZh,
  consumerNameEn: names.nameEn,
});

export const departmentAnswerSchema = z
  .object({
    department: z.string(),
    nameZh: z.string(),
    nameEn: z.string(),
    status: z.enum(["answered", "unavailable"]).meta({
      description:
        "answered: its entries are in the list; unavailable: its gateway could not be asked now (no endpoint, no " +
        "answer in time, a refusal), so its accesses could not be checked now: ask again later",
    }),
    reason: z.string().optional(),
    entries: z.int().min(0),
  })
  .meta({ id: "DepartmentAccessLogAnswer" });

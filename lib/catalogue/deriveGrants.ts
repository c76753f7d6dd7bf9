// Sharing grants derived from the scenarios: which department may read which provider's records of which type, for
// which scenario.
import type { Catalogue } from "./schemas.ts";

export interface Grant {
  /** Code of the department whose records are read: an issuer of the type, their data owner. */
  readonly provider: string;
  /** Code of the department that asks for the records. */
  readonly consumer: string;
  readonly credentialType: string;
  /** The purpose: a grant is only good for applications under this scenario. */
  readonly scenario: string;
}

/**
 * Each matter's department is granted each of that matter's materials, from each issuer of the material, for that
 * scenario, and nothing more: a grant no scenario needs would be access without a purpose. Issuers already hold their
 * own records, so they get none. Each issuer grants for its own records, so that each data owner governs its own data.
 */
export function deriveGrants(catalogue: Catalogue): Grant[] {
  const issuers = new Map(catalogue.credentialTypes.map((type) => [type.code, type.issuers]));
  const seen = new Set<string>();
  const grants: Grant[] = [];
  for (const scenario of catalogue.scenarios) {
    for (const matter of scenario.matters) {
      for (const material of matter.materials) {
        const providers = issuers.get(material) ?? [];
        if (providers.includes(matter.department)) continue;
        for (const provider of providers) {
          const key = JSON.stringify([provider, matter.department, material, scenario.code]);
          if (seen.has(key)) continue;
          seen.add(key);
          grants.push({ provider, consumer: matter.department, credentialType: material, scenario: scenario.code });
        }
      }
    }
  }
  return grants;
}

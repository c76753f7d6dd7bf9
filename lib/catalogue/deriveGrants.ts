// Sharing grants derived from the scenarios: which department may consume which credential type, for which scenario.
import type { Catalogue } from "./schemas.ts";

export interface Grant {
  /** Code of the department that asks for the records. */
  readonly consumer: string;
  readonly credentialType: string;
  /** The purpose: a grant is only good for applications under this scenario. */
  readonly scenario: string;
}

/**
 * Each matter's department is granted each of that matter's materials for that scenario, and nothing more:
 * a grant no scenario needs would be access without a purpose. Issuers already hold their own records, so they get none.
 */
export function deriveGrants(catalogue: Catalogue): Grant[] {
  const issuers = new Map(catalogue.credentialTypes.map((type) => [type.code, new Set(type.issuers)]));
  const seen = new Set<string>();
  const grants: Grant[] = [];
  for (const scenario of catalogue.scenarios) {
    for (const matter of scenario.matters) {
      for (const material of matter.materials) {
        if (issuers.get(material)?.has(matter.department)) {
          continue;
        }
        const key = JSON.stringify([matter.department, material, scenario.code]);
        if (!seen.has(key)) {
          seen.add(key);
          grants.push({ consumer: matter.department, credentialType: material, scenario: scenario.code });
        }
      }
    }
  }
  return grants;
}

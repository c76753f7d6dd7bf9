// The catalogue as the gateway's public route gives it, fetched once, with the look-ups the views share.
import { call, publicBase } from "./api.ts";

export interface Named {
  code: string;
  nameZh: string;
  nameEn: string;
}
export interface TypeEntry extends Named {
  version: number;
  typeId: number | null;
  issuers: string[];
  schema: { properties?: Record<string, unknown>; required?: string[] };
  schemaHash: string;
  onChainSchemaHash: string | null;
  verified: boolean;
}
export interface Matter extends Named {
  department: string;
  materials: string[];
  commitment?: { materials: string[]; replacesDays: number; checkedBy: string; checkWithinDays: number };
}
export interface ScenarioEntry extends Named {
  kind: string;
  version: number;
  parent: string | null;
  matters: Matter[];
  definitionHash: string;
  onChainDefinitionHash: string | null;
  verified: boolean;
}
export interface Catalogue {
  departments: Named[];
  types: TypeEntry[];
  scenarios: ScenarioEntry[];
}

let loaded: Promise<Catalogue> | undefined;

export function catalogue(): Promise<Catalogue> {
  loaded ??= publicBase()
    .then((base) => call<Catalogue>(`${base}/catalogue`))
    .catch((error: unknown) => {
      loaded = undefined;
      throw error;
    });
  return loaded;
}

/** Look-ups by code: a name for any department or type code, the code itself where the catalogue has none. */
export function lookups(c: Catalogue) {
  const department = new Map(c.departments.map((d) => [d.code, d]));
  const type = new Map(c.types.map((t) => [t.code, t]));
  const scenario = new Map(c.scenarios.map((s) => [s.code, s]));
  const named = (map: Map<string, Named>, code: string): Named => map.get(code) ?? { code, nameZh: code, nameEn: code };
  return {
    department: (code: string) => named(department, code),
    type: (code: string) => named(type, code),
    scenario: (code: string) => named(scenario, code),
  };
}

// Which departments npm run cluster runs, and on which port each: by default those the theme scenarios need.
import type { Catalogue } from "../../../lib/catalogue/schemas.ts";

export const DEFAULT_BASE_PORT = 8101;

/**
 * The departments that decide a matter of a theme scenario (我要开便利店, 我要开民宿) or issue one of its materials: what
 * `npm run demo` asks of, and so what a cluster needs for the two stories to be told across processes.
 */
export function themeDepartments(catalogue: Catalogue): string[] {
  const issuers = new Map(catalogue.credentialTypes.map((t) => [t.code, t.issuers]));
  const needed = new Set<string>();
  for (const scenario of catalogue.scenarios.filter((s) => s.kind === "theme")) {
    for (const matter of scenario.matters) {
      needed.add(matter.department);
      for (const material of matter.materials) for (const issuer of issuers.get(material) ?? []) needed.add(issuer);
    }
  }
  return catalogue.departments.map((d) => d.code).filter((code) => needed.has(code));
}

/** `--department a,b` (checked against the catalogue), `--all`, or the theme scenarios' departments; catalogue order. */
export function chooseDepartments(catalogue: Catalogue, flags: { department?: string[]; all?: boolean }): string[] {
  const all = catalogue.departments.map((d) => d.code);
  if (flags.all && flags.department) throw new Error("give --department or --all, not both");
  if (flags.all) return all;
  if (!flags.department) return themeDepartments(catalogue);
  const named = flags.department.flatMap((d) => d.split(",")).filter((code) => code !== "");
  const unknown = named.filter((code) => !all.includes(code));
  if (unknown.length > 0) throw new Error(`unknown department: ${unknown.join(", ")} (see seeds/departments.json)`);
  if (named.length === 0) throw new Error("--department names no department");
  return all.filter((code) => named.includes(code));
}

/**
 * Each department's port: the base port plus its place in seeds/departments.json, so that a department keeps its port
 * (and its endpoint on chain) whichever others run beside it.
 */
export function departmentPort(catalogue: Catalogue, code: string, basePort: number): number {
  return basePort + catalogue.departments.findIndex((d) => d.code === code);
}

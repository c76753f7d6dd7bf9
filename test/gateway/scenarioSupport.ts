import { createHash } from "node:crypto";
// Helpers of the scenario, federation and access-log tests: synthetic applicants, their records, signed requests.
import { expect } from "vitest";
import { FIELDS, ISSUER } from "../../scripts/lib/demo/samples.ts";
import type { DepartmentRuntime } from "../../services/gateway/src/department.ts";
import { applicationIdSchema } from "../../services/gateway/src/federation/protocol.ts";
import { call, type RunningGateway } from "./gatewayFixture.ts";

export { applicant, FIELDS, ISSUER, shop } from "../../scripts/lib/demo/samples.ts";
export { expectProblem } from "./support.ts";

/** Issues a record of `type` about `subject` at its issuer (hosted by `gw`), with a year of validity so none expire. */
export async function issue(gw: RunningGateway, type: string, subject: { idType: string; idNumber: string }) {
  const department = ISSUER[type] ?? "";
  const validFrom = Math.floor(Date.now() / 1000) - 86_400;
  const response = await call("POST", `${gw.base(department)}/records`, gw.key(department, "issuer"), {
    credentialType: type,
    subject,
    fields: FIELDS[type],
    validFrom,
    validUntil: validFrom + 365 * 86_400,
  });
  expect(response.status, JSON.stringify(response.body)).toBe(202);
  return response.body as { recordHash: string; record: { fields: Record<string, unknown> } };
}

export function runtime(gw: RunningGateway, code: string): DepartmentRuntime {
  const found = gw.gateway.services.departments.get(code);
  if (!found) throw new Error(`${code} is not hosted`);
  return found;
}

/** Anchors what the departments have queued and brings the gateway's index up to date. */
export async function anchorAll(gw: RunningGateway, departments: string[]): Promise<void> {
  for (const code of departments) await gw.gateway.services.departments.get(code)?.worker.flush();
  await gw.gateway.services.index.syncNow();
}

/** Outcome status per material of an application answer. */
// biome-ignore lint/suspicious/noExplicitAny: tests read whatever JSON the gateway answered.
export const statuses = (application: any): Record<string, string> =>
  Object.fromEntries(
    application.materials.map((m: { credentialType: string; outcome: { status: string } }) => [
      m.credentialType,
      m.outcome.status,
    ]),
  );

/** The outcome of one material of an application answer. */
// biome-ignore lint/suspicious/noExplicitAny: tests read whatever JSON the gateway answered.
export const outcomeOf = (application: any, type: string): any =>
  application.materials.find((m: { credentialType: string }) => m.credentialType === type)?.outcome;

/** An application id of the shape a gateway mints (applicationIdSchema), fixed by `label`. */
export function applicationIdFor(label: string): string {
  for (let n = 0; ; n++) {
    const id = `app-${createHash("sha256")
      .update(n === 0 ? label : `${label} ${n}`)
      .digest("base64url")
      .slice(0, 22)}`;
    if (applicationIdSchema.safeParse(id).success) return id;
  }
}

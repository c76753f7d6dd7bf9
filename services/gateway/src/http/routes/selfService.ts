// A citizen's own view of who accessed their data, across every department: the counter gives them a token after
// checking who they are, and the token opens that one subject's accesses, each with its proof against the chain.
import { z } from "zod";
import { exportedCommitmentSchema } from "../../../../../lib/audit/accessLogExport.ts";
import { disclosureCode, disclosureCodeSvg } from "../../../../../lib/records/disclosureCode.ts";
import { accessesAcross } from "../../audit/accessesAcross.ts";
import { admitKey } from "../../auth/keyRate.ts";
import type { DepartmentRuntime } from "../../department.ts";
import { GatewayError } from "../../errors/GatewayError.ts";
import { subjectRefOf } from "../../records/issueRecord.ts";
import type { GatewayServices } from "../../services.ts";
import { defineRoute, type RouteContext } from "../route.ts";
import { disclosureSchema, hex32, subjectSchema } from "../schemas.ts";
import { consumerNames, departmentAnswerSchema, departmentNames, LOOKUPS_BOUND } from "./citizenView.ts";
import { discloseOwn, FIELD_NAMES, recordHashParam } from "./records.ts";

/**
 * The citizen a self-service route serves, and the id their token is logged and bounded under: each use counts for
 * the token as a lookup does for a key (429 beyond), so a token is no way around the bound.
 */
function admitCitizen(
  department: DepartmentRuntime,
  services: GatewayServices,
  citizen: RouteContext<unknown, unknown>["citizen"],
) {
  if (!citizen) throw new GatewayError("SELF_SERVICE_TOKEN_INVALID");
  const keyId = `self-service:${citizen.tokenId}`;
  admitKey({ services, department, keyId }, department.lookupRate, LOOKUPS_BOUND);
  return { citizen, keyId };
}

export const issueSelfServiceTokenRoute = defineRoute({
  method: "post",
  path: "/access-log/self-service-tokens",
  operationId: "issueSelfServiceToken",
  summary: "Give a citizen a self-service token",
  description:
    "For the counter, once it has checked the citizen's identity: a token bound to their subject, which opens their " +
    "own view of who accessed their data in every department (GET .../access-log/self-service), and the disclosure " +
    "of their own records at this department (GET .../self-service/records/{hash}/disclosure), for " +
    "GATEWAY_SELF_SERVICE_MINUTES (15) minutes, from the citizen's own device. The ID number is used only to bind " +
    "the token; it is neither stored nor logged. Counted with the key's lookups of citizens (429 beyond).",
  tags: ["access log"],
  auth: ["consumer"],
  body: z.strictObject({ subject: subjectSchema }),
  responses: {
    201: {
      description: "The token, to hand to the citizen (shown once; only its hash is kept), and when it stops working",
      schema: z.object({
        token: z.string().meta({ example: "ocs_AbCdEfGhIjKlMnOpQrStUvWxYz012345" }),
        expiresAt: z.string().meta({ description: "ISO 8601" }),
      }),
    },
  },
  errors: ["INVALID_SUBJECT_ID", "TOO_MANY_LOOKUPS"],
  async handler({ department, services, caller, body }) {
    const subjectRef = subjectRefOf(body.subject, services.districtSecret);
    const keyId = caller?.keyId ?? "";
    admitKey({ services, department, keyId }, department.lookupRate, LOOKUPS_BOUND);
    const { token, expiresAt } = await department.selfService.issue(subjectRef, keyId, services.now());
    services.logger.info(
      { department: department.code, keyId, event: "self-service-token-issued" },
      "a counter gave a citizen a self-service token",
    );
    return { status: 201, body: { token, expiresAt: new Date(expiresAt).toISOString() } };
  },
});

const accessSchema = z
  .object({
    department: z.string().meta({ description: "The department whose records were accessed (whose log holds it)" }),
    departmentNameZh: z.string(),
    departmentNameEn: z.string(),
    consumer: z.string().optional().meta({ description: "Who asked; absent for a refused request that named none" }),
    consumerNameZh: z.string().optional(),
    consumerNameEn: z.string().optional(),
    check: z.enum(["proved", "uncommitted", "not-proved"]).meta({
      description:
        "proved: the entry hashes to what its proof leads to, a commitment the chain holds for its department; " +
        "uncommitted: no commitment covers it yet (only the department's hash chain protects it); not-proved: the " +
        "entry, its proof or its commitment does not agree with the chain",
    }),
    entry: z.record(z.string(), z.unknown()).meta({
      description:
        "The entry as the department's log holds it (docs/SPEC.md section 7): when, channel, purpose, application, " +
        "outcome, its hashes; anyone can hash it again and check the proof",
    }),
    commitment: exportedCommitmentSchema.optional(),
    proof: z.array(hex32).optional(),
  })
  .meta({ id: "CitizenAccess" });

export const selfServiceAccessesRoute = defineRoute({
  method: "get",
  path: "/access-log/self-service",
  operationId: "selfServiceAccessLog",
  summary: "Who accessed my data (citizen)",
  description:
    "Every access to the token's subject's records, in every department's log, asked of each department's gateway " +
    "and checked here against the chain: each entry whole, with the commitment that covers it (index, transaction, " +
    "block) and its inclusion proof, so the citizen's device can check it too. A department whose gateway could not " +
    "be asked now is listed as unavailable; the others are answered.",
  tags: ["access log"],
  auth: "self-service",
  errors: ["TOO_MANY_LOOKUPS"],
  responses: {
    200: {
      description: "The accesses, oldest first, and how each department answered",
      schema: z.object({ accesses: z.array(accessSchema), departments: z.array(departmentAnswerSchema) }),
    },
  },
  async handler({ department, services, citizen: token }) {
    const { citizen, keyId } = admitCitizen(department, services, token);
    const across = await accessesAcross(services, department, citizen.subjectRef, { keyId, role: "citizen" });
    const names = departmentNames(services);
    return {
      status: 200,
      body: {
        accesses: across.accesses.map(({ department: code, entry, commitment, proof, check }) => ({
          department: code,
          departmentNameZh: names(code).nameZh,
          departmentNameEn: names(code).nameEn,
          ...(entry.consumer ? { consumer: entry.consumer, ...consumerNames(names(entry.consumer)) } : {}),
          check,
          entry,
          ...(commitment ? { commitment, proof } : {}),
        })),
        departments: across.departments,
      },
    };
  },
});

export const selfServiceDisclosureRoute = defineRoute({
  method: "get",
  path: "/self-service/records/:recordHash/disclosure",
  operationId: "selfServiceDisclosure",
  summary: "Disclose some fields of my own record (citizen)",
  description:
    "For the record's own subject, with a self-service token this department gave them: a disclosure (SPEC §3.4) of " +
    "the fields they choose of a record the department issued about them, to carry as a file or print as a QR code " +
    "(SPEC §3.6). Whoever they show it to can verify the fields shown against the chain (npm run audit -- " +
    "verify-disclosure) without seeing the others. A record about anyone else is not found. Each disclosure is an " +
    "entry in the department's access log (outcome disclosed, the token's id, role citizen, the fields, and the id " +
    "of the counter's key that gave the token out: that key could have asked for it itself).",
  tags: ["records"],
  auth: "self-service",
  params: recordHashParam,
  query: z.object({ fields: FIELD_NAMES }),
  errors: ["RECORD_NOT_FOUND", "VALIDATION_FAILED", "TOO_MANY_LOOKUPS"],
  responses: {
    200: {
      description: "The disclosure, the text of its QR code, and the code as an SVG image",
      schema: z.object({
        disclosure: disclosureSchema,
        code: z.string().meta({ description: "OC1: and the Base45 of the zlib-deflated disclosure (SPEC §3.6)" }),
        svg: z
          .string()
          .optional()
          .meta({
            description:
              "The QR code of `code` as an SVG document, error correction level M; absent when the disclosure is more " +
              "than one code holds (about 3,390 characters of code: choose fewer fields to print one)",
          }),
      }),
    },
  },
  async handler({ department, services, citizen: token, params, query }) {
    const { citizen, keyId } = admitCitizen(department, services, token);
    const reader = { keyId, role: "citizen", subjectRef: citizen.subjectRef, tokenIssuedBy: citizen.issuedBy };
    const disclosure = await discloseOwn(department, params.recordHash, query.fields ?? [], reader);
    const code = disclosureCode(disclosure);
    const svg = await disclosureCodeSvg(code);
    return { status: 200, body: { disclosure, code, ...(svg === undefined ? {} : { svg }) } };
  },
});

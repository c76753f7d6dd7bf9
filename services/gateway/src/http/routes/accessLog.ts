// Routes of a department's access log: read it, audit it against the chain, commit it now, and a citizen's own view.
import { z } from "zod";
import { ACCESS_CHANNELS, ACCESS_OUTCOMES } from "../../../../../lib/audit/accessLogEntry.ts";
import { accessesAcross } from "../../audit/accessesAcross.ts";
import { auditAccessLog } from "../../audit/auditAccessLog.ts";
import { admitKey } from "../../auth/keyRate.ts";
import { subjectRefOf } from "../../records/issueRecord.ts";
import { defineRoute } from "../route.ts";
import { hex32, subjectSchema } from "../schemas.ts";
import { consumerNames, departmentAnswerSchema, departmentNames, LOOKUPS_BOUND, toTheMinute } from "./citizenView.ts";

/** An entry as stored: a field that does not apply to its kind of access is absent (see docs/gateway.md). */
export const entrySchema = z
  .object({
    seq: z.number(),
    at: z.string(),
    channel: z
      .enum(ACCESS_CHANNELS)
      .optional()
      .meta({
        description:
          "peer: another department's gateway; api: one of this department's own systems. Absent in entries written " +
          "before it was logged, which are all peer queries",
      }),
    consumer: z
      .string()
      .optional()
      .meta({
        description:
          "The department that asked: for a refused peer request the one it claimed to be (when that was a code in " +
          "form), for an own-API read this department",
      }),
    subjectRef: z.string().optional(),
    credentialType: z.string().optional(),
    purpose: z.string().optional(),
    applicationId: z.string().optional(),
    outcome: z.enum(ACCESS_OUTCOMES),
    recordHash: z.string().optional(),
    reason: z.string().optional().meta({ description: "For a refused peer request: the problem code that refused it" }),
    keyId: z.string().optional().meta({ description: "For an own-API read: the id of the caller's API key" }),
    role: z.string().optional().meta({ description: "For an own-API read: the role of the caller's API key" }),
    prevHash: z.string(),
    entryHash: z.string(),
  })
  .meta({ id: "AccessLogEntry" });

const pageQuery = z.object({
  subjectRef: hex32.optional().meta({ description: "Only the entries about this subject reference" }),
  from: z.coerce.number().int().min(1).optional().meta({ description: "First sequence number (default 1)" }),
  limit: z.coerce.number().int().min(1).max(1000).optional().meta({ description: "At most this many (default 100)" }),
});

const auditSchema = z
  .object({
    department: z.string(),
    ok: z.boolean(),
    entries: z.number(),
    commitments: z.number(),
    committedThrough: z.number(),
    uncommitted: z.number(),
    asOfBlock: z.number().meta({
      description:
        "The chain's head before the commitments were read: they are read at the latest block (a node that prunes " +
        "old state answers no other), so the audit is as of this block or a later one",
    }),
    divergence: z
      .object({ seq: z.number(), kind: z.string(), detail: z.string(), commitment: z.number().optional() })
      .optional(),
  })
  .meta({ id: "AccessLogAudit" });

export const listAccessLogRoute = defineRoute({
  method: "get",
  path: "/access-log",
  operationId: "listAccessLog",
  summary: "Read the access log",
  description:
    "Who asked this department for which records, for what purpose and with what outcome, in sequence order; " +
    "optionally only the entries about one subject reference.",
  tags: ["access log"],
  auth: ["auditor", "operator"],
  query: pageQuery,
  responses: {
    200: {
      description: "A page of entries; `next` is the sequence number to continue from",
      schema: z.object({ entries: z.array(entrySchema), next: z.number().optional() }),
    },
  },
  async handler({ department, query }) {
    const from = query.from ?? 1;
    const limit = query.limit ?? 100;
    const entries = query.subjectRef
      ? await department.accessLog.entriesAbout(query.subjectRef, from, limit)
      : await department.accessLog.entries(from, limit);
    const last = entries.at(-1);
    return { status: 200, body: { entries, ...(entries.length === limit && last ? { next: last.seq + 1 } : {}) } };
  },
});

export const auditAccessLogRoute = defineRoute({
  method: "get",
  path: "/access-log/audit",
  operationId: "auditAccessLog",
  summary: "Audit the access log",
  description:
    "Re-reads the whole access log, checks its hash chain and every range committed on chain, and names the first " +
    "entry that disagrees.",
  tags: ["access log"],
  auth: ["auditor"],
  responses: { 200: { description: "The audit result", schema: auditSchema } },
  errors: ["CHAIN_UNAVAILABLE"],
  async handler({ department }) {
    return { status: 200, body: await auditAccessLog(department) };
  },
});

export const commitAccessLogRoute = defineRoute({
  method: "post",
  path: "/access-log/commit",
  operationId: "commitAccessLog",
  summary: "Commit the access log now",
  description:
    "Commits the entries not yet committed to the chain now, as a Merkle root over their hashes, instead of at the " +
    "next scheduled commit.",
  tags: ["access log"],
  auth: ["operator"],
  body: z.strictObject({}).optional(),
  responses: {
    200: {
      description: "The range committed, or null when every entry was committed already",
      schema: z.object({
        committed: z
          .object({
            index: z.number(),
            fromSeq: z.number(),
            toSeq: z.number(),
            root: z.string(),
            committedAt: z.number(),
            txHash: z.string().optional(),
            blockNumber: z.number().optional(),
          })
          .nullable(),
      }),
    },
  },
  errors: ["ACCESS_LOG_BROKEN"],
  async handler({ department }) {
    const committed = await department.accessLogCommitter.commitNow();
    return { status: 200, body: { committed: committed ?? null } };
  },
});

/**
 * An access as a citizen reads it: who asked, when, for what and with what outcome; nothing that links it back. The
 * sequence number and the exact time would find the entry in the department's full log, which names the subject
 * reference.
 */
const citizenEntrySchema = z
  .object({
    department: z.string().meta({ description: "The department whose records were accessed (whose log holds it)" }),
    departmentNameZh: z.string(),
    departmentNameEn: z.string(),
    at: z.string().meta({
      description:
        "When, to the minute: ISO 8601 in UTC truncated to the minute (2024-05-01T09:30Z). The exact time is left " +
        "out, as it would find the entry in the department's full log",
    }),
    consumer: z.string().optional().meta({
      description: "Who asked; absent for a refused request that named no department in form",
    }),
    consumerNameZh: z.string().optional(),
    consumerNameEn: z.string().optional(),
    credentialType: z.string().optional(),
    purpose: z.string().optional().meta({ description: "The scenario asked under; absent for an own-API read" }),
    outcome: z.enum(ACCESS_OUTCOMES),
    check: z.enum(["proved", "uncommitted", "not-proved"]).meta({
      description:
        "How the entry stands against the chain: proved (its proof leads to a commitment there), uncommitted (none " +
        "covers it yet), not-proved (the department's log disagrees with what it committed: it was altered)",
    }),
  })
  .meta({ id: "CitizenAccessLogEntry" });

export const myAccessLogRoute = defineRoute({
  method: "post",
  path: "/access-log/mine",
  operationId: "citizenAccessLog",
  summary: "A citizen's own access log",
  description:
    "For a citizen at the counter: every access to their records in every department's log, asked of each " +
    "department's gateway and checked against the chain, from the counter's system (a consumer key, which reads no " +
    "other part of the log); a department that could not be asked now is listed as such. The ID number is used only " +
    "to find the entries; it is " +
    "neither stored nor logged, and the answer holds no subject reference, no entry hash and no sequence number, " +
    "and times only to the minute, so that it cannot link a person to the references on chain or in the full log. " +
    "Each API key may look up a bounded number of citizens an hour, as many as it may open applications and counted " +
    "apart (429 beyond, flagged in the log).",
  tags: ["access log"],
  auth: ["consumer"],
  body: z.strictObject({ subject: subjectSchema }),
  responses: {
    200: {
      description: "The accesses to the subject's records, with the asking departments' names",
      schema: z.object({ entries: z.array(citizenEntrySchema), departments: z.array(departmentAnswerSchema) }),
    },
  },
  errors: ["INVALID_SUBJECT_ID", "TOO_MANY_LOOKUPS"],
  async handler({ department, services, caller, body }) {
    const subjectRef = subjectRefOf(body.subject, services.districtSecret);
    admitKey({ services, department, keyId: caller?.keyId ?? "" }, department.lookupRate, LOOKUPS_BOUND);
    const across = await accessesAcross(services, department, subjectRef, {
      keyId: caller?.keyId ?? "",
      role: "consumer",
    });
    const names = departmentNames(services);
    return {
      status: 200,
      body: {
        entries: across.accesses.map(({ department: code, entry, check }) => ({
          department: code,
          departmentNameZh: names(code).nameZh,
          departmentNameEn: names(code).nameEn,
          at: toTheMinute(entry.at),
          ...(entry.consumer ? { consumer: entry.consumer, ...consumerNames(names(entry.consumer)) } : {}),
          ...(entry.credentialType ? { credentialType: entry.credentialType } : {}),
          ...(entry.purpose ? { purpose: entry.purpose } : {}),
          outcome: entry.outcome,
          check,
        })),
        departments: across.departments,
      },
    };
  },
});

// The route of a department's access-log export: entries with their commitments on chain and inclusion proofs, for an
// auditor who checks them against the chain alone (npm run audit -- verify-log).
import { z } from "zod";
import { accessLogExportSchema, EXPORT_PAGE } from "../../../../../lib/audit/accessLogExport.ts";
import { exportAccessLog } from "../../audit/exportAccessLog.ts";
import { defineRoute } from "../route.ts";
import { entrySchema } from "./accessLog.ts";

const sequenceNumber = z.coerce.number().int().min(1);

const exportQuery = z
  .object({
    from: sequenceNumber.optional().meta({ description: "First sequence number (default 1)" }),
    to: sequenceNumber.optional().meta({ description: "Last sequence number (default the log's last)" }),
    limit: z.coerce
      .number()
      .int()
      .min(1)
      .max(EXPORT_PAGE)
      .optional()
      .meta({ description: `At most this many entries (default and at most ${EXPORT_PAGE})` }),
  })
  .refine((q) => q.from === undefined || q.to === undefined || q.to >= q.from, {
    path: ["to"],
    message: "must not be before from",
  });

export const exportAccessLogRoute = defineRoute({
  method: "get",
  path: "/access-log/export",
  operationId: "exportAccessLog",
  summary: "Export the access log with its proofs",
  description:
    "Entries from..to in sequence order (a page of at most 10,000, with `next` where more follow), each with the " +
    "commitment on chain that covers it (registry, index, range, root, transaction and block, read from the " +
    "AccessLogCommitted events) and its inclusion proof against that root, or marked `uncommitted`; with the chain " +
    "id, the directory, the department's code and id and the hash of the entry before `from`, so that an auditor can " +
    "check the page against the chain alone. The format is docs/SPEC.md section 8.",
  tags: ["access log"],
  auth: ["auditor"],
  query: exportQuery,
  responses: {
    200: { description: "One page of the export", schema: accessLogExportSchema(entrySchema) },
  },
  errors: ["CHAIN_UNAVAILABLE"],
  async handler({ department, services, query }) {
    return { status: 200, body: await exportAccessLog(services, department, query) };
  },
});

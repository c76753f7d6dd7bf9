// The operator's backup of a department while its gateway runs (docs/RELIABILITY.md, section 11).
import { z } from "zod";
import { backupSummary, writeBackup } from "../../store/backup.ts";
import { defineRoute } from "../route.ts";

export const backupRoute = defineRoute({
  method: "post",
  path: "/backup",
  operationId: "backUpDepartment",
  summary: "Back up the department's data now",
  description:
    "Writes a backup of the department's database as it stands now (an explicit LevelDB snapshot, taken between two " +
    "passes of the anchoring worker) to a new file in the department's backups/ directory on the gateway's machine, " +
    "synced before the answer, and names it. Records stay sealed under the department's data key. Issuance and " +
    "verification go on meanwhile. Restore it on a fresh machine with npm run restore.",
  tags: ["operations"],
  auth: ["operator"],
  body: z.strictObject({}).optional(),
  responses: {
    201: {
      description: "The backup written",
      schema: backupSummary,
    },
  },
  async handler({ department, services }) {
    const { chainId } = await services.provider.getNetwork();
    const summary = await writeBackup(
      department,
      {
        chainId,
        directory: services.deployment.directory,
        blockNumber: () => services.provider.getBlockNumber(),
      },
      services.now,
    );
    return { status: 201, body: summary };
  },
});

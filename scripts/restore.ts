// npm run restore -- --department <code> --from <backup file>: a department's backup (POST /departments/<code>/backup)
// restored onto this machine's data directory, which must not hold that department's database yet. Then start its
// gateway (npm run gateway -- --department <code>, with the department's keys): it serves the backup's records, finds
// on chain what was anchored since the backup, and anchors the rest. docs/RELIABILITY.md, section 11.
import { existsSync } from "node:fs";
import { loadCatalogue } from "../lib/catalogue/loadCatalogue.ts";
import { deploymentFile, readDeployment } from "../lib/chain/deploymentStore.ts";
import { restoreBackup } from "../services/gateway/src/store/backup.ts";
import { parseFlags, runCli } from "./lib/cli.ts";
import { seedsDir } from "./lib/paths.ts";
import { localSystem } from "./lib/runningSystem.ts";

const USAGE = "npm run restore -- --department <code> --from <backup file>";

runCli(async () => {
  const flags = parseFlags({ department: { type: "string" }, from: { type: "string" } }, USAGE);
  if (!flags.department || !flags.from) throw new Error(`--department and --from are required\nusage: ${USAGE}`);
  const catalogue = await loadCatalogue(seedsDir);
  if (!catalogue.departments.some((d) => d.code === flags.department)) {
    throw new Error(`unknown department "${flags.department}" (the codes are in seeds/departments.json)`);
  }
  if (!existsSync(flags.from)) throw new Error(`${flags.from}: no such file`);
  const { dataDir } = localSystem();
  const restored = await restoreBackup(flags.from, `${dataDir}/gateway/${flags.department}`, (manifest) => {
    if (manifest.department !== flags.department) {
      throw new Error(`${flags.from} is a backup of ${manifest.department}, not of ${flags.department}`);
    }
    const deployment = readDeployment(dataDir, BigInt(manifest.chainId));
    if (deployment?.directory.toLowerCase() !== manifest.directory.toLowerCase()) {
      throw new Error(
        `${deploymentFile(dataDir, BigInt(manifest.chainId))} does not record the deployment the backup is of ` +
          `(registry directory ${manifest.directory} on chain ${manifest.chainId}): copy the deployment record there first`,
      );
    }
  });
  console.log(
    `restored ${restored.entries} entries of ${restored.department}, backed up ${restored.createdAt} at block ` +
      `${restored.fromBlock}, into ${dataDir}/gateway/${restored.department}. Start its gateway: npm run gateway -- ` +
      `--department ${restored.department}; it finds on chain what was anchored since the backup before it sends anything.`,
  );
  if (restored.apiKeys === "kept") {
    console.log(
      `${dataDir}/gateway/${restored.department}/api-keys.json was there already and is kept: the backup's API keys were not restored.`,
    );
  }
});

// npm run gateway:keys -- <create|list|revoke|rotate> --department <code> [--role r] [--id id] [--label text]
// API keys are stored hashed in <data>/gateway/<code>/api-keys.json; a running gateway picks changes up at once.
import { existsSync } from "node:fs";
import { loadCatalogue } from "../lib/catalogue/loadCatalogue.ts";
import { ApiKeyFile, ROLES, type Role } from "../services/gateway/src/auth/apiKeys.ts";
import { parseFlags, runCli } from "./lib/cli.ts";
import { seedsDir } from "./lib/paths.ts";
import { localSystem } from "./lib/runningSystem.ts";

const USAGE =
  "npm run gateway:keys -- create --department <code> --role <issuer|consumer|auditor|operator> [--label text]\n" +
  "       npm run gateway:keys -- list --department <code>\n" +
  "       npm run gateway:keys -- revoke|rotate --department <code> --id <key id>";

runCli(async () => {
  const [command, ...rest] = process.argv.slice(2);
  if (!command || command === "--help" || command === "help") {
    console.log(`usage: ${USAGE}`);
    return;
  }
  process.argv.splice(2, process.argv.length, ...rest);
  const flags = parseFlags(
    { department: { type: "string" }, role: { type: "string" }, id: { type: "string" }, label: { type: "string" } },
    USAGE,
  );
  if (!flags.department) throw new Error(`--department is required\nusage: ${USAGE}`);
  const catalogue = await loadCatalogue(seedsDir);
  if (!catalogue.departments.some((d) => d.code === flags.department)) {
    throw new Error(`unknown department "${flags.department}" (the codes are in seeds/departments.json)`);
  }
  const dir = `${localSystem().dataDir}/gateway/${flags.department}`;
  if (!existsSync(dir) && command !== "create")
    throw new Error(`no gateway data for department ${flags.department} in ${dir}`);
  const keys = new ApiKeyFile(`${dir}/api-keys.json`, flags.department);
  switch (command) {
    case "create": {
      if (!ROLES.includes(flags.role as Role)) throw new Error(`--role must be one of ${ROLES.join(", ")}`);
      const { token, key } = keys.create(flags.role as Role, flags.label ?? "");
      console.log(`created key ${key.id} (${key.role}) for ${flags.department}. The token is shown once:\n${token}`);
      break;
    }
    case "list":
      console.log(`${"id".padEnd(12)}  ${"role".padEnd(8)}  status  label`);
      for (const k of keys.list()) {
        console.log(`${k.id}  ${k.role.padEnd(8)}  ${k.revokedAt ? `revoked ${k.revokedAt}` : "active"}  ${k.label}`);
      }
      break;
    case "revoke":
    case "rotate": {
      if (!flags.id) throw new Error(`--id is required\nusage: ${USAGE}`);
      if (command === "revoke") {
        keys.revoke(flags.id);
        console.log(`revoked key ${flags.id} of ${flags.department}`);
      } else {
        const { token, key } = keys.rotate(flags.id);
        console.log(`revoked ${flags.id}; new key ${key.id} (${key.role}). The token is shown once:\n${token}`);
      }
      break;
    }
    default:
      throw new Error(`unknown command "${command ?? ""}"\nusage: ${USAGE}`);
  }
});

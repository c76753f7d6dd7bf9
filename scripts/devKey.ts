// npm run -s dev-key -- <department> [role]: for curl against the running npm start or cluster, a dev API key of that
// department and role (default consumer) and the department's URL on the gateway that hosts it, as shell assignments:
// eval "$(npm run -s dev-key -- psb)".
import { parseArgs } from "node:util";
import { runCli } from "./lib/cli.ts";
import { readDevApiKeys } from "./lib/devApiKeys.ts";
import { localSystem } from "./lib/runningSystem.ts";

const USAGE = "npm run -s dev-key -- <department> [issuer|consumer|auditor|operator]";

runCli(async () => {
  const [department, role = "consumer"] = parseArgs({ allowPositionals: true }).positionals;
  if (!department) throw new Error(`name a department\nusage: ${USAGE}`);
  const system = localSystem();
  const keys = readDevApiKeys(system.dataDir);
  const roles = keys[department];
  if (!roles) throw new Error(`no dev keys for department "${department}"; there are: ${Object.keys(keys).join(", ")}`);
  const token = roles[role];
  if (!token) throw new Error(`no dev key for role "${role}"; the roles are: ${Object.keys(roles).join(", ")}`);
  console.log(`TOKEN=${token}`);
  console.log(`URL=${system.departmentUrl(department)}`);
});

#!/usr/bin/env node
// oncechain-audit: the package's command for `npm run audit`, on whatever Node calls it. It runs scripts/audit.ts
// through tsx on the project's pinned Node (a system Node 20 cannot run the project's TypeScript), after the build
// check the npm scripts make first, since the audit reads the registries through the generated contract types.
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const require = createRequire(import.meta.url);
const node = join(dirname(require.resolve("node/package.json")), "bin", "node");
const tsx = require.resolve("tsx/cli");

function run(args) {
  const result = spawnSync(node, args, { stdio: "inherit" });
  if (result.error) {
    console.error(`oncechain-audit: cannot run ${node}: ${result.error.message}`);
    process.exit(2);
  }
  if (result.signal) process.kill(process.pid, result.signal);
  return result.status ?? 2;
}

// A failed build is no failed check: the check could not be made (exit 2).
if (run([join(root, "scripts", "build.ts")]) !== 0) process.exit(2);
process.exit(run([tsx, join(root, "scripts", "audit.ts"), ...process.argv.slice(2)]));

// Makes sure Hardhat's native engine is installed.
// npm running on the system's Node 20 skips @nomicfoundation/edr-linux-x64-gnu (its engines say >= 22),
// and Hardhat then fails with HHE27. The project pins Node 24 through the `node` devDependency, so once
// that is on PATH (npm puts node_modules/.bin first while running this script) one more install picks the
// native package up. The guard variable stops a loop if the second install still cannot place it.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const platformPackage = {
  "linux-x64": "@nomicfoundation/edr-linux-x64-gnu",
  "linux-arm64": "@nomicfoundation/edr-linux-arm64-gnu",
  "darwin-x64": "@nomicfoundation/edr-darwin-x64",
  "darwin-arm64": "@nomicfoundation/edr-darwin-arm64",
  "win32-x64": "@nomicfoundation/edr-win32-x64-msvc",
}[`${process.platform}-${process.arch}`];

function installed(name) {
  try {
    require.resolve(`${name}/package.json`);
    return true;
  } catch {
    return false;
  }
}

if (!platformPackage || installed(platformPackage) || !existsSync("node_modules/@nomicfoundation/edr")) {
  process.exit(0);
}
if (process.env.ONCECHAIN_EDR_RETRY) {
  console.error(
    `ensure-edr: ${platformPackage} is still missing after a second install; Hardhat will fail with HHE27.`,
  );
  process.exit(1);
}
const npmCli = process.env.npm_execpath;
if (!npmCli) {
  console.error(`ensure-edr: ${platformPackage} is missing; run 'npm install' again with Node >= 22.`);
  process.exit(1);
}
// npm's own Node (the one that judged the package's engines) is in its user agent; this script runs on the pinned one.
const npmNode = /node\/(v[\d.]+)/.exec(process.env.npm_config_user_agent ?? "")?.[1] ?? "an older Node";
console.log(
  `ensure-edr: npm on Node ${npmNode} skipped ${platformPackage}; installing again on the pinned Node ${process.version}.`,
);
execFileSync("node", [npmCli, "install", "--no-audit", "--no-fund"], {
  stdio: "inherit",
  env: { ...process.env, ONCECHAIN_EDR_RETRY: "1" },
});

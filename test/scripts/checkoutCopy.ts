// A copy of this checkout in a temporary directory, as a newcomer's clone is: no build outputs, no data, no npm start
// recorded. Its node_modules is a link to this checkout's, so that a copy costs no install.
import { cpSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { relative } from "node:path";
import { projectRoot } from "../../scripts/lib/paths.ts";
import { removeTestDir } from "../support/leftBehind.ts";

const LEFT_OUT = [
  "node_modules",
  "artifacts",
  "cache",
  "types/ethers-contracts",
  "data",
  ".oncechain",
  ".git",
  "coverage",
];

const BUILD = ["artifacts", "cache", "types/ethers-contracts"];

/** A file in the copy's root that marks it as one: the scan after the suite reads only its data folders. */
export const CHECKOUT_COPY_MARKER = ".oncechain-checkout-copy";
/** Where a copy keeps what it runs: the data and the local state npm start writes. */
export const CHECKOUT_DATA: readonly string[] = ["data", ".oncechain"];

/**
 * The copy's root, ending in a slash like projectRoot. `built`: with this checkout's build (outputs and record), for a
 * test of what comes after the compile.
 */
export function copyCheckout({ built = false } = {}): string {
  const root = `${mkdtempSync(`${tmpdir()}/oncechain-checkout-`)}/`;
  cpSync(projectRoot, root, {
    recursive: true,
    filter: (source) => {
      const path = relative(projectRoot, source);
      return !LEFT_OUT.some((left) => path === left || path.startsWith(`${left}/`));
    },
  });
  symlinkSync(`${projectRoot}node_modules`, `${root}node_modules`);
  writeFileSync(`${root}${CHECKOUT_COPY_MARKER}`, "");
  // Copied, not linked: if the build is out of date the copy compiles again, into its own files.
  if (built) for (const dir of BUILD) cpSync(`${projectRoot}${dir}`, `${root}${dir}`, { recursive: true });
  return root;
}

export function removeCheckoutCopy(root: string): void {
  removeTestDir(root);
}

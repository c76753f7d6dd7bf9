// Debian's Chromium as the browser tests launch it: headless, no sandbox (CI runs as root), nothing fetched from outside.
import { existsSync } from "node:fs";

export const CHROMIUM = "/usr/bin/chromium";

export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

/** .ci/run installs Debian's chromium, so CI always runs the browser tests; elsewhere, where chromium is installed. */
export const browserTestsRun = existsSync(CHROMIUM) || process.env.CI !== undefined;

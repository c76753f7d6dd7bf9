// Vitest's global setup: the whole suite runs as a scanned run (test/support/leftBehind.ts), and when it has ended
// everything it left is read for personal data (issue 13, item 7). A finding fails the run and keeps the directory for
// a look; a clean scan prints its figures and removes it.
import { rmSync } from "node:fs";
import { SUITE_PERSONAL_DATA, scanLeftBehind } from "../reliability/personalDataScan.ts";
import { beginScannedRun } from "./leftBehind.ts";

export default function setup(): () => Promise<void> {
  const root = beginScannedRun("oncechain-suite-");
  return async () => {
    const started = Date.now();
    const scan = await scanLeftBehind(root, SUITE_PERSONAL_DATA);
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    console.log(
      `personal data after the suite (${seconds} s): ${scan.findings.length} found in ${scan.files} files ` +
        `(${(scan.bytes / 2 ** 20).toFixed(1)} MiB, ${(scan.hexBytes / 2 ** 20).toFixed(1)} MiB decoded from hexadecimal), ` +
        `${scan.levelDbEntries} entries of ${scan.levelDbs} LevelDB databases, ${scan.chainFiles} chains, ` +
        `${scan.logLines} log lines in ${scan.logFiles} files`,
    );
    if (scan.findings.length > 0 || scan.unreadable.length > 0) {
      const shown = scan.findings.slice(0, 20).map((f) => `  ${f.what} in ${f.where}`);
      const unreadable = scan.unreadable.map((u) => `  not read: ${u}`);
      throw new Error(
        `personal data left behind by the suite (kept in ${root}):\n${[...shown, ...unreadable].join("\n")}`,
      );
    }
    rmSync(root, { recursive: true, force: true });
  };
}

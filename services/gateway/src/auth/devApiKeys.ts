// The dev API keys of a development chain: one per department and role, kept in one file that the demo reads.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { lock } from "proper-lockfile";
import { type ApiKeyFile, parseToken, ROLES } from "./apiKeys.ts";

type Tokens = Record<string, Record<string, string>>;

const read = (file: string): Tokens => (existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) : {});

/**
 * Makes sure each department has a live key of every role, created once and written (tokens included) to a
 * git-ignored file readable only by its owner, so the demo and a developer's curl can call the gateway. Several gateway
 * processes share the file (npm run cluster, several started at once): each reads, merges its own departments' entries
 * and replaces the file whole while it holds a lock on it, so that none loses another's keys nor leaves it half
 * written. The lock is a directory beside the file (proper-lockfile); one left by a killed process goes stale.
 */
export async function ensureDevApiKeys(
  departments: Iterable<{ code: string; apiKeys: ApiKeyFile }>,
  file: string,
): Promise<void> {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const release = await lock(file, {
    realpath: false,
    stale: 10_000,
    retries: { retries: 100, minTimeout: 10, maxTimeout: 200 },
  });
  try {
    merge(departments, file);
  } finally {
    await release();
  }
}

function merge(departments: Iterable<{ code: string; apiKeys: ApiKeyFile }>, file: string): void {
  const known = read(file);
  const mine: Tokens = {};
  for (const { code, apiKeys } of departments) {
    const live = new Set(
      apiKeys
        .list()
        .filter((k) => !k.revokedAt)
        .map((k) => k.id),
    );
    mine[code] = { ...known[code] };
    for (const role of ROLES) {
      const token = mine[code][role];
      const id = parseToken(token)?.id;
      if (!token || !id || !live.has(id)) mine[code][role] = apiKeys.create(role, "dev").token;
    }
  }
  if (Object.entries(mine).every(([code, roles]) => ROLES.every((role) => known[code]?.[role] === roles[role]))) return;
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify({ ...known, ...mine }, null, 2)}\n`, { mode: 0o600 });
  renameSync(temp, file);
}

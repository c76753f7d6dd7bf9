import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, describe, expect, it } from "vitest";
import { ApiKeyFile, KEY_FILE_RECHECK_MS } from "../../services/gateway/src/auth/apiKeys.ts";
import { GatewayError } from "../../services/gateway/src/errors/GatewayError.ts";
import { removeTestDir } from "../support/leftBehind.ts";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) removeTestDir(dir);
});

function keyFile() {
  const dir = mkdtempSync(join(tmpdir(), "oncechain-keys-"));
  dirs.push(dir);
  return new ApiKeyFile(join(dir, "api-keys.json"), "psb");
}

const codeOf = (call: () => unknown) => {
  try {
    call();
    return "accepted";
  } catch (error) {
    return error instanceof GatewayError ? error.code : "unreadable";
  }
};

describe("API key file", () => {
  it("fails closed while the key file cannot be read, on every call, and recovers once it can", async () => {
    const keys = keyFile();
    const { token } = keys.create("issuer");
    expect(codeOf(() => keys.authenticate(token))).toBe("accepted");
    const good = readFileSync(keys.path, "utf8");
    writeFileSync(keys.path, good.slice(0, 20));
    await sleep(KEY_FILE_RECHECK_MS + 50);
    for (let i = 0; i < 3; i++) expect(codeOf(() => keys.authenticate(token))).toBe("unreadable");
    writeFileSync(keys.path, good);
    expect(codeOf(() => keys.authenticate(token))).toBe("accepted");
  });

  it("knows no key once the file is gone", async () => {
    const keys = keyFile();
    const { token } = keys.create("consumer");
    rmSync(keys.path);
    await sleep(KEY_FILE_RECHECK_MS + 50);
    expect(codeOf(() => keys.authenticate(token))).toBe("UNAUTHENTICATED");
  });
});

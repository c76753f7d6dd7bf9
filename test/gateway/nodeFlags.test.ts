import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { GATEWAY_NODE_FLAGS } from "../../services/gateway/src/nodeFlags.ts";

const scripts = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")).scripts as Record<
  string,
  string
>;

describe("the gateway's Node flags", () => {
  it.each(["start", "gateway"])("are passed by `npm run %s` to the process that hosts the gateway", (name) => {
    const command = scripts[name]?.split("&&").at(-1)?.trim() ?? "";
    expect(command).toMatch(/^tsx /);
    for (const flag of GATEWAY_NODE_FLAGS) expect(command.split(" ")).toContain(flag);
  });
});

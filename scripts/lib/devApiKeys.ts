// The dev API keys a gateway on the local chain writes (one per department and role), as the demo and dev-key read them.
import { existsSync, readFileSync } from "node:fs";

/** `{ department: { role: token } }`. */
export type DevApiKeys = Record<string, Record<string, string>>;

/** Where serveGateway writes them, under the data directory of the npm start that runs the gateway. */
export const devApiKeysFile = (dataDir: string) => `${dataDir}/gateway/dev-api-keys.json`;

export function readDevApiKeys(dataDir: string): DevApiKeys {
  const file = devApiKeysFile(dataDir);
  if (!existsSync(file)) throw new Error(`no dev API keys at ${file}: run 'npm start' (on its local chain) first`);
  return JSON.parse(readFileSync(file, "utf8")) as DevApiKeys;
}

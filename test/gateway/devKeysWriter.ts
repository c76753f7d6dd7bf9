// A process that writes its departments' dev API keys into a shared file at a given moment, as a gateway does when it
// starts: `tsx devKeysWriter.ts <keys file> <key dir> <start at, ms since epoch> <department>...`.
import { ApiKeyFile } from "../../services/gateway/src/auth/apiKeys.ts";
import { ensureDevApiKeys } from "../../services/gateway/src/auth/devApiKeys.ts";

const [file = "", keyDir = "", startAt = "", ...codes] = process.argv.slice(2);
const departments = codes.map((code) => ({ code, apiKeys: new ApiKeyFile(`${keyDir}/${code}.json`, code) }));
// All the writers leave this wait within a millisecond of each other, so that their writes overlap.
while (Date.now() < Number(startAt));
await ensureDevApiKeys(departments, file);

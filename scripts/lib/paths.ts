// Where the project keeps what it generates at run time: the local chain's state, deployments, dev keys.
import { fileURLToPath } from "node:url";

export const projectRoot = fileURLToPath(new URL("../../", import.meta.url));

/** `ONCECHAIN_DATA_DIR`, else `data/` in the project (git-ignored). */
export function dataDir(): string {
  return process.env.ONCECHAIN_DATA_DIR ?? `${projectRoot}data`;
}

/** `ONCECHAIN_SEEDS_DIR`, else the project's `seeds/`. */
export const seedsDir = process.env.ONCECHAIN_SEEDS_DIR ?? `${projectRoot}seeds`;

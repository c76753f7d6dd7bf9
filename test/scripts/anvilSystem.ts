// A system as npm start builds it, for tests that claim JSON-RPC: anvil as its own process, the registries deployed
// and the catalogue seeded over JSON-RPC, and a gateway (in this process) serving every department on it.
import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import type { JsonRpcProvider } from "ethers";
import { loadCatalogue } from "../../lib/catalogue/loadCatalogue.ts";
import type { Catalogue } from "../../lib/catalogue/schemas.ts";
import { type DeploymentRecord, ensureDeployment } from "../../lib/chain/deploymentStore.ts";
import { connectRegistries } from "../../lib/chain/registries.ts";
import { connectProvider } from "../../scripts/lib/chainConnection.ts";
import { devDepartmentSigners } from "../../scripts/lib/devDepartments.ts";
import { startLocalChain } from "../../scripts/lib/localChain.ts";
import { operatorSigner } from "../../scripts/lib/operatorSigner.ts";
import { projectRoot, seedsDir } from "../../scripts/lib/paths.ts";
import { seedCatalogue } from "../../scripts/lib/seed/seedCatalogue.ts";
import type { Role } from "../../services/gateway/src/auth/apiKeys.ts";
import { type Serving, serveGateway } from "../../services/gateway/src/serve.ts";
import { removeTestDir, testLogger } from "../support/leftBehind.ts";
import { freePort } from "./processes.ts";

export interface AnvilSystem {
  rpcUrl: string;
  provider: JsonRpcProvider;
  deployment: DeploymentRecord;
  serving: Serving;
  dataDir: string;
  /** `${gateway url}/departments/<code>` */
  base(code: string): string;
  /** The dev API token of `code` for `role`, as npm start writes it. */
  token(code: string, role: Role): string;
  stop(): Promise<void>;
}

/** A chain as npm start leaves it before its gateway starts: anvil as its own process, deployed and seeded. */
export interface SeededAnvil {
  rpcUrl: string;
  provider: JsonRpcProvider;
  deployment: DeploymentRecord;
  catalogue: Catalogue;
  dataDir: string;
  /** Stops the node (anvil writes its state file) and starts it again from that file, on the same port. */
  restartNode(): Promise<void>;
  /**
   * Another anvil process holding the same chain as this one held when it started (the seeded template): a node of
   * the same chain, behind this one as soon as this one has a block of its own. Stopped with the chain.
   */
  secondNode(): Promise<{ rpcUrl: string; stop(): Promise<void> }>;
  /** Stops the node and removes the data directory, after `also` (what was started on it), newest first. */
  stop(): Promise<void>;
  also(stop: () => Promise<void> | void): void;
}

/** What a seeded chain is made from: the compiled contracts, the catalogue, and the code that deploys and seeds. */
function seededChainInputs(): string {
  const hash = createHash("sha256");
  const add = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
      if (!entry.isFile()) continue;
      const path = `${entry.parentPath}/${entry.name}`;
      hash.update(path.slice(projectRoot.length));
      hash.update(readFileSync(path));
    }
  };
  for (const dir of ["artifacts/build-info", "seeds", "lib/chain", "lib/catalogue", "scripts/lib/seed"]) {
    add(`${projectRoot}${dir}`);
  }
  return hash.digest("hex").slice(0, 16);
}

/**
 * A data directory holding a chain as startSeededAnvil leaves it (anvil's state file, the deployment record, the dev
 * keys), made once for these inputs and copied for each test: deploying and seeding over JSON-RPC takes 9 s, loading
 * the state file a fraction of one. Test files run in parallel workers: the first to finish building it names it.
 */
async function seededTemplate(): Promise<string> {
  const dir = `${tmpdir()}/oncechain-seeded-${seededChainInputs()}`;
  if (existsSync(`${dir}/ready`)) return dir;
  const building = mkdtempSync(`${tmpdir()}/oncechain-seeding-`);
  try {
    const chain = await startLocalChain({ dataDir: building, port: await freePort() });
    const provider = await connectProvider(chain.rpcUrl);
    try {
      const catalogue = await loadCatalogue(seedsDir);
      const codes = catalogue.departments.map((d) => d.code);
      const operator = await operatorSigner(provider, building, codes);
      const { record } = await ensureDeployment(provider, operator.signer, building, { sameChainOnly: true });
      const signers = await devDepartmentSigners(provider, building, codes);
      await seedCatalogue(catalogue, connectRegistries(record, operator.signer), { update: false, signers });
    } finally {
      provider.destroy();
      await chain.stop();
    }
    writeFileSync(`${building}/ready`, "");
    renameSync(building, dir);
  } catch (error) {
    rmSync(building, { recursive: true, force: true });
    // Another worker named its template first: that one serves.
    if (!existsSync(`${dir}/ready`)) throw error;
  }
  return dir;
}

export async function startSeededAnvil(): Promise<SeededAnvil> {
  const dataDir = mkdtempSync(`${tmpdir()}/oncechain-anvil-`);
  cpSync(await seededTemplate(), dataDir, { recursive: true });
  rmSync(`${dataDir}/ready`);
  const port = await freePort();
  let chain = await startLocalChain({ dataDir, port });
  const provider = await connectProvider(chain.rpcUrl);
  const stops: (() => Promise<void> | void)[] = [
    () => removeTestDir(dataDir),
    () => chain.stop(),
    () => provider.destroy(),
  ];
  const stop = async () => {
    for (const next of stops.splice(0).reverse()) await next();
  };
  try {
    const catalogue = await loadCatalogue(seedsDir);
    const codes = catalogue.departments.map((d) => d.code);
    const operator = await operatorSigner(provider, dataDir, codes);
    // The template's deployment, found on the chain its state file holds: nothing is deployed or seeded again.
    const { record, deployed } = await ensureDeployment(provider, operator.signer, dataDir, { sameChainOnly: true });
    if (deployed) throw new Error("the seeded chain's state file did not hold its recorded deployment");
    return {
      rpcUrl: chain.rpcUrl,
      provider,
      deployment: record,
      catalogue,
      dataDir,
      async restartNode() {
        await chain.stop();
        chain = await startLocalChain({ dataDir, port });
      },
      async secondNode() {
        const nodeDir = mkdtempSync(`${tmpdir()}/oncechain-anvil-`);
        cpSync(`${await seededTemplate()}/chain`, `${nodeDir}/chain`, { recursive: true });
        const node = await startLocalChain({ dataDir: nodeDir, port: await freePort() });
        const stopNode = async () => {
          await node.stop();
          removeTestDir(nodeDir);
        };
        stops.push(stopNode);
        return { rpcUrl: node.rpcUrl, stop: stopNode };
      },
      stop,
      also: (next) => stops.push(next),
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** `env` is set for the gateway's settings while it starts (GATEWAY_PORT is a free port unless given). */
export async function startAnvilSystem(env: Record<string, string> = {}): Promise<AnvilSystem> {
  const chain = await startSeededAnvil();
  const { provider, deployment, catalogue, dataDir } = chain;
  try {
    const codes = catalogue.departments.map((d) => d.code);
    // A port of its own rather than 0: the gateway registers its public URL, port included, as its endpoint on chain.
    const settings = { GATEWAY_PORT: String(await freePort()), ...env };
    const saved = Object.fromEntries(Object.keys(settings).map((name) => [name, process.env[name]]));
    Object.assign(process.env, settings);
    let serving: Serving;
    try {
      serving = await serveGateway({ provider, deployment, catalogue, dataDir, codes, logger: testLogger() });
    } finally {
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
    chain.also(() => serving.close());
    const tokens = JSON.parse(readFileSync(serving.devKeysFile ?? "", "utf8"));
    return {
      rpcUrl: chain.rpcUrl,
      provider,
      deployment,
      serving,
      dataDir,
      base: (code) => `${serving.url}/departments/${code}`,
      token: (code, role) => tokens[code][role],
      stop: chain.stop,
    };
  } catch (error) {
    await chain.stop();
    throw error;
  }
}

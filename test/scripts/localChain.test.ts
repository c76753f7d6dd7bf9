import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { afterEach, describe, expect, it } from "vitest";
import {
  DeploymentMismatchError,
  deploymentFile,
  ensureDeployment,
  recordedDeployment,
} from "../../lib/chain/deploymentStore.ts";
import { connectProvider } from "../../scripts/lib/chainConnection.ts";
import { type LocalChain, startLocalChain } from "../../scripts/lib/localChain.ts";
import { operatorSigner } from "../../scripts/lib/operatorSigner.ts";
import { removeTestDir } from "../support/leftBehind.ts";

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

describe("the embedded local chain", () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function start(dataDir: string, port: number): Promise<LocalChain> {
    const chain = await startLocalChain({ dataDir, port });
    cleanups.push(() => chain.stop());
    return chain;
  }

  async function deployOn(chain: LocalChain, dataDir: string) {
    const provider = await connectProvider(chain.rpcUrl);
    cleanups.push(() => provider.destroy());
    const operator = await operatorSigner(provider, dataDir);
    return { provider, ...(await ensureDeployment(provider, operator.signer, dataDir, { sameChainOnly: true })) };
  }

  function tempDir(): string {
    const dir = mkdtempSync(`${tmpdir()}/oncechain-chain-`);
    cleanups.push(() => removeTestDir(dir));
    return dir;
  }

  it("comes back after a stop with the same blocks and the recorded deployment, deploying nothing again", async () => {
    const dataDir = tempDir();
    const port = await freePort();
    const first = await start(dataDir, port);
    const { provider, record, deployed } = await deployOn(first, dataDir);
    expect(deployed).toBe(true);
    const head = await provider.getBlock("latest");
    provider.destroy();
    await first.stop();

    const second = await start(dataDir, port);
    const again = await deployOn(second, dataDir);
    expect(again.deployed).toBe(false);
    expect(again.record).toEqual(record);
    const resumed = await again.provider.getBlock(head?.number ?? -1);
    expect(resumed?.hash).toBe(head?.hash);
  });

  it("refuses a wiped chain that does not hold the recorded deployment, and deploys nothing over it", async () => {
    const dataDir = tempDir();
    const first = await start(dataDir, await freePort());
    const { record } = await deployOn(first, dataDir);
    await first.stop();

    const wiped = tempDir();
    mkdirSync(`${wiped}/deployments`, { recursive: true });
    copyFileSync(deploymentFile(dataDir, record.chainId), deploymentFile(wiped, record.chainId));
    const fresh = await start(wiped, await freePort());
    const provider = await connectProvider(fresh.rpcUrl);
    cleanups.push(() => provider.destroy());
    const before = await provider.getBlockNumber();
    await expect(deployOn(fresh, wiped)).rejects.toThrow(DeploymentMismatchError);
    await expect(deployOn(fresh, wiped)).rejects.toThrow(/does not hold the deployment recorded/);
    // What seed, status and the gateway start from says the same.
    await expect(recordedDeployment(provider, wiped)).rejects.toThrow(DeploymentMismatchError);
    expect(await provider.getBlockNumber()).toBe(before);
  });

  it("gives seed, status and the gateway their deployment, or says to deploy first when none is recorded", async () => {
    const dataDir = tempDir();
    const chain = await start(dataDir, await freePort());
    const { provider, record } = await deployOn(chain, dataDir);
    expect(await recordedDeployment(provider, dataDir)).toEqual(record);
    await expect(recordedDeployment(provider, tempDir())).rejects.toThrow(
      /nothing is deployed on chain 31337 \(no .*31337\.json\): run 'npm start' or 'npm run deploy' first/,
    );
  });

  it("refuses a chain with another chain id than the one this data directory belongs to", async () => {
    const dataDir = tempDir();
    mkdirSync(`${dataDir}/deployments`, { recursive: true });
    writeFileSync(deploymentFile(dataDir, 1101), "{}");
    const chain = await start(dataDir, await freePort());
    await expect(deployOn(chain, dataDir)).rejects.toThrow(/belongs to chain 1101; the chain found is 31337/);
  });

  it("refuses to start on a port that another chain already holds, naming the port", async () => {
    const port = await freePort();
    await start(tempDir(), port);
    await expect(startLocalChain({ dataDir: tempDir(), port })).rejects.toThrow(`port ${port}`);
  });
});

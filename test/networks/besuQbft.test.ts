// Issue 14: the Besu QBFT network's folder agrees with our contracts as compiled and with itself: chain id, the EVM
// fork the compiler targets, the contract size limit against our largest contract, the block gas limit against our
// largest transaction (every deployment and seeding transaction, measured here on Hardhat's network, and the largest
// anchoring batch of bench/results/gas.json), the validators against the allowlists and each node's configuration.
// Besu itself cannot run on this machine (neither Debian nor npm ships it): docs/CONSORTIUM.md says what was not run.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { Wallet } from "ethers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readNetworkFile, resolveNetwork } from "../../scripts/lib/chainConnection.ts";
import { checkQbftNetwork, compiledContracts } from "../../scripts/lib/consortium/checkNetwork.ts";
import { projectRoot } from "../../scripts/lib/paths.ts";
import { type SeededChain, seededChain } from "../gateway/gatewayFixture.ts";
import { startSeededAnvil } from "../scripts/anvilSystem.ts";
import { runScript } from "../scripts/processes.ts";
import { removeTestDir } from "../support/leftBehind.ts";

const NETWORK = `${projectRoot}networks/besu-qbft`;
/** EIP-7825 (Osaka): the most gas one transaction may use, on anvil here and on any chain past Osaka. */
const OSAKA_TRANSACTION_GAS_CAP = 16_777_216;

let chain: SeededChain;
let largestTransaction = 0;
let dir: string;
beforeAll(async () => {
  chain = await seededChain();
  const provider = chain.connection.ethers.provider;
  const head = await provider.getBlockNumber();
  for (let b = 1; b <= head; b++) {
    const block = await provider.getBlock(b, true);
    for (const tx of block?.prefetchedTransactions ?? []) {
      const receipt = await provider.getTransactionReceipt(tx.hash);
      largestTransaction = Math.max(largestTransaction, Number(receipt?.gasUsed ?? 0));
    }
  }
  const gas = JSON.parse(readFileSync(`${projectRoot}bench/results/gas.json`, "utf8")) as {
    ours: { maxBatchTxGas: number };
  };
  largestTransaction = Math.max(largestTransaction, gas.ours.maxBatchTxGas);
  dir = mkdtempSync(`${tmpdir()}/oncechain-qbft-`);
});
afterAll(() => {
  chain?.cleanup();
  removeTestDir(dir);
});

describe("networks/besu-qbft", () => {
  it("agrees with the contracts as compiled and with itself: chain id, EVM fork, contract size, gas limit, validators, allowlists, nodes", () => {
    const compiled = compiledContracts();
    expect(compiled.evmVersion).toBe("prague");
    expect(largestTransaction).toBeGreaterThan(1_000_000);
    expect(largestTransaction).toBeLessThanOrEqual(OSAKA_TRANSACTION_GAS_CAP);
    expect(checkQbftNetwork(NETWORK, compiled, { maxTransactionGas: largestTransaction })).toEqual([]);
    const genesis = JSON.parse(readFileSync(`${NETWORK}/genesis.json`, "utf8"));
    expect(genesis.config.pragueTime).toBe(0);
    expect(Number(genesis.gasLimit)).toBeGreaterThanOrEqual(largestTransaction);
    expect(Math.max(...Object.values(compiled.codeSizes))).toBeLessThanOrEqual(genesis.config.contractSizeLimit);
  });

  it("is a network the scripts reach by its name: its chain id, its four nodes' RPC URLs, one confirmation", () => {
    const file = readNetworkFile("besu-qbft");
    expect(file.rpcUrls).toHaveLength(4);
    const target = resolveNetwork("besu-qbft", { rpcUrl: "unused" } as never);
    expect(target).toMatchObject({ chainId: file.chainId, confirmations: 1, rpcUrl: file.rpcUrls.join(",") });
  });

  it("finds what breaks the agreement: a chain id of its own, a fork the compiler needs, a validator not allowlisted, a gas limit too low, an administration API open to the network, a validator's key file that is not its key", () => {
    const compiled = compiledContracts();
    const broken = `${dir}/broken`;
    cpSync(NETWORK, broken, { recursive: true });
    const genesis = JSON.parse(readFileSync(`${broken}/genesis.json`, "utf8"));
    delete genesis.config.pragueTime;
    genesis.config.chainId = 31337;
    writeFileSync(`${broken}/genesis.json`, JSON.stringify(genesis));
    const permissions = readFileSync(`${broken}/permissions_config.toml`, "utf8");
    writeFileSync(`${broken}/permissions_config.toml`, permissions.replace(/"enode:\/\/[0-9a-f]+@[^"]+", /, ""));
    const node1 = readFileSync(`${broken}/node-1/config.toml`, "utf8");
    writeFileSync(`${broken}/node-1/config.toml`, node1.replace('rpc-http-api=["ETH"', 'rpc-http-api=["PERM", "ETH"'));
    mkdirSync(`${broken}/keys/node-2`, { recursive: true });
    writeFileSync(`${broken}/keys/node-2/key`, Wallet.createRandom().privateKey);
    const problems = checkQbftNetwork(broken, compiled, { maxTransactionGas: 2_000_000_000 });
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^genesis.json: chainId 31337, network.json: \d+$/),
        "genesis.json: chainId 31337 is the development chain's",
        "genesis.json: pragueTime is not 0, but the compiler targets prague (prague included)",
        expect.stringMatching(/^permissions_config.toml: validator 0x[0-9a-fA-F]{40} is not in nodes-allowlist$/),
        expect.stringMatching(/^genesis.json: gasLimit \d+ < our largest transaction's 2000000000 gas$/),
        "node-1/config.toml: rpc-http-api serves PERM to the network (loopback only)",
        expect.stringMatching(
          /^keys\/node-2\/key: the key of 0x[0-9a-fA-F]{40}, not of validator 2 \(0x[0-9a-fA-F]{40}\)$/,
        ),
      ]),
    );
  });

  it("is made anew by npm run consortium -- init, with fresh validator keys, and checked by npm run consortium -- check", async () => {
    const out = `${dir}/made`;
    const operator = Wallet.createRandom().address;
    const department = Wallet.createRandom().address;
    const init = runScript(
      "consortium.ts",
      [
        "init",
        "--out",
        out,
        "--operator",
        operator,
        "--accounts",
        department,
        "--hosts",
        "10.0.0.1,10.0.0.2,10.0.0.3,10.0.0.4",
      ],
      {},
    );
    expect(await init.exited, init.output()).toBe(0);
    expect(checkQbftNetwork(out, compiledContracts(), { maxTransactionGas: largestTransaction })).toEqual([]);
    const permissions = readFileSync(`${out}/permissions_config.toml`, "utf8");
    expect(permissions).toContain(operator);
    expect(permissions).toContain(department);
    // Four machines: each validator on the same ports of its own host.
    expect(readFileSync(`${out}/node-3/config.toml`, "utf8")).toContain('p2p-host="10.0.0.3"');
    expect(JSON.parse(readFileSync(`${out}/network.json`, "utf8")).rpcUrls).toEqual([
      "http://10.0.0.1:8545",
      "http://10.0.0.2:8545",
      "http://10.0.0.3:8545",
      "http://10.0.0.4:8545",
    ]);
    const again = runScript("consortium.ts", ["init", "--out", out, "--operator", operator], {});
    expect(await again.exited).toBe(1);
    expect(again.output()).toContain("genesis.json exists");
    const check = runScript("consortium.ts", ["check", "--out", out], {});
    expect(await check.exited, check.output()).toBe(0);
  });

  it("npm run consortium -- admin makes one JSON-RPC call over a node's WebSocket (anvil's, here), and refuses params that are not a JSON array", async () => {
    const node = await startSeededAnvil();
    try {
      const ws = node.rpcUrl.replace("http://", "ws://");
      const call = runScript("consortium.ts", ["admin", "--node", ws, "eth_chainId"], {});
      expect(await call.exited, call.output()).toBe(0);
      expect(call.stdout().trim()).toBe('"0x7a69"');
      const wrong = runScript("consortium.ts", ["admin", "--node", ws, "eth_getBalance", "{not json"], {});
      expect(await wrong.exited).toBe(1);
      expect(wrong.output()).toContain("the params of eth_getBalance are not JSON");
    } finally {
      await node.stop();
    }
  });
});

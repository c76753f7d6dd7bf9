// Hardhat 3 configuration: offline compilation with the solc npm package, in-process EDR network for tests.
import { createRequire } from "node:module";
import hardhatEthers from "@nomicfoundation/hardhat-ethers";
import hardhatTypechain from "@nomicfoundation/hardhat-typechain";
import { defineConfig } from "hardhat/config";

const require = createRequire(import.meta.url);
// No compiler can be downloaded on our machines, so compile with the soljson.js that the solc package ships.
const solcVersion: string = require("solc/package.json").version;
const solcPath = require.resolve("solc/soljson.js");

export default defineConfig({
  plugins: [hardhatEthers, hardhatTypechain],
  solidity: {
    version: solcVersion,
    path: solcPath,
    settings: {
      optimizer: { enabled: true, runs: 10_000 },
      viaIR: true,
      evmVersion: "prague",
    },
  },
  paths: {
    tests: { solidity: "test/contracts" },
  },
  test: {
    solidity: {
      profiles: {
        // `npx hardhat test solidity` while working: each test's own counts (its forge-config lines), else Hardhat's.
        default: {},
        // npm test (`--test-profile deep`): every fuzz test 10,000 times and every invariant over 64 sequences of 100
        // calls (issue 13, item 10).
        deep: { fuzz: { runs: 10_000 }, invariant: { runs: 64, depth: 100 } },
      },
    },
  },
  networks: {
    localhost: {
      type: "http",
      url: process.env.CHAIN_RPC_URL ?? "http://127.0.0.1:8545",
    },
  },
});

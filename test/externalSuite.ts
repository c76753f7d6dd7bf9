// The tests npm run test:external runs: deploy, seed, gateway, federation, commitments and audit against chains started
// as processes of their own (anvil here), reached through JSON-RPC alone. vitest.config.ts runs them as its "external"
// project, in which Hardhat's in-process network is unreachable (test/support/noInProcessNetwork.ts), and the rest as
// its "unit" project.
export const EXTERNAL_TESTS = [
  // The guard itself: Hardhat's in-process network is out of reach here.
  "test/support/noInProcessNetwork.test.ts",
  // Deploy and seed: npm start from a fresh checkout (anvil, deploy, seed), and the chain's own process.
  "test/scripts/freshCheckout.test.ts",
  "test/scripts/localChain.test.ts",
  "test/scripts/start.test.ts",
  "test/scripts/operator.test.ts",
  // Keys: the operator's and a gateway's, from the environment, a keystore file, a terminal.
  "test/scripts/keys.test.ts",
  // The gateway: several RPC URLs and failover; crashes and a cut connection.
  "test/chain/failover.test.ts",
  "test/reliability/chainOutage.test.ts",
  "test/reliability/crash.test.ts",
  "test/scripts/restartAfterRevocation.test.ts",
  // Federation and commitments: a gateway process per department.
  "test/cluster/departmentProcesses.test.ts",
  "test/cluster/commitmentProcesses.test.ts",
  "test/cluster/npmRunCluster.test.ts",
  // Audit: the CLI against the chain.
  "test/scripts/audit.test.ts",
  "test/scripts/verifyLog.test.ts",
];

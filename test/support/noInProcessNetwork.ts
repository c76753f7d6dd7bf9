// What `hardhat` and Hardhat's EDR resolve to in npm run test:external: any use of them fails the test that makes it, so
// that a test of that suite cannot reach Hardhat's in-process network, even by a helper it imports. Importing a module
// that imports Hardhat is harmless; using Hardhat is not.
const refuse = (what: string) => {
  throw new Error(
    `${what}: the external suite (npm run test:external) reaches chains through JSON-RPC only, not Hardhat's in-process network`,
  );
};
const hre = new Proxy({}, { get: (_target, key) => refuse(`hardhat's ${String(key)}`) });
export default hre;
export const network = new Proxy({}, { get: (_target, key) => refuse(`hardhat's network.${String(key)}`) });

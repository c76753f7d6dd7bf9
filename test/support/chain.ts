// Test fixtures: a fresh in-process Hardhat chain with the registries deployed and a small catalogue registered.
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { getAddress, ZeroHash } from "ethers";
import hre from "hardhat";
import { connectRegistries, type Deployment, deployRegistries, type Registries } from "../../lib/chain/registries.ts";
import { codeKey } from "../../lib/encoding/codeKey.ts";
import { scanChainLater } from "./leftBehind.ts";

export type NetworkConnection = Awaited<ReturnType<typeof hre.network.create>>;

export interface RegistryFixture {
  connection: NetworkConnection;
  deployment: Deployment;
  /** Handles bound to the operator. */
  registries: Registries;
  operator: HardhatEthersSigner;
  /** Signer of department 1 (psb), authoritative for type 1 (resident-id-card). */
  issuer: HardhatEthersSigner;
  /** Signer of department 2 (market-regulation), authoritative for type 2 (business-licence). */
  otherDepartment: HardhatEthersSigner;
  /** Signer of department 3 (tobacco), suspended. */
  suspendedDepartment: HardhatEthersSigner;
  /** Holds no role and signs for no department. */
  outsider: HardhatEthersSigner;
  ids: { psb: number; market: number; tobacco: number; residentId: number; businessLicence: number };
  /** The type registry's address: issuer periods are kept under it. */
  typeRegistry: string;
  /** Moves the chain's clock to `timestamp` for the next block. */
  setNextTimestamp(timestamp: number | bigint): Promise<void>;
  latestTimestamp(): Promise<number>;
}

export const SCHEMA_HASH = codeKey("schema of the fixture types");

/** A new chain with departments psb(1), market-regulation(2), tobacco(3, suspended) and types 1 and 2. */
export async function registryFixture(): Promise<RegistryFixture> {
  const connection = await hre.network.create();
  scanChainLater(connection.provider, "registry-chain");
  const [operator, issuer, otherDepartment, suspendedDepartment, outsider] = await connection.ethers.getSigners();
  if (!operator || !issuer || !otherDepartment || !suspendedDepartment || !outsider) {
    throw new Error("the test network needs five accounts");
  }
  const deployment = await deployRegistries(operator);
  const registries = connectRegistries(deployment, operator);
  const departments = registries.departments;
  await (await departments.registerDepartment("psb", "区公安分局", "Public Security", "", [issuer.address])).wait();
  await (
    await departments.registerDepartment("market-regulation", "区市场监管局", "Market Regulation", "", [
      otherDepartment.address,
    ])
  ).wait();
  await (
    await departments.registerDepartment("tobacco", "区烟草专卖局", "Tobacco Monopoly", "", [
      suspendedDepartment.address,
    ])
  ).wait();
  const types = registries.types;
  await (await types.registerType("resident-id-card", "居民身份证", "Resident ID card", SCHEMA_HASH, 0, [1])).wait();
  await (await types.registerType("business-licence", "营业执照", "Business licence", SCHEMA_HASH, 0, [2])).wait();
  await (await departments.suspendDepartment(3)).wait();
  const provider = connection.ethers.provider;
  return {
    connection,
    deployment,
    registries,
    operator,
    issuer,
    otherDepartment,
    suspendedDepartment,
    outsider,
    ids: { psb: 1, market: 2, tobacco: 3, residentId: 1, businessLicence: 2 },
    typeRegistry: deployment.registries.CredentialTypeRegistry,
    async setNextTimestamp(timestamp) {
      await provider.send("evm_setNextBlockTimestamp", [Number(timestamp)]);
    },
    async latestTimestamp() {
      const block = await provider.getBlock("latest");
      return block ? block.timestamp : 0;
    },
  };
}

export { ZeroHash };

/** Mines an empty block at `timestamp`, so that views read the chain's clock there. */
export async function mineBlockAt(connection: NetworkConnection, timestamp: number | bigint): Promise<void> {
  const provider = connection.ethers.provider;
  await provider.send("evm_setNextBlockTimestamp", [Number(timestamp)]);
  await provider.send("evm_mine", []);
}

/** Sets the next block `seconds` after the latest one and returns that block's timestamp. */
export async function nextBlockIn(fixture: RegistryFixture, seconds = 1): Promise<number> {
  const timestamp = (await fixture.latestTimestamp()) + seconds;
  await fixture.setNextTimestamp(timestamp);
  return timestamp;
}

/** A fixed address that holds no key: a signer entry that will never sign. */
export function keyAddress(n: number): string {
  return getAddress(`0x${n.toString(16).padStart(40, "0")}`);
}

// Gas benchmark: our record registry against the Ethereum Attestation Service (EAS), on one in-process EDR chain.
// Writes bench/results/gas.json and bench/results/gas.md; exits non-zero when a target is missed.

import { mkdir, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import {
  AbiCoder,
  Contract,
  ContractFactory,
  type ContractTransactionReceipt,
  type ContractTransactionResponse,
  type InterfaceAbi,
  id,
  ZeroAddress,
  ZeroHash,
} from "ethers";
import hre from "hardhat";
import { ANCHOR_TYPES, type AnchorTerms, anchorMessage, recordsDomain } from "../lib/encoding/anchorRequest.ts";
import type { Hex32 } from "../lib/encoding/canonical.ts";
import { buildRecordTree, type RecordAnchor } from "../lib/encoding/recordLeaf.ts";
import { registryFixture } from "../test/support/chain.ts";

const require = createRequire(import.meta.url);
const resultsDir = join(dirname(fileURLToPath(import.meta.url)), "results");

/** EIP-7825: the most gas one transaction may use (Osaka). */
const TX_GAS_CAP = 16_777_216;
const BATCH_SIZES = [1, 16, 256, 1024] as const;
const MULTI_ATTEST_SIZE = 16;
const EAS_SCHEMA = "bytes32 recordHash,bytes32 subjectRef,uint32 credentialType,uint64 validUntil";
const EAS_PACKAGE = "@ethereum-attestation-service/eas-contracts";
const ONE_YEAR = 365 * 24 * 60 * 60;

interface Artifact {
  contractName: string;
  abi: InterfaceAbi;
  bytecode: string;
  deployedBytecode: string;
}

function loadEasArtifact(name: "EAS" | "SchemaRegistry"): Artifact {
  return require(`${EAS_PACKAGE}/artifacts/contracts/${name}.sol/${name}.json`) as Artifact;
}

/** The solc version recorded in the CBOR metadata at the end of deployed bytecode, if any. */
function solcVersionOf(deployedBytecode: string): string {
  const at = deployedBytecode.lastIndexOf("64736f6c6343"); // "solc" => bytes(3)
  if (at < 0) return "unknown";
  const v = deployedBytecode.slice(at + 12, at + 18);
  return [0, 2, 4].map((i) => Number.parseInt(v.slice(i, i + 2), 16)).join(".");
}

async function mined(tx: Promise<ContractTransactionResponse>): Promise<ContractTransactionReceipt> {
  const receipt = await (await tx).wait();
  if (receipt?.status !== 1) throw new Error("transaction failed");
  return receipt;
}

async function gasOf(tx: Promise<ContractTransactionResponse>): Promise<number> {
  return Number((await mined(tx)).gasUsed);
}

const perRecord = (gas: number, records: number) => Math.round((gas / records) * 100) / 100;

async function deployEas(deployer: HardhatEthersSigner): Promise<{ schemaRegistry: Contract; eas: Contract }> {
  const registryArtifact = loadEasArtifact("SchemaRegistry");
  const easArtifact = loadEasArtifact("EAS");
  const registryFactory = new ContractFactory(registryArtifact.abi, registryArtifact.bytecode, deployer);
  const registryDeployed = await registryFactory.deploy();
  await registryDeployed.waitForDeployment();
  const registryAddress = await registryDeployed.getAddress();
  const easFactory = new ContractFactory(easArtifact.abi, easArtifact.bytecode, deployer);
  const easDeployed = await easFactory.deploy(registryAddress);
  await easDeployed.waitForDeployment();
  return {
    schemaRegistry: new Contract(registryAddress, registryArtifact.abi, deployer),
    eas: new Contract(await easDeployed.getAddress(), easArtifact.abi, deployer),
  };
}

function fmt(n: number): string {
  return n.toLocaleString("en-US", { maximumFractionDigits: 2 });
}

/** ours / theirs, and how many times more the other side costs. */
function ratio(ours: number, theirs: number): string {
  const r = ours / theirs;
  const times = theirs / ours;
  return r < 1
    ? `${r.toPrecision(3)} (EAS ×${times >= 100 ? fmt(Math.round(times)) : times.toFixed(1)})`
    : r.toPrecision(3);
}

async function main() {
  const fixture = await registryFixture();
  const { connection, issuer, outsider, operator } = fixture;
  const provider = connection.ethers.provider;
  const records = fixture.registries.records.connect(issuer);
  const recordsAddress = await records.getAddress();
  const chainId = (await provider.getNetwork()).chainId;
  const credentialType = fixture.ids.residentId;
  const now = await fixture.latestTimestamp();

  const anchorFor = (label: string): RecordAnchor => ({
    recordHash: id(`bench record ${label}`) as Hex32,
    subjectRef: id(`bench subject ${label}`) as Hex32,
    credentialType,
    validFrom: now,
    validUntil: now + ONE_YEAR,
  });
  const anchorArgs = (a: RecordAnchor) =>
    [a.recordHash, a.subjectRef, a.credentialType, a.validFrom, a.validUntil] as const;

  // --- ours: anchor (a warm-up record first, then a new one) -------------------------------------------------
  await mined(records.anchor(...anchorArgs(anchorFor("warm-up anchor"))));
  const anchored = anchorFor("measured anchor");
  const anchorGas = await gasOf(records.anchor(...anchorArgs(anchored)));
  const [anchoredStatus] = await records.recordStatus(fixture.ids.psb, anchored.recordHash);
  if (anchoredStatus !== 7n) throw new Error(`anchored record has status ${anchoredStatus}, not Valid`);

  // --- ours: anchorBySig, signed by the issuer, submitted by another account ---------------------------------
  const domain = recordsDomain(chainId, recordsAddress);
  const relayed = fixture.registries.records.connect(outsider);
  const anchorBySig = async (a: RecordAnchor) => {
    const terms: AnchorTerms = {
      signer: issuer.address,
      issuer: fixture.ids.psb,
      signerEpoch: await fixture.registries.departments.signerEpoch(issuer.address),
      nonce: await records["nonces(address,uint192)"](issuer.address, 0),
      deadline: (await fixture.latestTimestamp()) + 3600,
    };
    const signature = await issuer.signTypedData(domain, ANCHOR_TYPES, anchorMessage(a, terms));
    return gasOf(relayed.anchorBySig(a, terms, signature));
  };
  // The warm-up moves the signer's nonce off zero, so the measured call pays a nonzero-to-nonzero nonce write.
  await anchorBySig(anchorFor("warm-up anchorBySig"));
  const anchorBySigGas = await anchorBySig(anchorFor("measured anchorBySig"));

  // --- ours: revokeRecord (warm-up revocation first) ----------------------------------------------------------
  await mined(records.revokeRecord(anchorFor("warm-up anchor").recordHash, 1));
  const revokeGas = await gasOf(records.revokeRecord(anchored.recordHash, 1));
  const [revokedStatus] = await records.recordStatus(fixture.ids.psb, anchored.recordHash);
  if (revokedStatus !== 1n) throw new Error(`revoked record has status ${revokedStatus}, not Revoked`);

  // --- ours: batches ------------------------------------------------------------------------------------------
  const batchTxGas: Record<string, number> = {};
  const batchPerRecord: Record<string, number> = {};
  const anchorBatch = async (label: string, size: number) => {
    const tree = buildRecordTree(Array.from({ length: size }, (_, i) => anchorFor(`${label} #${i}`)));
    const gas = await gasOf(records.anchorBatch(tree.root, size));
    const batch = await records.batch(fixture.ids.psb, tree.root);
    if (batch.recordCount !== BigInt(size)) throw new Error(`batch of ${size} reads ${batch.recordCount} records`);
    return gas;
  };
  await anchorBatch("warm-up batch", 4);
  for (const size of BATCH_SIZES) {
    const gas = await anchorBatch(`batch of ${size}`, size);
    batchTxGas[size] = gas;
    batchPerRecord[size] = perRecord(gas, size);
  }
  const maxBatchTxGas = Math.max(...Object.values(batchTxGas));

  // --- EAS, same chain ----------------------------------------------------------------------------------------
  const { schemaRegistry, eas } = await deployEas(operator);
  const registerSchema = schemaRegistry.getFunction("register");
  const schemaUid: string = await registerSchema.staticCall(EAS_SCHEMA, ZeroAddress, true);
  await mined(registerSchema.send(EAS_SCHEMA, ZeroAddress, true));
  const attester = eas.connect(issuer) as Contract;
  const coder = AbiCoder.defaultAbiCoder();
  const attestationData = (a: RecordAnchor) => ({
    recipient: ZeroAddress,
    expirationTime: a.validUntil,
    revocable: true,
    refUID: ZeroHash,
    data: coder.encode(
      ["bytes32", "bytes32", "uint32", "uint64"],
      [a.recordHash, a.subjectRef, a.credentialType, a.validUntil],
    ),
    value: 0,
  });
  const attestedUids = (receipt: ContractTransactionReceipt): string[] =>
    receipt.logs.flatMap((log) => {
      const parsed = eas.interface.parseLog(log);
      return parsed?.name === "Attested" ? [parsed.args.getValue("uid") as string] : [];
    });
  const attest = async (label: string) => {
    const receipt = await mined(
      attester.getFunction("attest")({ schema: schemaUid, data: attestationData(anchorFor(`eas ${label}`)) }),
    );
    const [uid] = attestedUids(receipt);
    if (!uid) throw new Error("EAS attest emitted no Attested event");
    return { gas: Number(receipt.gasUsed), uid };
  };
  const warmUpAttestation = await attest("warm-up attest");
  const measuredAttestation = await attest("measured attest");
  if (!(await eas.getFunction("isAttestationValid")(measuredAttestation.uid))) {
    throw new Error("EAS attestation is not valid");
  }

  const multi = await mined(
    attester.getFunction("multiAttest")([
      {
        schema: schemaUid,
        data: Array.from({ length: MULTI_ATTEST_SIZE }, (_, i) => attestationData(anchorFor(`eas multi #${i}`))),
      },
    ]),
  );
  if (attestedUids(multi).length !== MULTI_ATTEST_SIZE) throw new Error("EAS multiAttest attested too few");
  const multiAttestGas = Number(multi.gasUsed);

  const easRevoke = (uid: string) =>
    attester.getFunction("revoke")({
      schema: schemaUid,
      data: { uid, value: 0 },
    }) as Promise<ContractTransactionResponse>;
  await mined(easRevoke(warmUpAttestation.uid));
  const easRevokeGas = await gasOf(easRevoke(measuredAttestation.uid));

  const timestamp = (label: string) =>
    attester.getFunction("timestamp")(id(`eas timestamp ${label}`)) as Promise<ContractTransactionResponse>;
  await mined(timestamp("warm-up"));
  const timestampGas = await gasOf(timestamp("measured"));

  // --- results ------------------------------------------------------------------------------------------------
  const compiler = hre.config.solidity.profiles.default?.compilers[0];
  const settings = (compiler?.settings ?? {}) as {
    optimizer?: { enabled?: boolean; runs?: number };
    viaIR?: boolean;
    evmVersion?: string;
  };
  const easSolc = solcVersionOf(loadEasArtifact("EAS").deployedBytecode);
  const date = new Date().toISOString();
  const results = {
    ours: {
      anchor: anchorGas,
      anchorBySig: anchorBySigGas,
      revoke: revokeGas,
      batchPerRecord: Object.fromEntries(BATCH_SIZES.map((s) => [String(s), batchPerRecord[s]])),
      maxBatchTxGas,
    },
    eas: {
      attest: measuredAttestation.gas,
      multiAttestPerRecord: perRecord(multiAttestGas, MULTI_ATTEST_SIZE),
      revoke: easRevokeGas,
      timestamp: timestampGas,
    },
  };
  const multiPerRecord = results.eas.multiAttestPerRecord;
  const batch1024 = batchPerRecord[1024] ?? Number.POSITIVE_INFINITY;

  const targets = [
    { name: "anchor <= 60,000", value: anchorGas, pass: anchorGas <= 60_000 },
    { name: "revoke <= 35,000", value: revokeGas, pass: revokeGas <= 35_000 },
    { name: "batchPerRecord[1024] <= 60", value: batch1024, pass: batch1024 <= 60 },
    { name: `every batch tx < ${fmt(TX_GAS_CAP)} (EIP-7825)`, value: maxBatchTxGas, pass: maxBatchTxGas < TX_GAS_CAP },
  ];

  const md = [
    "# Gas: oncechain records vs Ethereum Attestation Service",
    "",
    `Generated ${date} by \`npm run bench:gas\` (\`bench/gas.ts\`), on Hardhat's in-process EDR chain (chain id ${chainId}).`,
    "",
    `- Ours: solc ${compiler?.version ?? "unknown"}, optimizer ${settings.optimizer?.enabled ? `on, ${settings.optimizer.runs} runs` : "off"}, viaIR ${settings.viaIR ? "on" : "off"}, EVM ${settings.evmVersion ?? "default"} (hardhat.config.ts, default build profile).`,
    `- EAS: \`${EAS_PACKAGE}\` ${require(`${EAS_PACKAGE}/package.json`).version}, its published artifacts as shipped (solc ${easSolc} per the bytecode metadata).`,
    "",
    "Figures are `gasUsed` from the transaction receipt (intrinsic 21,000 and calldata included). Each single-call",
    "figure is steady state: a warm-up call of the same kind runs first on the same contract (and, for",
    "`anchorBySig`, moves the signer's nonce off zero), then a fresh record is measured. Each record or",
    "attestation still writes new storage, as it would in production.",
    "",
    "## Single operations",
    "",
    "| Operation | Ours | EAS | Ours / EAS |",
    "| --- | ---: | ---: | ---: |",
    `| anchor one record (ours \`anchor\`) vs \`attest\` | ${fmt(anchorGas)} | ${fmt(measuredAttestation.gas)} | ${ratio(anchorGas, measuredAttestation.gas)} |`,
    `| \`anchorBySig\` (EIP-712, relayed by another account) | ${fmt(anchorBySigGas)} | — | — |`,
    `| \`revokeRecord\` vs \`revoke\` | ${fmt(revokeGas)} | ${fmt(easRevokeGas)} | ${ratio(revokeGas, easRevokeGas)} |`,
    `| EAS \`timestamp(bytes32)\` | — | ${fmt(timestampGas)} | — |`,
    "",
    "## Batches (gas per record)",
    "",
    `EAS: one \`multiAttest\` of ${MULTI_ATTEST_SIZE} attestations: ${fmt(multiAttestGas)} gas, ${fmt(multiPerRecord)} per record.`,
    "Ours: one `anchorBatch(root, count)` of a Merkle tree built with `buildRecordTree`; the records stay off chain",
    "until one is registered (to be revoked or superseded).",
    "",
    "| Records in batch | Our batch tx gas | Ours per record | EAS multiAttest per record | Ours / EAS |",
    "| ---: | ---: | ---: | ---: | ---: |",
    ...BATCH_SIZES.map((s) => {
      const per = batchPerRecord[s] ?? 0;
      return `| ${s} | ${fmt(batchTxGas[s] ?? 0)} | ${fmt(per)} | ${fmt(multiPerRecord)} | ${ratio(per, multiPerRecord)} |`;
    }),
    "",
    `Largest batch transaction: ${fmt(maxBatchTxGas)} gas (EIP-7825 cap: ${fmt(TX_GAS_CAP)}).`,
    "",
    "## EAS setup",
    "",
    `Schema \`${EAS_SCHEMA}\`, revocable, no resolver.`,
    "Attestations have no recipient (zero address: like ours, the subject is the `subjectRef` in the data; a",
    "nonzero recipient would cost EAS one more storage slot), `expirationTime` = validUntil, no refUID, no value.",
    "Attester: the same account that anchors our records.",
    "",
    "## Targets",
    "",
    "| Target | Measured | Result |",
    "| --- | ---: | --- |",
    ...targets.map((t) => `| ${t.name} | ${fmt(t.value)} | ${t.pass ? "PASS" : "FAIL"} |`),
    "",
  ].join("\n");

  await mkdir(resultsDir, { recursive: true });
  await writeFile(join(resultsDir, "gas.json"), `${JSON.stringify(results, null, 2)}\n`);
  await writeFile(join(resultsDir, "gas.md"), md);

  console.log(JSON.stringify(results, null, 2));
  for (const t of targets) console.log(`${t.pass ? "PASS" : "FAIL"}  ${t.name}: ${fmt(t.value)}`);
  console.log(`wrote ${join(resultsDir, "gas.json")} and gas.md`);
  await connection.close();
  if (targets.some((t) => !t.pass)) process.exitCode = 1;
}

await main();

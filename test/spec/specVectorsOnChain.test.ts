// The contracts' side of docs/SPEC.md against docs/spec-vectors.json, on a local chain: the registries' own code keys,
// grant ids, and which batch leaves and proofs CredentialRecordRegistry counts as records of a batch.
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { beforeAll, describe, expect, it } from "vitest";
import type { RecordAnchor } from "../../lib/encoding/recordLeaf.ts";
import { type RegistryFixture, registryFixture } from "../support/chain.ts";
import { RecordStatus } from "../support/records.ts";
import { casesOf } from "./vectors.ts";

interface Anchorer {
  id: number;
  signer: HardhatEthersSigner;
  roots: Set<string>;
}

let f: RegistryFixture;
/**
 * Departments that anchor the vectors' batches: a department anchors a root once, so a root declared again with
 * another record count is anchored by another department.
 */
const anchorers: Anchorer[] = [];
let spareSigners: HardhatEthersSigner[] = [];

beforeAll(async () => {
  f = await registryFixture();
  spareSigners = (await f.connection.ethers.getSigners()).slice(5);
  anchorers.push({ id: f.ids.psb, signer: f.issuer, roots: new Set() });
});

/** Batches anchored so far, `root:recordCount` to the department that anchored it. */
const anchored = new Map<string, number>();

/** Anchors `root` as a batch of `recordCount` records, once; the id of the department that did. */
async function anchorBatch(root: string, recordCount: number): Promise<number> {
  const known = anchored.get(`${root}:${recordCount}`);
  if (known !== undefined) return known;
  let anchorer = anchorers.find((a) => !a.roots.has(root));
  if (!anchorer) {
    const signer = spareSigners.shift();
    if (!signer) throw new Error("the test network has no signer left for another department");
    const code = `spec-anchorer-${anchorers.length}`;
    await (await f.registries.departments.registerDepartment(code, "", "", "", [signer.address])).wait();
    anchorer = { id: Number(await f.registries.departments.departmentCount()), signer, roots: new Set() };
    anchorers.push(anchorer);
  }
  await (await f.registries.records.connect(anchorer.signer).anchorBatch(root, recordCount)).wait();
  anchorer.roots.add(root);
  anchored.set(`${root}:${recordCount}`, anchorer.id);
  return anchorer.id;
}

describe("code keys (§6.1) on chain", () => {
  it.each(casesOf<{ code: string }>("codeKey"))("the department registry keys $name as the vector says", async (c) => {
    const { codeKey } = c.expected as { codeKey: string };
    const departments = f.registries.departments;
    if (Number(await departments.departmentIdOf(codeKey)) === 0) {
      await (await departments.registerDepartment(c.input.code, "", "", "", [])).wait();
    }
    const id = await departments.departmentIdOf(codeKey);
    expect((await departments.department(id)).code).toBe(c.input.code);
  });
});

interface GrantInput {
  provider: number;
  consumer: number;
  credentialType: string;
  purpose: string | null;
}

interface GrantOutput {
  credentialTypeKey: string;
  purposeKey: string;
  grantId: string;
}

describe("grant ids (§6.6) on chain", () => {
  it.each(casesOf<GrantInput>("grantId"))("SharingGrantRegistry.grantIdOf gives $name the vector's id", async (c) => {
    const { credentialTypeKey, purposeKey, grantId } = c.expected as GrantOutput;
    const { provider, consumer } = c.input;
    expect(await f.registries.grants.grantIdOf(provider, consumer, credentialTypeKey, purposeKey)).toBe(grantId);
    // The fixture registers the vectors' types: the type registry knows them by the same key.
    expect(await f.registries.types.latestTypeId(credentialTypeKey)).not.toBe(0n);
  });
});

describe("batch trees (§5.2) on chain", () => {
  const cases = casesOf<{ leaves: RecordAnchor[] }>("batchTree").filter((c) => c.error === undefined);
  it.each(cases)("CredentialRecordRegistry proves every record of $name with the vector's proof", async (c) => {
    const { root, leaves } = c.expected as { root: string; leaves: { proof: string[] }[] };
    const issuer = await anchorBatch(root, c.input.leaves.length);
    for (const [i, leaf] of c.input.leaves.entries()) {
      const [status] = await f.registries.records.batchRecordStatus(issuer, root, leaf, leaves[i]?.proof ?? []);
      expect(status, `record ${i}`).not.toBe(RecordStatus.Unknown);
    }
  });
});

interface ProofInput {
  root: string;
  recordCount: number;
  leaf: RecordAnchor;
  proof: string[];
}

describe("batch proofs (§5.3) on chain", () => {
  it.each(casesOf<ProofInput>("batchProof"))("CredentialRecordRegistry decides $name as the vector says", async (c) => {
    const { root, recordCount, leaf, proof } = c.input;
    const issuer = await anchorBatch(root, recordCount);
    const [status] = await f.registries.records.batchRecordStatus(issuer, root, leaf, proof);
    expect(status !== RecordStatus.Unknown).toBe((c.expected as { accepted: boolean }).accepted);
  });
});

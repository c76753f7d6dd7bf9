// batchLeafFits against the chain: the gateway's own check of a batch leaf (record hash, validity, proof length for
// the batch's declared record count) accepts exactly the leaves CredentialRecordRegistry.batchRecordStatus does.
import { ZeroHash } from "ethers";
import { beforeAll, describe, expect, it } from "vitest";
import type { Hex32 } from "../../lib/encoding/canonical.ts";
import { buildRecordTree, type RecordAnchor, verifyRecordProof } from "../../lib/encoding/recordLeaf.ts";
import { batchLeafFits } from "../../lib/records/statusRules.ts";
import { type RegistryFixture, registryFixture } from "../support/chain.ts";
import { recordAnchors } from "../support/records.ts";

const SIZES = [1, 2, 3, 4, 5, 7, 8, 9, 16, 17];

interface Probe {
  name: string;
  root: string;
  leaf: RecordAnchor;
  proof: string[];
  recordCount: number;
}

describe("the batch leaf rule", () => {
  let f: RegistryFixture;
  const probes: Probe[] = [];

  beforeAll(async () => {
    f = await registryFixture();
    const records = f.registries.records.connect(f.issuer);
    for (const size of SIZES) {
      const anchors = recordAnchors(`batch of ${size}`, size, { validUntil: 4_000_000_000 });
      anchors[0] = { ...(anchors[0] as RecordAnchor), recordHash: ZeroHash as Hex32 };
      if (size > 1) anchors[1] = { ...(anchors[1] as RecordAnchor), validFrom: 4_000_000_001 };
      const tree = buildRecordTree(anchors);
      // The same tree declared with other record counts too: each count bounds the proofs differently.
      for (const declared of new Set([size, Math.max(1, size - 1), size + 1, 2 * size])) {
        const salted = anchors.map((a) => ({
          ...a,
          subjectRef: `0x${declared.toString(16).padStart(64, "0")}` as Hex32,
        }));
        const declaredTree = declared === size ? tree : buildRecordTree(salted);
        const leaves = declared === size ? anchors : salted;
        await (await records.anchorBatch(declaredTree.root, declared)).wait();
        for (const [i, leaf] of leaves.entries()) {
          const proof = declaredTree.getProof(i);
          probes.push({
            name: `leaf ${i} of ${size}, declared ${declared}`,
            root: declaredTree.root,
            leaf,
            proof,
            recordCount: declared,
          });
          probes.push({
            name: `leaf ${i} of ${size}, declared ${declared}, proof one node short`,
            root: declaredTree.root,
            leaf,
            proof: proof.slice(1),
            recordCount: declared,
          });
        }
      }
    }
  });

  it("accepts exactly the leaves the registry reads as known", async () => {
    expect(probes.length).toBeGreaterThan(200);
    for (const probe of probes) {
      const [status] = await f.registries.records.batchRecordStatus(f.ids.psb, probe.root, probe.leaf, probe.proof);
      const local =
        batchLeafFits(probe.leaf, probe.recordCount, probe.proof.length) &&
        verifyRecordProof(probe.root, probe.leaf, probe.proof);
      expect(local, probe.name).toBe(status !== 0n);
    }
  });

  it("refuses counts outside uint32 and proofs of any length for them", () => {
    const leaf = { recordHash: `0x${"11".repeat(32)}`, validFrom: 0, validUntil: 0 };
    for (const count of [0, -1, 2 ** 32, 1.5]) expect(batchLeafFits(leaf, count, 0), String(count)).toBe(false);
    expect(batchLeafFits(leaf, 2 ** 32 - 1, 32)).toBe(true);
    expect(batchLeafFits(leaf, 2 ** 32 - 1, 31)).toBe(true);
    expect(batchLeafFits(leaf, 2 ** 31, 31)).toBe(true);
    expect(batchLeafFits(leaf, 2 ** 31, 32)).toBe(false);
  });
});

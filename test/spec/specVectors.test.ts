// The project's own implementation of each rule of docs/SPEC.md against docs/spec-vectors.json, and the file against
// its generator. The contracts' side of the rules is in specVectorsOnChain.test.ts.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TypedDataEncoder } from "ethers";
import { describe, expect, it } from "vitest";
import type { z } from "zod";
import { type AccessLogInput, accessLogRoot, entryHashOf } from "../../lib/audit/accessLogEntry.ts";
import { credentialTypeOnChain, scenarioOnChain } from "../../lib/catalogue/onChain.ts";
import { credentialTypeSchema, SCENARIO_KINDS, scenarioSchema } from "../../lib/catalogue/schemas.ts";
import { ANCHOR_TYPES, anchorMessage, recordsDomain } from "../../lib/encoding/anchorRequest.ts";
import { canonicalize, contentHash, type Hex32 } from "../../lib/encoding/canonical.ts";
import { codeKey } from "../../lib/encoding/codeKey.ts";
import { keccak256Bytes } from "../../lib/encoding/keccak.ts";
import {
  buildRecordTree,
  type RecordAnchor,
  recordLeafHash,
  recordTree,
  verifyRecordProof,
} from "../../lib/encoding/recordLeaf.ts";
import type { SubjectIdType } from "../../lib/encoding/subjectRef.ts";
import { validateResidentId } from "../../lib/identifiers/residentId.ts";
import { validateSubjectId } from "../../lib/identifiers/subjectId.ts";
import { fieldLeadsTo } from "../../lib/records/fieldTree.ts";
import { batchLeafFits } from "../../lib/records/statusRules.ts";
import { buildVectors } from "../../scripts/spec/buildVectors.ts";
import { fieldTreeOf } from "../../scripts/spec/vectors/records.ts";
import { createAccessLog } from "../../services/gateway/src/audit/accessLog.ts";
import { peerSignatureClaims, verifyPeerSignature } from "../../services/gateway/src/federation/peerSignature.ts";
import { type PeerRequest, peerSignatureBase, signPeerRequest } from "../../services/gateway/src/federation/signing.ts";
import { canonicalRecordSchema, subjectSchema, verifyBodyFastPath } from "../../services/gateway/src/http/schemas.ts";
import { anchorOf, type CanonicalRecord, recordHashOf } from "../../services/gateway/src/records/canonicalRecord.ts";
import { subjectRefOf } from "../../services/gateway/src/records/issueRecord.ts";
import { openDepartmentStore } from "../../services/gateway/src/store/departmentStore.ts";
import { removeTestDir } from "../support/leftBehind.ts";
import { type Case, casesOf, holds, VECTORS } from "./vectors.ts";

/** What an implementation refuses with: the first problem of a zod schema, `path: message`. */
function parsed<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = issue?.path.map(String).join(".");
  throw new Error(path ? `${path}: ${issue?.message}` : issue?.message);
}

const each = <I>(rule: string, check: (c: Case<I>) => void | Promise<void>) =>
  it.each(casesOf<I>(rule).map((c) => [c.name, c] as const))("%s", (_name, c) => check(c));

describe("the vectors file", () => {
  it("holds, for every rule the generator builds, exactly the cases it builds", () => {
    for (const [rule, cases] of Object.entries(buildVectors())) expect(VECTORS[rule], rule).toEqual(cases);
  });
});

describe("canonical JSON (§2.1)", () => {
  each<{ json: string }>("canonicalJson", (c) => {
    holds(
      c,
      () => ({ canonical: canonicalize(JSON.parse(c.input.json)), sha256: contentHash(JSON.parse(c.input.json)) }),
      true,
    );
  });
});

describe("the canonical record (§2.2), as the verify route reads it", () => {
  each<{ record: unknown }>("canonicalRecord", (c) => {
    holds(c, () => ({ canonical: canonicalize(parsed(canonicalRecordSchema, c.input.record)) }), true);
    // The route's fast path must read every record the schema accepts the same way (it refuses the rest to the schema).
    if (c.error === undefined) {
      const fast = verifyBodyFastPath({ record: c.input.record });
      expect(fast && canonicalize(fast.record)).toEqual((c.expected as { canonical: string }).canonical);
    }
  });
});

describe("the record hash (§3)", () => {
  each<{ record: unknown }>("recordHash", (c) => {
    holds(
      c,
      () => {
        const record = parsed(canonicalRecordSchema, c.input.record) as CanonicalRecord;
        const recordHash = recordHashOf(record);
        return { recordHash, anchor: anchorOf(record, recordHash) };
      },
      true,
    );
  });
});

describe("the field tree of format 2 (§3.2)", () => {
  each<{ salt: Hex32; fields: Record<string, unknown> }>("fieldTree", (c) => {
    holds(c, () => fieldTreeOf(c.input.fields, c.input.salt), true);
  });
});

describe("a disclosed field (§3.3)", () => {
  each<{ fieldsRoot: Hex32; name: string; value: unknown; fieldSalt: Hex32; proof: Hex32[] }>("fieldProof", (c) => {
    const { fieldsRoot, name, value, fieldSalt: salt, proof } = c.input;
    holds(c, () => ({ belongs: fieldLeadsTo(fieldsRoot, name, salt, value, proof) }), true);
  });
});

interface IdInput {
  idType: SubjectIdType;
  idNumber: string;
  now?: string;
}

/** The request schema's bound on the identifier, then the validator of its type (with the moment of the check). */
function normalised(input: IdInput): string {
  parsed(subjectSchema, { idType: input.idType, idNumber: input.idNumber });
  const checked =
    input.now !== undefined && input.idType === "resident-id"
      ? validateResidentId(input.idNumber, new Date(input.now))
      : validateSubjectId(input.idType, input.idNumber);
  if (!checked.ok) throw new Error(checked.reason);
  return checked.normalised;
}

describe("identifier normalisation (§4.1)", () => {
  each<IdInput>("identifierNormalisation", (c) => holds(c, () => ({ normalised: normalised(c.input) }), true));
});

describe("the subject reference (§4.2)", () => {
  each<IdInput & { districtKey: string }>("subjectRef", (c) => {
    const key = Buffer.from(c.input.districtKey.replace(/^0x/, ""), "hex");
    holds(
      c,
      () => {
        const subjectRef = subjectRefOf(c.input, key);
        return { message: `${c.input.idType}:${normalised(c.input)}`, subjectRef };
      },
      true,
    );
  });
});

const hex = (bytes: Buffer) => `0x${bytes.toString("hex")}`;

describe("the batch leaf (§5.1)", () => {
  each<{ leaf: RecordAnchor }>("batchLeaf", (c) => {
    if (c.error !== undefined) return holds(c, () => recordLeafHash(c.input.leaf), true);
    const { encoded, leafHash } = c.expected as { encoded: string; leafHash: string };
    expect(hex(recordLeafHash(c.input.leaf))).toBe(leafHash);
    expect(hex(keccak256Bytes(keccak256Bytes(Buffer.from(encoded.slice(2), "hex"))))).toBe(leafHash);
    // The tree of one leaf (OpenZeppelin's, which the fast leaf above stands in for) has the leaf as its root.
    expect(buildRecordTree([c.input.leaf]).root).toBe(leafHash);
  });
});

describe("the batch tree (§5.2)", () => {
  each<{ leaves: RecordAnchor[] }>("batchTree", (c) => {
    holds(
      c,
      () => {
        const tree = recordTree(c.input.leaves);
        const reference = buildRecordTree(c.input.leaves);
        expect(reference.root).toBe(tree.root);
        const leaves = c.input.leaves.map((leaf, i) => ({ leafHash: hex(recordLeafHash(leaf)), proof: tree.proof(i) }));
        for (const [i, leaf] of leaves.entries()) expect(reference.getProof(i)).toEqual(leaf.proof);
        return { root: tree.root, leaves };
      },
      true,
    );
  });
});

interface ProofInput {
  root: Hex32;
  recordCount: number;
  leaf: RecordAnchor;
  proof: Hex32[];
}

describe("what the chain accepts of a batched record (§5.3), as the gateway's index decides it", () => {
  each<ProofInput>("batchProof", (c) => {
    const { root, recordCount, leaf, proof } = c.input;
    holds(c, () => ({
      accepted: batchLeafFits(leaf, recordCount, proof.length) && verifyRecordProof(root, leaf, proof),
    }));
  });
});

interface AnchorRequestInput {
  chainId: string;
  verifyingContract: string;
  record: RecordAnchor;
  terms: { issuer: number; signerEpoch: number; nonce: string; deadline: string };
}

describe("the delegated anchoring request (§5.4)", () => {
  each<AnchorRequestInput>("anchorRequest", (c) => {
    const domain = recordsDomain(c.input.chainId, c.input.verifyingContract);
    const message = anchorMessage(c.input.record, { signer: "", ...c.input.terms });
    holds(c, () => ({
      domainSeparator: TypedDataEncoder.hashDomain(domain),
      structHash: TypedDataEncoder.hashStruct("Anchor", ANCHOR_TYPES, message),
      digest: TypedDataEncoder.hash(domain, ANCHOR_TYPES, message),
    }));
  });
});

describe("code keys (§6.1)", () => {
  each<{ code: string }>("codeKey", (c) => holds(c, () => ({ codeKey: codeKey(c.input.code) })));
});

describe("credential types on chain (§6.4)", () => {
  each<{ entry: unknown }>("credentialTypeOnChain", (c) => {
    holds(c, () => credentialTypeOnChain(parsed(credentialTypeSchema, c.input.entry)), true);
  });
});

describe("scenarios on chain (§6.5)", () => {
  each<{ entry: unknown }>("scenarioOnChain", (c) => {
    holds(
      c,
      () => {
        const projected = scenarioOnChain(parsed(scenarioSchema, c.input.entry));
        return { ...projected, kindValue: SCENARIO_KINDS.indexOf(projected.kind) };
      },
      true,
    );
  });
});

describe("access-log entries (§7.1)", () => {
  each<{ entry: Parameters<typeof entryHashOf>[0] }>("accessLogEntry", (c) => {
    const { entryHash: _, ...content } = c.input.entry;
    holds(c, () => ({ canonical: canonicalize(content), entryHash: entryHashOf(c.input.entry) }));
  });
});

describe("the chain of access-log entries (§7.2), as a gateway's log appends them", () => {
  each<{ accesses: (AccessLogInput & { at: string })[] }>("accessLogChain", async (c) => {
    const dir = mkdtempSync(join(tmpdir(), "oncechain-spec-log-"));
    const store = await openDepartmentStore(join(dir, "db"), new Uint8Array(32).fill(7));
    try {
      const times = c.input.accesses.map((a) => Date.parse(a.at));
      const log = createAccessLog(store, () => times.shift() as number);
      for (const { at: _, ...access } of c.input.accesses) await log.append(access);
      // Read back from the store: what an auditor reads is what was hashed.
      expect({ entries: await log.entries(1, c.input.accesses.length + 1) }).toEqual(c.expected);
    } finally {
      await store.close();
      removeTestDir(dir);
    }
  });
});

describe("the tree of a committed range (§7.3)", () => {
  each<{ entryHashes: Hex32[] }>("accessLogTree", (c) =>
    holds(c, () => ({ root: accessLogRoot(c.input.entryHashes) }), true),
  );
});

describe("peer request signatures (§9)", () => {
  each<PeerRequest & { privateKey: string }>("peerSignature", async (c) => {
    const { privateKey, ...request } = c.input;
    const headers = signPeerRequest(privateKey, request);
    const expected = c.expected as Record<string, string>;
    expect(headers).toEqual({
      "content-type": "application/json",
      "content-digest": expected.contentDigest,
      "signature-input": expected.signatureInput,
      signature: expected.signature,
    });
    expect(peerSignatureBase(request).base).toBe(expected.signatureBase);
    // The issuer's side: the claims read before the body, then the signer recovered from the request as received.
    const claims = peerSignatureClaims(headers);
    expect(claims).toMatchObject({ department: request.department, created: request.created });
    const received = { method: request.method, url: request.url, headers, body: Buffer.from(request.body, "utf8") };
    expect(verifyPeerSignature(received, claims)).toBe(expected.signer);
  });
});

// Vectors of SPEC.md §5: the batch leaf, the batch tree and its proofs, and the delegated anchoring request.
import { AbiCoder, TypedDataEncoder } from "ethers";
import { ANCHOR_TYPES, type AnchorTerms, anchorMessage, recordsDomain } from "../../../lib/encoding/anchorRequest.ts";
import type { Hex32 } from "../../../lib/encoding/canonical.ts";
import {
  RECORD_LEAF_TYPES,
  type RecordAnchor,
  recordLeafHash,
  recordLeafValues,
  recordTree,
  verifyRecordProof,
} from "../../../lib/encoding/recordLeaf.ts";
import { batchLeafFits } from "../../../lib/records/statusRules.ts";
import { accepted, type Case, refused } from "./cases.ts";
import { fixed32, ISSUED_AT_SECONDS } from "./fixtures.ts";

const ZERO = `0x${"0".repeat(64)}` as Hex32;

/** A leaf of type 1 (the resident ID card in the vectors' records): hashes derived from `label`. */
const leaf = (label: string, facts: Partial<RecordAnchor> = {}): RecordAnchor => ({
  recordHash: fixed32(`record ${label}`),
  subjectRef: fixed32(`subject ${label}`),
  credentialType: 1,
  validFrom: ISSUED_AT_SECONDS,
  validUntil: ISSUED_AT_SECONDS + 3650 * 86_400,
  ...facts,
});

const hex = (bytes: Buffer) => `0x${bytes.toString("hex")}` as Hex32;

function leafOutput(anchor: RecordAnchor) {
  const leafHash = hex(recordLeafHash(anchor));
  return { encoded: AbiCoder.defaultAbiCoder().encode([...RECORD_LEAF_TYPES], recordLeafValues(anchor)), leafHash };
}

export function batchLeafCases(): Case[] {
  const typical = leaf("a");
  const upper = (h: string) => `0x${h.slice(2).toUpperCase()}` as Hex32;
  const cases: [string, RecordAnchor][] = [
    ["a record's leaf", typical],
    ["valid from anchoring (0), no expiry (0)", leaf("b", { validFrom: 0, validUntil: 0 })],
    ["the largest validity a gateway gives, 2^40 - 1", leaf("c", { validUntil: 2 ** 40 - 1 })],
    ["the largest type id, 2^32 - 1", leaf("d", { credentialType: 2 ** 32 - 1 })],
    [
      "hex in upper case is the same bytes",
      { ...typical, recordHash: upper(typical.recordHash), subjectRef: upper(typical.subjectRef) },
    ],
  ];
  const refusals: [string, RecordAnchor][] = [
    [
      "a record hash of 31 bytes is refused, not padded",
      { ...typical, recordHash: typical.recordHash.slice(0, 64) as Hex32 },
    ],
    ["a subject reference that is not hex is refused", { ...typical, subjectRef: `0x${"zz".repeat(32)}` as Hex32 }],
    ["a type id of 2^32 is refused", { ...typical, credentialType: 2 ** 32 }],
    ["a negative validity is refused", { ...typical, validFrom: -1 }],
    ["a validity that is not a whole number is refused", { ...typical, validUntil: 1.5 }],
  ];
  return [
    ...cases.map(([name, anchor]) => accepted(name, { leaf: anchor }, () => leafOutput(anchor))),
    ...refusals.map(([name, anchor]) => refused(name, { leaf: anchor }, () => recordLeafHash(anchor))),
  ];
}

const batch = (size: number, label = `batch of ${size}`) =>
  Array.from({ length: size }, (_, i) => leaf(`${label}, record ${i}`));

function treeOutput(leaves: RecordAnchor[]) {
  const tree = recordTree(leaves);
  return {
    root: tree.root,
    leaves: leaves.map((l, i) => ({ leafHash: hex(recordLeafHash(l)), proof: tree.proof(i) })),
  };
}

export function batchTreeCases(): Case[] {
  const sizes = [1, 2, 3, 4, 5, 7, 8];
  const cases = sizes.map((size) => {
    const leaves = batch(size);
    const name = size === 1 ? "a batch of 1: the root is the leaf hash, the proof empty" : `a batch of ${size}`;
    return accepted(name, { leaves }, () => treeOutput(leaves));
  });
  const five = batch(5);
  const reversed = [...five].reverse();
  return [
    ...cases,
    accepted("the batch of 5 listed in reverse: the same root (leaves are sorted)", { leaves: reversed }, () =>
      treeOutput(reversed),
    ),
    refused("a batch of no records is refused", { leaves: [] }, () => treeOutput([])),
  ];
}

interface ProofInput {
  root: Hex32;
  recordCount: number;
  leaf: RecordAnchor;
  proof: Hex32[];
}

const proofAccepted = (p: ProofInput) =>
  batchLeafFits(p.leaf, p.recordCount, p.proof.length) && verifyRecordProof(p.root, p.leaf, p.proof);

export function batchProofCases(): Case[] {
  const leaves = batch(5, "proofs");
  leaves[3] = { ...(leaves[3] as RecordAnchor), recordHash: ZERO };
  leaves[4] = { ...(leaves[4] as RecordAnchor), validFrom: ISSUED_AT_SECONDS + 1, validUntil: ISSUED_AT_SECONDS };
  const tree = recordTree(leaves);
  const at = (i: number, changes: Partial<ProofInput> = {}): ProofInput => ({
    root: tree.root,
    recordCount: 5,
    leaf: leaves[i] as RecordAnchor,
    proof: tree.proof(i),
    ...changes,
  });
  const long = [0, 1, 2].find((i) => tree.proof(i).length === 3) as number;
  const single = leaf("alone");
  const cases: [string, ProofInput][] = [
    ["a proof of a record in a batch of 5", at(0)],
    ["a proof of each length a batch of 5 has (2 or 3 nodes)", at(long)],
    ["a batch of 1: the empty proof", { root: hex(recordLeafHash(single)), recordCount: 1, leaf: single, proof: [] }],
    ["a proof longer than any in a tree of the declared count (4) fails", at(long, { recordCount: 4 })],
    ["a proof shorter than any in a tree of the declared count (16) fails", at(0, { recordCount: 16 })],
    ["a changed leaf value fails", at(0, { leaf: { ...(leaves[0] as RecordAnchor), validUntil: 0 } })],
    ["the proof's nodes in another order fail", at(long, { proof: [...tree.proof(long)].reverse() })],
    ["a leaf whose record hash is zero fails though its proof holds", at(3)],
    ["a leaf whose validity ends before it starts fails though its proof holds", at(4)],
  ];
  return cases.map(([name, input]) => accepted(name, input, () => ({ accepted: proofAccepted(input) })));
}

interface AnchorRequestInput {
  chainId: string;
  verifyingContract: string;
  record: RecordAnchor;
  terms: Omit<AnchorTerms, "signer">;
}

function anchorRequestOutput(input: AnchorRequestInput) {
  const domain = recordsDomain(input.chainId, input.verifyingContract);
  const message = anchorMessage(input.record, { signer: "", ...input.terms });
  return {
    domainSeparator: TypedDataEncoder.hashDomain(domain),
    structHash: TypedDataEncoder.hashStruct("Anchor", ANCHOR_TYPES, message),
    digest: TypedDataEncoder.hash(domain, ANCHOR_TYPES, message),
  };
}

export function anchorRequestCases(): Case[] {
  const contract = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
  const cases: [string, AnchorRequestInput][] = [
    [
      "a request under nonce key 0, sequence 0",
      {
        chainId: "31337",
        verifyingContract: contract,
        record: leaf("a"),
        terms: { issuer: 1, signerEpoch: 1, nonce: "0", deadline: "1714530600" },
      },
    ],
    [
      "a keyed nonce: key 7, sequence 3 (7 << 64 | 3)",
      {
        chainId: "31337",
        verifyingContract: contract,
        record: leaf("b", { validFrom: 0, validUntil: 0 }),
        terms: { issuer: 2, signerEpoch: 3, nonce: ((7n << 64n) | 3n).toString(), deadline: "1714530600" },
      },
    ],
  ];
  return cases.map(([name, input]) => accepted(name, input, () => anchorRequestOutput(input)));
}

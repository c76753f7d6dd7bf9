// SPEC.md §5 and §7.3 written again from the document: the batch leaf, the tree and its proofs (by hand, and with
// OpenZeppelin's StandardMerkleTree as §5.2 says it is), what the chain accepts, and the delegated anchoring request.
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { AbiCoder } from "ethers";
import { bytesOf, hex, keccak256 } from "./hashes.ts";

export interface Anchor {
  recordHash: string;
  subjectRef: string;
  credentialType: number;
  validFrom: number;
  validUntil: number;
}

export const LEAF_TYPES = ["bytes32", "bytes32", "uint32", "uint64", "uint64"];
const abi = AbiCoder.defaultAbiCoder();

const valuesOf = (a: Anchor) => [a.recordHash, a.subjectRef, a.credentialType, a.validFrom, a.validUntil];

/** §5.1. */
export function batchLeaf(anchor: Anchor) {
  const encoded = abi.encode(LEAF_TYPES, valuesOf(anchor));
  return { encoded, leafHash: hex(keccak256(keccak256(bytesOf(encoded)))) };
}

const compare = (a: Uint8Array, b: Uint8Array) => Buffer.compare(a, b);
/** §5.2, step 3: the pair, the smaller first. */
const pair = (a: Uint8Array, b: Uint8Array) => keccak256(Buffer.concat(compare(a, b) <= 0 ? [a, b] : [b, a]));

/** §5.2 by hand: the root, and the proof of each of `leafHashes` in the order given. */
export function treeOf(leafHashes: readonly string[]): { root: string; proofs: string[][] } {
  const n = leafHashes.length;
  if (n === 0) throw new Error("a tree needs a leaf");
  const sorted = leafHashes.map(bytesOf).sort(compare);
  const node: Uint8Array[] = new Array(2 * n - 1);
  sorted.forEach((leaf, i) => {
    node[2 * n - 2 - i] = leaf;
  });
  for (let k = n - 2; k >= 0; k--) node[k] = pair(node[2 * k + 1] as Uint8Array, node[2 * k + 2] as Uint8Array);
  const proofs = leafHashes.map((leafHash) => {
    let k = node.findIndex((h, i) => i >= n - 1 && hex(h) === leafHash.toLowerCase());
    const proof: string[] = [];
    for (; k > 0; k = Math.floor((k - 1) / 2)) proof.push(hex(node[k % 2 === 1 ? k + 1 : k - 1] as Uint8Array));
    return proof;
  });
  return { root: hex(node[0] as Uint8Array), proofs };
}

/** §5.2: the fold of a proof. */
export const proofHolds = (root: string, leafHash: string, proof: readonly string[]) =>
  hex(proof.reduce<Uint8Array>((h, p) => pair(h, bytesOf(p)), bytesOf(leafHash))) === root.toLowerCase();

/** §5.2 and the batchTree vectors' output, by hand, and checked against StandardMerkleTree as §5.2 says. */
export function batchTree(leaves: readonly Anchor[]) {
  const leafHashes = leaves.map((l) => batchLeaf(l).leafHash);
  const { root, proofs } = treeOf(leafHashes);
  const standard = StandardMerkleTree.of(leaves.map(valuesOf), LEAF_TYPES);
  if (standard.root !== root) throw new Error("§5.2 by hand and StandardMerkleTree disagree on the root");
  leaves.forEach((_, i) => {
    if (JSON.stringify(standard.getProof(i)) !== JSON.stringify(proofs[i])) throw new Error(`proof ${i} differs`);
  });
  return { root, leaves: leafHashes.map((leafHash, i) => ({ leafHash, proof: proofs[i] })) };
}

/** §5.3. */
export function batchProofAccepted(root: string, recordCount: number, leaf: Anchor, proof: readonly string[]): boolean {
  if (BigInt(leaf.recordHash) === 0n) return false;
  if (leaf.validUntil !== 0 && leaf.validUntil < leaf.validFrom) return false;
  const floor = Math.floor(Math.log2(recordCount));
  const ceil = Math.ceil(Math.log2(recordCount));
  if (proof.length < floor || proof.length > ceil) return false;
  const held = proofHolds(root, batchLeaf(leaf).leafHash, proof);
  if (held !== StandardMerkleTree.verify(root, LEAF_TYPES, valuesOf(leaf), [...proof])) {
    throw new Error("the fold of §5.2 and StandardMerkleTree.verify disagree");
  }
  return held;
}

/** §7.3: one bytes32 per leaf. */
export function accessLogRoot(entryHashes: readonly string[]): string {
  const { root } = treeOf(entryHashes.map((h) => hex(keccak256(keccak256(bytesOf(h))))));
  const standard = StandardMerkleTree.of(
    entryHashes.map((h) => [h]),
    ["bytes32"],
  );
  if (standard.root !== root) throw new Error("§7.3 by hand and StandardMerkleTree disagree on the root");
  return root;
}

const ANCHOR_TYPE =
  "Anchor(uint32 issuer,bytes32 recordHash,bytes32 subjectRef,uint32 credentialType,uint64 validFrom," +
  "uint64 validUntil,uint32 signerEpoch,uint256 nonce,uint256 deadline)";
const DOMAIN_TYPE = "EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)";

export interface AnchorTerms {
  issuer: number;
  signerEpoch: number;
  nonce: string;
  deadline: string;
}

/** §5.4. */
export function anchorRequest(chainId: string, verifyingContract: string, record: Anchor, terms: AnchorTerms) {
  const structHash = keccak256(
    bytesOf(
      abi.encode(
        ["bytes32", "uint32", "bytes32", "bytes32", "uint32", "uint64", "uint64", "uint32", "uint256", "uint256"],
        [
          keccak256(ANCHOR_TYPE),
          terms.issuer,
          record.recordHash,
          record.subjectRef,
          record.credentialType,
          record.validFrom,
          record.validUntil,
          terms.signerEpoch,
          terms.nonce,
          terms.deadline,
        ],
      ),
    ),
  );
  const domainSeparator = keccak256(
    bytesOf(
      abi.encode(
        ["bytes32", "bytes32", "bytes32", "uint256", "address"],
        [keccak256(DOMAIN_TYPE), keccak256("oncechain records"), keccak256("2"), chainId, verifyingContract],
      ),
    ),
  );
  const digest = keccak256(Buffer.concat([Buffer.from([0x19, 0x01]), domainSeparator, structHash]));
  return { domainSeparator: hex(domainSeparator), structHash: hex(structHash), digest: hex(digest) };
}

// Batch proofs checked with a memory of the upper tree nodes already proved, so that a proof is not hashed all the way
// up to the root every time: verifying a record of a 1,024-record batch then costs 7 keccak permutations, not 13.
import { type RecordAnchor, recordLeafHash, recordNodeHash } from "../../../../lib/encoding/recordLeaf.ts";

/**
 * Steps are remembered from the nodes over 2^4 = 16 leaves upward: 126 per full batch of 1,024, so the memory stays
 * small and is soon complete, while a proof hashes only its leaf and its lowest 4 levels.
 */
const MIN_HEIGHT = 4;
/** Remembered steps (each ~200 bytes): at most ~13 MB (~500 full batches), then the memory starts over. */
const MAX_STEPS = 65_536;

/**
 * Batch root (lower-case hex) → inner node → its step toward that root: the sibling it was hashed with, then the
 * parent it gave, both 32 bytes as latin1 characters. Only steps of proofs that reached the root are kept.
 */
const proven = new Map<string, Map<string, string>>();
let size = 0;

/** Whether the remembered steps from `node` take exactly `siblings[from..]` and end at the root. */
function provenFrom(steps: Map<string, string>, node: string, siblings: string[], from: number, root: string) {
  let current = node;
  for (let level = from; level < siblings.length; level++) {
    const step = steps.get(current);
    if (step === undefined || !step.startsWith(siblings[level] as string)) return false;
    current = step.slice(32);
  }
  return current === root;
}

/** Remembers the steps of `path` (path[i]: the node at height i, path[0] the leaf) from MIN_HEIGHT to below `upTo`. */
function remember(rootKey: string, path: string[], siblings: string[], upTo: number): void {
  if (upTo <= MIN_HEIGHT) return;
  if (size + upTo > MAX_STEPS) {
    proven.clear();
    size = 0;
  }
  let steps = proven.get(rootKey);
  if (!steps) {
    steps = new Map();
    proven.set(rootKey, steps);
  }
  for (let level = MIN_HEIGHT; level < upTo; level++) {
    const node = path[level] as string;
    if (steps.has(node)) continue;
    steps.set(node, `${siblings[level]}${path[level + 1]}`);
    size++;
  }
}

/**
 * Whether `proof` proves `anchor` a leaf of the batch tree with this root: exactly StandardMerkleTree.verify's answer
 * (the whole proof must lead to the root), computed with fewer hashes. Hashing up from the leaf stops at the first node
 * (from MIN_HEIGHT up) whose remembered steps match the rest of the proof up to the root. The proof's nodes are 0x-prefixed 32-byte hex
 * (as the request schema ensures); the root too.
 */
export function verifyBatchProof(root: string, anchor: RecordAnchor, proof: readonly string[]): boolean {
  const rootKey = root.toLowerCase();
  const rootId = Buffer.from(rootKey.slice(2), "hex").toString("latin1");
  const siblings: string[] = [];
  for (const hex of proof) {
    const sibling = Buffer.from(hex.slice(2), "hex");
    if (sibling.length !== 32) return false;
    siblings.push(sibling.toString("latin1"));
  }
  const steps = proven.get(rootKey);
  let node = recordLeafHash(anchor);
  const path = [node.toString("latin1")];
  for (let level = 0; level < siblings.length; level++) {
    if (level >= MIN_HEIGHT && steps && provenFrom(steps, path[level] as string, siblings, level, rootId)) {
      remember(rootKey, path, siblings, level);
      return true;
    }
    node = recordNodeHash(node, Buffer.from(siblings[level] as string, "latin1"));
    path.push(node.toString("latin1"));
  }
  if (path[siblings.length] !== rootId) return false;
  remember(rootKey, path, siblings, siblings.length);
  return true;
}

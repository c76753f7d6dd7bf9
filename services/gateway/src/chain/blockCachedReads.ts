// Chain reads every peer request needs (who a signer signs for, whether a grant lets a consumer read), answered once
// per block the index has seen instead of once per request.
//
// Both are facts that change only in a block, and the index is this gateway's view of the chain: an answer is kept
// while the index's head stays where it was when the answer was read, and forgotten as soon as the index has seen a
// newer block. A suspension, a removed signer key or a revoked grant therefore counts from the first index sync that
// sees its block (every `indexPollMs`, 500 ms by default), as a revocation of a record does; each answer is read at the
// chain's latest block, which is never older than the index's head. Without it, each peer request cost the issuer two
// `eth_call`s in series, about a third of its CPU and at least two round trips to the node (bench/federation.ts).
import { codeKey } from "../../../../lib/encoding/codeKey.ts";
import type { ChainIndex } from "./chainIndex.ts";
import type { LiveRegistries } from "./liveRegistries.ts";

/** The department a key signs for (0 for a key no department lists) and whether that department is suspended. */
export interface SignerStanding {
  departmentId: number;
  suspended: boolean;
}

export interface BlockCachedReads {
  signerStanding(signer: string): Promise<SignerStanding>;
  /** SharingGrantRegistry.mayRead(provider, consumer, codeKey(credentialType), codeKey(purpose)). */
  mayRead(provider: number, consumer: number, credentialType: string, purpose: string): Promise<boolean>;
}

/**
 * Answers kept per block at most: each key is a signer that signed a valid request or a grant a request asked about,
 * so the number is bounded by what arrives within one block; past this, the oldest are forgotten first.
 */
const MAX_ENTRIES = 10_000;

/**
 * `read(key)` once per key while `head()` stays the same. A read under way is shared by the requests that ask meanwhile;
 * a read that fails is forgotten, so the next request reads again.
 */
export function perIndexedBlock<T>(head: () => number, read: (key: string) => Promise<T>): (key: string) => Promise<T> {
  const answers = new Map<string, Promise<T>>();
  let at = Number.NaN;
  return (key) => {
    const now = head();
    if (now !== at) {
      answers.clear();
      at = now;
    }
    const known = answers.get(key);
    if (known) return known;
    const reading = read(key);
    if (answers.size >= MAX_ENTRIES) answers.delete(answers.keys().next().value as string);
    answers.set(key, reading);
    reading.catch(() => {
      if (answers.get(key) === reading) answers.delete(key);
    });
    return reading;
  };
}

export function blockCachedReads(index: Pick<ChainIndex, "head">, registries: LiveRegistries): BlockCachedReads {
  const standing = perIndexedBlock(index.head, async (signer) => {
    const found = await registries.departments.signerDepartment(signer);
    return { departmentId: Number(found.departmentId), suspended: found.suspended };
  });
  const grant = perIndexedBlock(index.head, (key) => {
    const [provider, consumer, credentialType, purpose] = JSON.parse(key) as [number, number, string, string];
    return registries.grants.mayRead(provider, consumer, codeKey(credentialType), codeKey(purpose));
  });
  return {
    signerStanding: (signer) => standing(signer.toLowerCase()),
    mayRead: (provider, consumer, credentialType, purpose) =>
      grant(JSON.stringify([provider, consumer, credentialType, purpose])),
  };
}

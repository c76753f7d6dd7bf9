// Every rule of docs/SPEC.md written again from the document alone (test/spec/independent/, which imports nothing of
// lib/, services/ or scripts/), held to docs/spec-vectors.json: what an outside implementation would compute.
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { accessLogChain, accessLogEntry } from "./independent/accessLog.ts";
import { codeKey, credentialTypeOnChain, grantId, scenarioOnChain } from "./independent/catalogue.ts";
import { canonicalJson, contentHash } from "./independent/hashes.ts";
import { normalisedId, SPEC_REASONS, subjectRef } from "./independent/identifiers.ts";
import {
  type Anchor,
  type AnchorTerms,
  accessLogRoot,
  anchorRequest,
  batchLeaf,
  batchProofAccepted,
  batchTree,
} from "./independent/merkle.ts";
import { type PeerInput, peerSignature } from "./independent/peer.ts";
import { canonicalRecord, fieldBelongs, fieldTree, recordHash } from "./independent/records.ts";
import { type Case, casesOf, holds } from "./vectors.ts";

const each = <I>(rule: string, check: (c: Case<I>) => void) =>
  it.each(casesOf<I>(rule).map((c) => [c.name, c] as const))("%s", (_name, c) => check(c));

/** A reason §4.1 gives is part of the rule; other refusals need only be refusals. */
const specReason = (c: Case<unknown>) => c.error !== undefined && SPEC_REASONS.has(c.error);

describe("the reimplementation", () => {
  it("reads nothing of the project's code", () => {
    const dir = new URL("./independent/", import.meta.url);
    const own = [new URL(import.meta.url), new URL("./vectors.ts", import.meta.url)];
    for (const file of [...readdirSync(dir).map((f) => new URL(f, dir)), ...own]) {
      const imports = [...readFileSync(file, "utf8").matchAll(/from "([^"]+)"/g)].map((m) => m[1] as string);
      for (const source of imports) expect(source, `${file}`).not.toMatch(/^\.\.\/|lib\/|services\/|scripts\//);
    }
  });
});

describe("canonical JSON (§2.1)", () => {
  each<{ json: string }>("canonicalJson", (c) => {
    holds(c, () => {
      const value = JSON.parse(c.input.json);
      return { canonical: canonicalJson(value), sha256: contentHash(value) };
    });
  });
});

describe("the canonical record (§2.2)", () => {
  each<{ record: unknown }>("canonicalRecord", (c) => holds(c, () => ({ canonical: canonicalRecord(c.input.record) })));
});

describe("the record hash (§3)", () => {
  each<{ record: unknown }>("recordHash", (c) => holds(c, () => recordHash(c.input.record)));
});

describe("the field tree of a format-2 record (§3.2)", () => {
  each<{ salt: string; fields: Record<string, unknown> }>("fieldTree", (c) => {
    holds(c, () => fieldTree(c.input.salt, c.input.fields));
  });
});

describe("a disclosed field (§3.3)", () => {
  each<{ fieldsRoot: string; name: string; value: unknown; fieldSalt: string; proof: string[] }>("fieldProof", (c) => {
    const { fieldsRoot, name, value, fieldSalt, proof } = c.input;
    holds(c, () => ({ belongs: fieldBelongs(fieldsRoot, name, value, fieldSalt, proof) }));
  });
});

interface IdInput {
  idType: string;
  idNumber: string;
  now?: string;
}

describe("identifier normalisation (§4.1)", () => {
  each<IdInput>("identifierNormalisation", (c) => {
    const now = c.input.now === undefined ? undefined : new Date(c.input.now);
    holds(c, () => ({ normalised: normalisedId(c.input.idType, c.input.idNumber, now) }), specReason(c));
  });
});

describe("the subject reference (§4.2)", () => {
  each<IdInput & { districtKey: string }>("subjectRef", (c) => {
    holds(c, () => subjectRef(c.input.districtKey, c.input.idType, c.input.idNumber), specReason(c));
  });
});

describe("the batch leaf (§5.1)", () => {
  each<{ leaf: Anchor }>("batchLeaf", (c) => holds(c, () => batchLeaf(c.input.leaf)));
});

describe("the batch tree (§5.2)", () => {
  each<{ leaves: Anchor[] }>("batchTree", (c) => holds(c, () => batchTree(c.input.leaves)));
});

describe("what the chain accepts of a batched record (§5.3)", () => {
  each<{ root: string; recordCount: number; leaf: Anchor; proof: string[] }>("batchProof", (c) => {
    const { root, recordCount, leaf, proof } = c.input;
    holds(c, () => ({ accepted: batchProofAccepted(root, recordCount, leaf, proof) }));
  });
});

describe("the delegated anchoring request (§5.4)", () => {
  each<{ chainId: string; verifyingContract: string; record: Anchor; terms: AnchorTerms }>("anchorRequest", (c) => {
    const { chainId, verifyingContract, record, terms } = c.input;
    holds(c, () => anchorRequest(chainId, verifyingContract, record, terms));
  });
});

describe("code keys (§6.1)", () => {
  each<{ code: string }>("codeKey", (c) => holds(c, () => ({ codeKey: codeKey(c.input.code) })));
});

describe("credential types on chain (§6.4)", () => {
  each<{ entry: unknown }>("credentialTypeOnChain", (c) => holds(c, () => credentialTypeOnChain(c.input.entry)));
});

describe("scenarios on chain (§6.5)", () => {
  each<{ entry: unknown }>("scenarioOnChain", (c) => holds(c, () => scenarioOnChain(c.input.entry)));
});

describe("grant ids (§6.6)", () => {
  each<{ provider: number; consumer: number; credentialType: string; purpose: string | null }>("grantId", (c) => {
    const { provider, consumer, credentialType, purpose } = c.input;
    holds(c, () => grantId(provider, consumer, credentialType, purpose));
  });
});

describe("access-log entries (§7.1)", () => {
  each<{ entry: Record<string, unknown> }>("accessLogEntry", (c) => holds(c, () => accessLogEntry(c.input.entry)));
});

describe("the chain of access-log entries (§7.2)", () => {
  each<{ accesses: Record<string, unknown>[] }>("accessLogChain", (c) => {
    holds(c, () => ({ entries: accessLogChain(c.input.accesses) }));
  });
});

describe("the tree of a committed range (§7.3)", () => {
  each<{ entryHashes: string[] }>("accessLogTree", (c) =>
    holds(c, () => ({ root: accessLogRoot(c.input.entryHashes) })),
  );
});

describe("peer request signatures (§9)", () => {
  it.each(casesOf<PeerInput>("peerSignature").map((c) => [c.name, c] as const))("%s", async (_name, c) => {
    expect(await peerSignature(c.input)).toEqual(c.expected);
  });
});

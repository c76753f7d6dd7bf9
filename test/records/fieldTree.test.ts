// Format 2's field tree against OpenZeppelin's StandardMerkleTree built independently from the same leaf values: the
// same root and proofs, each proof verified by OpenZeppelin; and a changed field, salt or proof detected.
import { createHmac, randomBytes } from "node:crypto";
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Hex32 } from "../../lib/encoding/canonical.ts";
import {
  buildFieldTree,
  FIELD_LEAF_TYPES,
  fieldLeadsTo,
  fieldLeafValues,
  fieldSalt,
} from "../../lib/records/fieldTree.ts";
import { FIELDS } from "../../scripts/lib/demo/samples.ts";

const salt = () => `0x${randomBytes(32).toString("hex")}` as Hex32;
const types = [...FIELD_LEAF_TYPES];

function openZeppelinTree(fields: Record<string, unknown>, recordSalt: Hex32) {
  const values = Object.entries(fields).map(([name, value]) =>
    fieldLeafValues(name, fieldSalt(recordSalt, name), value),
  );
  return { tree: StandardMerkleTree.of(values, types), values };
}

describe("a field's salt", () => {
  it("is Node's HMAC-SHA256 keyed with the record's salt over the name, for any salt and any name", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.string({ unit: "grapheme", maxLength: 80 }),
        (key, name) => {
          const recordSalt = `0x${Buffer.from(key).toString("hex")}` as Hex32;
          const expected = `0x${createHmac("sha256", key).update(name, "utf8").digest("hex")}`;
          expect(fieldSalt(recordSalt, name)).toBe(expected);
          expect(fieldSalt(recordSalt.toUpperCase().replace("0X", "0x") as Hex32, name)).toBe(expected);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe("the field tree of record format 2", () => {
  it("gives OpenZeppelin's root and proofs for every sample record, each proof verified by OpenZeppelin", () => {
    for (const [type, fields] of Object.entries(FIELDS)) {
      const recordSalt = salt();
      const ours = buildFieldTree(fields, recordSalt);
      const { tree, values } = openZeppelinTree(fields, recordSalt);
      expect(ours.root, type).toBe(tree.root);
      for (const leaf of values) {
        const proof = ours.proof(leaf[0]);
        expect(proof, `${type}.${leaf[0]}`).toEqual(tree.getProof(leaf));
        expect(StandardMerkleTree.verify(tree.root, types, leaf, proof)).toBe(true);
        expect(fieldLeadsTo(ours.root, leaf[0], leaf[1], fields[leaf[0]], proof)).toBe(true);
      }
    }
  });

  it("agrees with OpenZeppelin on 300 generated records of 1 to 40 fields of any JSON, names of any Unicode up to 40 characters", () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.string({ minLength: 1, maxLength: 40, unit: "binary" }), fc.jsonValue({ maxDepth: 2 }), {
          minKeys: 1,
          maxKeys: 40,
        }),
        (fields) => {
          const recordSalt = salt();
          const { tree } = openZeppelinTree(fields, recordSalt);
          const ours = buildFieldTree(fields, recordSalt);
          expect(ours.root).toBe(tree.root);
          const name = Object.keys(fields)[0] as string;
          expect(ours.proof(name)).toEqual(
            tree.getProof(fieldLeafValues(name, fieldSalt(recordSalt, name), fields[name])),
          );
        },
      ),
      { numRuns: 300 },
    );
  });

  it("detects a disclosed field whose value, name, salt or proof was changed, and a proof from another record", () => {
    const fields = FIELDS["business-licence"] as Record<string, unknown>;
    const recordSalt = salt();
    const tree = buildFieldTree(fields, recordSalt);
    const name = "name";
    const s = fieldSalt(recordSalt, name);
    const proof = tree.proof(name);
    expect(fieldLeadsTo(tree.root, name, s, fields[name], proof)).toBe(true);
    expect(fieldLeadsTo(tree.root, name, s, `${fields[name]} `, proof)).toBe(false);
    expect(fieldLeadsTo(tree.root, "legalRepresentative", s, fields[name], proof)).toBe(false);
    expect(fieldLeadsTo(tree.root, name, fieldSalt(salt(), name), fields[name], proof)).toBe(false);
    expect(fieldLeadsTo(tree.root, name, s, fields[name], [...proof].reverse())).toBe(false);
    const other = buildFieldTree(fields, salt());
    expect(fieldLeadsTo(other.root, name, s, fields[name], proof)).toBe(false);
  });

  it("gives each field a salt of its own that reveals neither the record's salt nor another field's", () => {
    const recordSalt = salt();
    const salts = ["a", "b", "name"].map((n) => fieldSalt(recordSalt, n));
    expect(new Set([...salts, recordSalt]).size).toBe(4);
    expect(fieldSalt(recordSalt, "a")).toBe(salts[0]);
  });

  it("roots a record without fields at 32 zero bytes", () => {
    expect(buildFieldTree({}, salt()).root).toBe(`0x${"0".repeat(64)}`);
  });
});

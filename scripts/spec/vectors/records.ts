// Vectors of SPEC.md §2-3: canonical JSON, the canonical record a gateway accepts, the record hash of both formats,
// format 2's field tree, and a disclosed field's proof.
import { canonicalize, contentHash, type Hex32 } from "../../../lib/encoding/canonical.ts";
import { subjectRef } from "../../../lib/encoding/subjectRef.ts";
import {
  buildFieldTree,
  encodeFieldLeaf,
  fieldLeadsTo,
  fieldLeafHash,
  fieldLeafValues,
  fieldSalt,
} from "../../../lib/records/fieldTree.ts";
import { canonicalRecordSchema } from "../../../services/gateway/src/http/schemas.ts";
import { anchorOf, type CanonicalRecord, recordHashOf } from "../../../services/gateway/src/records/canonicalRecord.ts";
import { FIELDS } from "../../lib/demo/samples.ts";
import { accepted, type Case, firstIssue, refused } from "./cases.ts";
import { DISTRICT_KEY, ISSUED_AT_SECONDS, RESIDENT, SHOP, salt } from "./fixtures.ts";

const key = Buffer.from(DISTRICT_KEY.slice(2), "hex");
const TEN_YEARS = 3650 * 86_400;

const nested = (levels: number) => `${"[".repeat(levels)}1${"]".repeat(levels)}`;

const JSON_TEXTS: [string, string][] = [
  [
    "object members sorted by name, insignificant whitespace dropped",
    '{ "b" : 2 ,\n "a" : 1, "c": {"z": true, "y": null} }',
  ],
  ["array elements keep their order", '[3, 1, 2, ["b", "a"]]'],
  ["literals, empty object and empty array", "[true, false, null, {}, []]"],
  [
    "index-like names are sorted as strings, not as numbers",
    '{"10": "ten", "2": "two", "1": "one", "a": "letter", "01": "zero one", "-1": "minus one"}',
  ],
  [
    "names are sorted by UTF-16 code units, not by code points (U+20000 and U+1F600 before U+E000 and U+FF5A)",
    '{"ｚ": 1, "𠀀": 2, "😀": 3, "\\ue000": 4, "é": 5, "a": 6, "A": 7}',
  ],
  [
    "non-BMP characters are written as themselves (UTF-8), escapes in the input decoded",
    '{"name": "\\ud840\\udc00 and 😀", "escaped": "\\u00e9\\u4e2d", "slash": "a\\/b"}',
  ],
  ["no Unicode normalisation: a precomposed é (U+00E9)", '{"name": "\\u00e9"}'],
  ["no Unicode normalisation: e and a combining acute accent (U+0065 U+0301) hash differently", '{"name": "e\\u0301"}'],
  [
    "control characters escaped (short forms where JSON has them), DEL, U+2028 and U+2029 written as themselves",
    '"\\u0000\\u0008\\u0009\\u000a\\u000b\\u000c\\u000d\\u001f\\u007f\\u2028\\u2029\\"\\\\"',
  ],
  [
    "numbers in ECMAScript's shortest form: -0 is 0, exponents from 1e21 and below 1e-6",
    "[-0, 0.0, 1.0, 1E2, 1e20, 1e21, 0.000001, 1e-7, 0.1, -1.5e-10, 333333333.33333329, 5e-324, 1.7976931348623157e308]",
  ],
  ["integers beyond 2^53 are the nearest double", "[9007199254740993, 12345678901234567890]"],
  ["a number below the smallest double is 0", "[1e-400, -1e-400]"],
  ["duplicate member names: the last one counts, as JSON.parse keeps it", '{"a": 1, "a": 2}'],
  ["257 levels of nesting are accepted", nested(257)],
];

const REFUSED_JSON_TEXTS: [string, string][] = [
  ["a lone high surrogate in a value is refused", '{"a": "\\ud800"}'],
  ["a lone low surrogate in a member name is refused", '{"\\udc00": 1}'],
  ["surrogates in the wrong order are refused", '["\\udc00\\ud800"]'],
  ["a number beyond the largest double is refused (it parses to Infinity)", '{"a": 1e400}'],
  ["258 levels of nesting are refused", nested(258)],
];

export function canonicalJsonCases(): Case[] {
  const compute = (json: string) => () => {
    const value = JSON.parse(json);
    return { canonical: canonicalize(value), sha256: contentHash(value) };
  };
  return [
    ...JSON_TEXTS.map(([name, json]) => accepted(name, { json }, compute(json))),
    ...REFUSED_JSON_TEXTS.map(([name, json]) => refused(name, { json }, compute(json))),
  ];
}

const residentRecord: CanonicalRecord = {
  format: "oncechain-record/1",
  credentialType: "resident-id-card",
  typeVersion: 1,
  typeId: 1,
  issuer: "psb",
  issuerId: 1,
  subjectRef: subjectRef(key, "resident-id", RESIDENT),
  fields: FIELDS["resident-id-card"] as Record<string, unknown>,
  issuedAt: new Date(ISSUED_AT_SECONDS * 1000).toISOString(),
  validFrom: ISSUED_AT_SECONDS,
  validUntil: ISSUED_AT_SECONDS + TEN_YEARS,
  salt: salt(1),
};

const licence = (n: number, supersedes?: Hex32): CanonicalRecord => ({
  format: "oncechain-record/1",
  credentialType: "business-licence",
  typeVersion: 1,
  typeId: 2,
  issuer: "market-regulation",
  issuerId: 2,
  subjectRef: subjectRef(key, "unified-social-credit-code", SHOP),
  fields: { ...(FIELDS["business-licence"] as Record<string, unknown>), registeredCapitalTenThousandYuan: 50 * n },
  issuedAt: new Date((ISSUED_AT_SECONDS + n * 86_400) * 1000).toISOString(),
  validFrom: ISSUED_AT_SECONDS + n * 86_400,
  validUntil: 0,
  salt: salt(10 + n),
  ...(supersedes ? { supersedes } : {}),
});

/** Field values no real type has, but a record's fields may hold whatever its type's JSON Schema allows. */
const edgeRecord: CanonicalRecord = {
  ...residentRecord,
  fields: {
    "10": "index-like names sort as strings",
    "2": ["arrays", "keep", "their", "order"],
    名称: "𠀀记商行 😀",
    nested: { b: 0.5, a: 1e21, "": null },
  },
  salt: salt(2),
};

const upper = (hex: string) => `0x${hex.slice(2).toUpperCase()}`;

const format2 = (record: CanonicalRecord, extra: Partial<CanonicalRecord> = {}): CanonicalRecord => ({
  ...record,
  format: "oncechain-record/2",
  ...extra,
});

/** Format 2's edges: an empty name, a name longer than one ABI word, names beyond the BMP, nested values. */
const edgeFields = {
  ...edgeRecord.fields,
  "": "the empty name is a field like any other",
  经营场所详细地址含门牌号楼层房间号: "a name of 51 UTF-8 bytes takes two words",
  "😀": 0,
  flag: true,
};

/** Records a gateway accepts and hashes: as issued, and hex members spelled in upper case (lower-cased first). */
function acceptedRecords(): [string, Record<string, unknown>][] {
  const first = licence(1);
  const second = format2(licence(2, recordHashOf(first)));
  return [
    ["a resident ID card record (a person) with an expiry", residentRecord],
    ["a business licence record (an organisation) without expiry", first],
    ["a record that supersedes another names it in supersedes", licence(2, recordHashOf(first))],
    ["fields with index-like names, non-BMP characters and numbers in exponent form", edgeRecord],
    [
      "hex members in upper case are lower-cased before hashing",
      { ...licence(2, recordHashOf(first)), subjectRef: upper(first.subjectRef), salt: upper(salt(12)) },
    ],
    ["format 2: a resident ID card record, as a gateway issues it", format2(residentRecord)],
    ["format 2: a business licence that supersedes a format-1 one", second],
    [
      "format 2: an empty name, a long name, names beyond the BMP, nested values",
      format2(edgeRecord, { fields: edgeFields }),
    ],
    [
      "format 2: a record with one field has its leaf as the fields root",
      format2(residentRecord, { fields: { name: "张三" } }),
    ],
    ["format 2: a record without fields has the zero fields root", format2(residentRecord, { fields: {} })],
    [
      "format 2: a field value of 255 nested arrays (the innermost at depth 256 in the record) is accepted",
      format2(residentRecord, { fields: { deep: JSON.parse(nested(255)) } }),
    ],
    [
      "format 2: hex members in upper case are lower-cased before hashing (the salt as bytes derives the same field salts)",
      {
        ...second,
        subjectRef: upper(second.subjectRef),
        salt: upper(second.salt),
        supersedes: upper(recordHashOf(first)),
      },
    ],
  ];
}

const without = (record: CanonicalRecord, member: keyof CanonicalRecord) => {
  const { [member]: _dropped, ...rest } = record;
  return rest;
};

function refusedRecords(): [string, unknown][] {
  return [
    [
      "supersedes null is refused: a record that supersedes nothing has no supersedes member",
      { ...residentRecord, supersedes: null },
    ],
    ["a member the record does not have is refused", { ...residentRecord, note: "x" }],
    ["a member named as an object's inherited property (toString) is refused", { ...residentRecord, toString: "x" }],
    ["a missing member is refused", without(residentRecord, "salt")],
    ["another format is refused", { ...residentRecord, format: "oncechain-record/3" }],
    [
      "format 2 has the members of format 1: a fieldsRoot in place of fields is refused",
      {
        ...without(format2(residentRecord), "fields"),
        fieldsRoot: salt(3),
      },
    ],
    ["a type id of 0 is refused", { ...residentRecord, typeId: 0 }],
    ["a type version beyond uint16 is refused", { ...residentRecord, typeVersion: 65_536 }],
    ["a validity beyond 2^40 - 1 seconds is refused", { ...residentRecord, validUntil: 2 ** 40 }],
    ["a validity that is not a whole number is refused", { ...residentRecord, validFrom: ISSUED_AT_SECONDS + 0.5 }],
    ["a salt that is not 32 bytes is refused", { ...residentRecord, salt: residentRecord.salt.slice(0, 64) }],
    [
      "a subject reference without 0x is refused",
      { ...residentRecord, subjectRef: residentRecord.subjectRef.slice(2) },
    ],
    ["fields that are not an object are refused", { ...residentRecord, fields: ["name"] }],
  ];
}

/** The record as the verify route takes it: the request schema (which lower-cases hex), then the hash. */
function parsed(record: unknown): CanonicalRecord {
  const result = canonicalRecordSchema.safeParse(record);
  if (result.success) return result.data as CanonicalRecord;
  throw new Error(firstIssue(result.error));
}

export function canonicalRecordCases(): Case[] {
  return [
    ...acceptedRecords().map(([name, record]) =>
      accepted(name, { record }, () => ({ canonical: canonicalize(parsed(record)) })),
    ),
    ...refusedRecords().map(([name, record]) => refused(name, { record }, () => canonicalize(parsed(record)))),
  ];
}

export function recordHashCases(): Case[] {
  const hashed = (record: unknown) => () => {
    const r = parsed(record);
    const recordHash = recordHashOf(r);
    return { recordHash, anchor: anchorOf(r, recordHash) };
  };
  const lone = { ...residentRecord, fields: { ...residentRecord.fields, name: "\ud800" } };
  const loneName = format2(residentRecord, { fields: { ...residentRecord.fields, "\udc00": "x" } });
  const tooDeep = format2(residentRecord, { fields: { deep: JSON.parse(nested(256)) } });
  return [
    ...acceptedRecords().map(([name, record]) => accepted(name, { record }, hashed(record))),
    refused("a record whose fields hold a lone surrogate has no hash", { record: lone }, hashed(lone)),
    refused(
      "format 2: a record whose field value holds a lone surrogate has no hash",
      { record: format2(lone) },
      hashed(format2(lone)),
    ),
    refused("format 2: a field name with a lone surrogate has no hash", { record: loneName }, hashed(loneName)),
    refused(
      "format 2: a field value of 256 nested arrays (the innermost at depth 257 in the record) is refused",
      { record: tooDeep },
      hashed(tooDeep),
    ),
  ];
}

/** §3.2 step by step: each field's salt, value hash, encoding, leaf hash and proof, and the root. */
export function fieldTreeOf(fields: Record<string, unknown>, recordSalt: Hex32) {
  const tree = buildFieldTree(fields, recordSalt);
  const leaves: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(fields)) {
    const values = fieldLeafValues(name, fieldSalt(recordSalt, name), value);
    leaves[name] = {
      fieldSalt: values[1],
      valueHash: values[2],
      encoded: `0x${encodeFieldLeaf(values).toString("hex")}`,
      leafHash: `0x${fieldLeafHash(values).toString("hex")}`,
      proof: tree.proof(name),
    };
  }
  return { fieldsRoot: tree.root, fields: leaves };
}

export function fieldTreeCases(): Case[] {
  const cases: [string, Record<string, unknown>, Hex32][] = [
    ["a resident ID card's fields", residentRecord.fields, salt(1)],
    ["a business licence's fields (seven leaves: a tree that is not complete)", licence(1).fields, salt(11)],
    ["an empty name, a long name, names beyond the BMP, nested values", edgeFields, salt(2)],
    ["one field: its leaf is the root and its proof is empty", { name: "张三" }, salt(1)],
    ["two fields: each proof is the other's leaf", { name: "张三", gender: "男" }, salt(1)],
    ["no fields: the root is 32 zero bytes", {}, salt(1)],
    ["the record's salt in upper case derives the same field salts", { name: "张三" }, upper(salt(1)) as Hex32],
  ];
  return [
    ...cases.map(([name, fields, recordSalt]) =>
      accepted(name, { salt: recordSalt, fields }, () => fieldTreeOf(fields, recordSalt)),
    ),
    ...(
      [
        ["a field value without canonical JSON (a lone surrogate) has no leaf", { name: "\ud800" }],
        ["a field name with a lone surrogate has no leaf (UTF-8 cannot carry it)", { "\udc00": "x" }],
        ["a field value of 256 nested arrays (depth 257 in its record) has no leaf", { deep: JSON.parse(nested(256)) }],
      ] as [string, Record<string, unknown>][]
    ).map(([name, fields]) => refused(name, { salt: salt(1), fields }, () => fieldTreeOf(fields, salt(1)))),
  ];
}

interface DisclosedField {
  fieldsRoot: Hex32;
  name: string;
  value: unknown;
  fieldSalt: Hex32;
  proof: Hex32[];
}

export function fieldProofCases(): Case[] {
  const fields = licence(1).fields;
  const recordSalt = salt(11);
  const tree = fieldTreeOf(fields, recordSalt);
  const leafOf = (name: string) =>
    (tree.fields as Record<string, { fieldSalt: Hex32; proof: Hex32[] }>)[name] ?? { fieldSalt: salt(0), proof: [] };
  const disclosed = (name: string): DisclosedField => ({
    fieldsRoot: tree.fieldsRoot,
    name,
    value: fields[name],
    fieldSalt: leafOf(name).fieldSalt,
    proof: leafOf(name).proof,
  });
  const [first, second] = Object.keys(fields) as [string, string];
  const belongs = (input: DisclosedField) => () => ({
    belongs: fieldLeadsTo(input.fieldsRoot, input.name, input.fieldSalt, input.value, input.proof),
  });
  const one = buildFieldTree({ name: "张三" }, salt(1));
  const cases: [string, DisclosedField][] = [
    ["a field as disclosed belongs to the record", disclosed(first)],
    ["another field of the same record belongs to it", disclosed(second)],
    [
      "salt and proof nodes in upper case are read as hashes",
      {
        ...disclosed(first),
        fieldSalt: upper(disclosed(first).fieldSalt) as Hex32,
        proof: disclosed(first).proof.map((p) => upper(p) as Hex32),
      },
    ],
    [
      "a record's only field, with an empty proof",
      {
        fieldsRoot: one.root,
        name: "name",
        value: "张三",
        fieldSalt: fieldSalt(salt(1), "name"),
        proof: [],
      },
    ],
    ["a changed value does not belong", { ...disclosed(first), value: `${String(fields[first])}!` }],
    [
      "a value of another JSON type (the number for its string) does not belong",
      {
        ...disclosed("registeredCapitalTenThousandYuan"),
        value: String(fields.registeredCapitalTenThousandYuan),
      },
    ],
    ["a field under another name does not belong", { ...disclosed(first), name: second }],
    ["another field's salt does not belong", { ...disclosed(first), fieldSalt: leafOf(second).fieldSalt }],
    ["another field's proof does not belong", { ...disclosed(first), proof: leafOf(second).proof }],
    ["a proof cut short does not belong", { ...disclosed(first), proof: disclosed(first).proof.slice(0, -1) }],
    ["a proof for another record's root does not belong", { ...disclosed(first), fieldsRoot: one.root }],
    ["the root in upper case is read as a hash", { ...disclosed(first), fieldsRoot: upper(tree.fieldsRoot) as Hex32 }],
  ];
  return [
    ...cases.map(([name, input]) => accepted(name, input, belongs(input))),
    ...(
      [
        [
          "a salt that is not 32 bytes is refused",
          { ...disclosed(first), fieldSalt: disclosed(first).fieldSalt.slice(0, 64) },
        ],
        ["a proof node that is not a hash is refused", { ...disclosed(first), proof: ["0x1234"] }],
        ["a root that is not a hash is refused", { ...disclosed(first), fieldsRoot: tree.fieldsRoot.slice(2) }],
        ["a value without canonical JSON (a lone surrogate) is refused", { ...disclosed(first), value: "\ud800" }],
        ["a name with a lone surrogate is refused", { ...disclosed(first), name: "\udc00" }],
      ] as [string, DisclosedField][]
    ).map(([name, input]) => refused(name, input, belongs(input))),
  ];
}

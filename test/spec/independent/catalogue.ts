// SPEC.md §6 written again from the document: code keys, credential types and scenarios on chain, grant ids.
import { AbiCoder } from "ethers";
import { contentHash, hex, keccak256 } from "./hashes.ts";

const CODE = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const ZERO = `0x${"00".repeat(32)}`;

export const codeKey = (code: string) => hex(keccak256(code));

type Entry = Record<string, unknown>;

function exactly(entry: unknown, required: string[], optional: string[] = []): Entry {
  if (typeof entry !== "object" || entry === null || Array.isArray(entry)) throw new Error("an entry is an object");
  const e = entry as Entry;
  for (const name of Object.keys(e)) if (![...required, ...optional].includes(name)) throw new Error(`no ${name}`);
  for (const name of required) if (!(name in e)) throw new Error(`${name} is missing`);
  return e;
}

const code = (v: unknown) => {
  if (typeof v !== "string" || !CODE.test(v)) throw new Error("not a catalogue code");
  return v;
};
const positive = (v: unknown) => {
  if (typeof v !== "number" || !Number.isInteger(v) || v < 1) throw new Error("not a positive integer");
  return v;
};

/** The §4.1, step 1 set, trimmed from names (§6.3 to §6.5). */
const SPACE = "[\\t\\n\\v\\f\\r \\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff]";
const AROUND = new RegExp(`^${SPACE}+|${SPACE}+$`, "g");
const trimName = (v: unknown) => {
  if (typeof v !== "string") throw new Error("a name is a string");
  return v.replace(AROUND, "");
};

/** §6.4. */
export function credentialTypeOnChain(entry: unknown) {
  const e = exactly(entry, [
    "code",
    "nameZh",
    "nameEn",
    "version",
    "subjectKind",
    "issuers",
    "defaultValidityDays",
    "schema",
  ]);
  const issuers = e.issuers;
  if (!Array.isArray(issuers) || issuers.length === 0) throw new Error("a type has issuers");
  const days = e.defaultValidityDays === null ? 0 : positive(e.defaultValidityDays);
  return {
    codeKey: codeKey(code(e.code)),
    version: positive(e.version),
    schemaHash: contentHash(e.schema),
    issuers: issuers.map((issuer) => codeKey(code(issuer))),
    defaultValiditySeconds: days * 86_400,
  };
}

const KINDS = [
  "theme",
  "high-frequency-personal",
  "high-frequency-legal-person",
  "tidal",
  "cross-department-joint",
  "film-group",
  "film-category",
  "film-item",
];

/** §6.5. */
export function scenarioOnChain(entry: unknown) {
  const e = exactly(entry, ["code", "kind", "nameZh", "nameEn", "version", "matters"], ["parent"]);
  const kindValue = KINDS.indexOf(e.kind as string);
  if (kindValue < 0) throw new Error("not a kind of §6.5");
  const matters = (e.matters as unknown[]).map((m): Entry => {
    const matter = exactly(
      m,
      ["code", "nameZh", "nameEn", "department", "materials", "fields"],
      ["produces", "commitment"],
    );
    return { ...matter, nameZh: trimName(matter.nameZh), nameEn: trimName(matter.nameEn) };
  });
  const asRead = { ...e, nameZh: trimName(e.nameZh), nameEn: trimName(e.nameEn), matters };
  const unique = (codes: string[]) => [...new Set(codes)].map(codeKey);
  return {
    codeKey: codeKey(code(e.code)),
    kind: e.kind,
    kindValue,
    version: positive(e.version),
    definitionHash: contentHash(asRead),
    requiredTypes: unique(matters.flatMap((m) => m.materials as string[])),
    departments: unique(matters.map((m) => m.department as string)),
    parentKey: e.parent === undefined ? ZERO : codeKey(code(e.parent)),
  };
}

/** §6.6. */
export function grantId(provider: number, consumer: number, credentialType: string, purpose: string | null) {
  const credentialTypeKey = codeKey(credentialType);
  const purposeKey = purpose === null ? ZERO : codeKey(purpose);
  const encoded = AbiCoder.defaultAbiCoder().encode(
    ["uint32", "uint32", "bytes32", "bytes32"],
    [provider, consumer, credentialTypeKey, purposeKey],
  );
  return { credentialTypeKey, purposeKey, grantId: hex(keccak256(Buffer.from(encoded.slice(2), "hex"))) };
}

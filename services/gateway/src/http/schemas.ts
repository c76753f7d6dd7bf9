// Request and response shapes shared by the routes; the OpenAPI document is generated from these.
import { z } from "zod";
import { STATUS_NAMES } from "../../../../lib/records/statusRules.ts";
import { ERROR_CODES, type ErrorCode } from "../errors/codes.ts";
import { RECORD_FORMATS, type RecordFormat } from "../records/canonicalRecord.ts";

/** Lower-cased in place (overwrite, not transform), so that its JSON Schema holds for what answers carry too. */
export const hex32 = z
  .templateLiteral(["0x", z.string().regex(/^[0-9a-fA-F]{64}$/)], { error: "must be 0x followed by 64 hex digits" })
  .overwrite((s) => s.toLowerCase() as `0x${string}`)
  .meta({ description: "A 32-byte hash, 0x-prefixed hex" });

/**
 * A code of the catalogue (a department, credential type or scenario): lowercase kebab-case ASCII. The shape keeps free
 * text out; whether the code is in the catalogue is checked where it is used.
 */
export const catalogueCode = z
  .string()
  .max(64)
  .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, "must be a catalogue code (lowercase letters, digits and single hyphens)")
  .meta({ description: "A code of the catalogue, e.g. open-convenience-store" });

export const subjectSchema = z
  .strictObject({
    idType: z.enum(["resident-id", "unified-social-credit-code", "passport", "foreign-permanent-id"]),
    idNumber: z.string().min(1).max(64),
  })
  .meta({ description: "The subject's identifier; used only to compute its keyed hash, never stored or logged" });

// Bounds come from the on-chain types the values end up in: a value the ABI cannot encode is the request's fault.
const MAX_UNIX_SECONDS = 2 ** 40 - 1;
const MAX_UINT32 = 2 ** 32 - 1;
const MAX_UINT16 = 2 ** 16 - 1;
export const unixSeconds = z
  .int()
  .min(0)
  .max(MAX_UNIX_SECONDS)
  .meta({ description: "Unix seconds, at most 2^40 - 1 (what the registry stores)" });
/** A department or credential-type id: a uint32 on chain, numbered from 1. */
export const uint32Id = z.int().min(1).max(MAX_UINT32).meta({ description: "An on-chain id: 1 to 4,294,967,295" });
const typeVersion = z.int().min(1).max(MAX_UINT16).meta({ description: "A type's version: 1 to 65,535 (uint16)" });

export const canonicalRecordSchema = z
  .strictObject({
    format: z.enum(RECORD_FORMATS).meta({
      description:
        "oncechain-record/2 (what a gateway issues): the hash covers the fields through a tree of salted field leaves; " +
        "oncechain-record/1: the hash covers the whole record",
    }),
    credentialType: z.string().min(1),
    typeVersion,
    typeId: uint32Id,
    issuer: z.string().min(1),
    issuerId: uint32Id,
    subjectRef: hex32,
    fields: z.record(z.string(), z.unknown()),
    issuedAt: z.string(),
    validFrom: unixSeconds,
    validUntil: unixSeconds,
    salt: hex32,
    supersedes: hex32.optional(),
  })
  .meta({
    id: "CanonicalRecord",
    description:
      "A record as its issuer signed it off; its hash is sha256 (RFC 8785) of the record (format 1) or of its envelope, " +
      "the record with the root of its field tree in place of its fields and salt (format 2)",
  });

export const recordEnvelopeSchema = canonicalRecordSchema
  .omit({ fields: true, salt: true })
  .extend({
    format: z.literal("oncechain-record/2"),
    fieldsRoot: hex32.meta({ description: "The root of the record's tree of salted field leaves (SPEC §3.2)" }),
  })
  .meta({
    id: "RecordEnvelope",
    description:
      "A format-2 record without its fields and salt, with the root of its field tree; its hash is the record's",
  });

const disclosedFieldSchema = z
  .strictObject({
    value: z.unknown().meta({ description: "The field's value, as in the record" }),
    salt: hex32.meta({ description: "The field's own salt (SPEC §3.2), not the record's" }),
    proof: z.array(hex32).max(64).meta({ description: "From the field's leaf up to the envelope's fieldsRoot" }),
  })
  .refine((field) => Object.hasOwn(field, "value") && field.value !== undefined, {
    message: "a disclosed field has a value",
    path: ["value"],
  });

export const batchAnchorSchema = z.strictObject({ batchRoot: hex32, proof: z.array(hex32).max(64) });

export const disclosureSchema = z
  .strictObject({
    format: z.literal("oncechain-disclosure/1"),
    recordHash: hex32,
    envelope: recordEnvelopeSchema,
    fields: z.record(z.string(), disclosedFieldSchema),
    anchor: batchAnchorSchema.optional(),
  })
  .meta({
    id: "Disclosure",
    description:
      "Some fields of a format-2 record, each with its salt and proof, beside the record's envelope (SPEC §3.4): " +
      "the fields shown can be proved the record's, and the record anchored, without the fields withheld",
  });

export const anchorStateSchema = z
  .object({
    state: z.enum(["queued", "anchored", "stranded"]).meta({
      description:
        "queued, then anchored; stranded: issued against types no open record registry reads any more (after a " +
        "roll-out of the type registry, the operator closed the record registry it was issued for), so it is " +
        "anchored nowhere and is to be issued again",
    }),
    acceptedAt: z.number(),
    registry: z.string().meta({
      description: "The record registry the record is anchored in (while queued: the one it was issued for)",
    }),
    anchoredAt: z.number().optional(),
    txHash: z.string().optional(),
    blockNumber: z.number().optional(),
    batchRoot: z.string().optional(),
    proof: z.array(z.string()).optional(),
    revokedAt: z.number().optional(),
    revocationReason: z.number().optional(),
    supersededBy: z.string().optional(),
  })
  .meta({ id: "AnchorState" });

/** What the document shows as an issue body: a business licence (an organisation, so no person's data). */
export const ISSUE_EXAMPLE = {
  credentialType: "business-licence",
  subject: { idType: "unified-social-credit-code", idNumber: "91110105000000001Y" },
  fields: {
    name: "北京某某科技有限公司",
    entityType: "有限责任公司",
    legalRepresentative: "李四",
    establishmentDate: "2015-06-01",
    domicile: "北京市怀柔区某路2号",
    businessScope: "技术开发",
    registrationAuthority: "北京市怀柔区市场监督管理局",
    issueDate: "2015-06-01",
  },
};

export const issueBodySchema = z
  .strictObject({
    credentialType: z.string().min(1).max(64),
    subject: subjectSchema,
    fields: z.record(z.string(), z.unknown()).meta({ description: "As the credential type's JSON Schema says" }),
    validFrom: unixSeconds.optional(),
    validUntil: unixSeconds.optional(),
    supersedes: hex32.optional(),
  })
  .meta({ examples: [ISSUE_EXAMPLE] });

export const issuedSchema = z
  .object({ recordHash: z.string(), record: canonicalRecordSchema, anchor: anchorStateSchema })
  .meta({ id: "IssuedRecord" });

export const verifyBodySchema = z
  .strictObject({
    record: canonicalRecordSchema.optional(),
    recordHash: hex32.optional(),
    issuerId: uint32Id.optional(),
    anchor: batchAnchorSchema.optional(),
    disclosure: disclosureSchema.optional().meta({
      description: "Instead of a record: a disclosure of some of its fields (it carries its own hash and anchor)",
    }),
  })
  .refine(
    (b) =>
      b.record !== undefined || b.disclosure !== undefined || (b.recordHash !== undefined && b.issuerId !== undefined),
    {
      message: "present a record, a disclosure, or a recordHash with its issuerId",
      path: ["record"],
    },
  )
  .refine((b) => b.disclosure === undefined || Object.keys(b).length === 1, {
    message: "a disclosure is presented alone: it carries its record hash, issuer and anchor",
    path: ["disclosure"],
  });

export type VerifyBody = z.output<typeof verifyBodySchema>;

// --- the verify body's fast path ------------------------------------------------------------------------------------

const RECORD_KEYS = new Set(Object.keys(canonicalRecordSchema.shape));
const VERIFY_KEYS = new Set(["record", "recordHash", "issuerId", "anchor"]);
const ANCHOR_KEYS = new Set(["batchRoot", "proof"]);

/** A plain object with only `allowed` members (and no __proto__ member, which copying would turn into a prototype). */
const plainWith = (value: unknown, allowed?: Set<string>): value is Record<string, unknown> => {
  if (typeof value !== "object" || value === null || Object.getPrototypeOf(value) !== Object.prototype) return false;
  for (const key in value) if (key === "__proto__" || (allowed && !allowed.has(key))) return false;
  return true;
};
/** The characters hex32 allows after "0x", by char code. */
const HEX_DIGIT = new Uint8Array(128);
for (const c of "0123456789abcdefABCDEF") HEX_DIGIT[c.charCodeAt(0)] = 1;
/** hex32's pattern test, as a loop over a table: a third of the regex's cost on the 13 hashes of a verify body. */
const isHex32 = (value: unknown): value is string => {
  if (typeof value !== "string" || value.length !== 66 || !value.startsWith("0x")) return false;
  for (let i = 2; i < 66; i++) if (HEX_DIGIT[value.charCodeAt(i)] !== 1) return false;
  return true;
};
const isInRange = (value: unknown, max: number): value is number =>
  Number.isSafeInteger(value) && (value as number) > 0 && (value as number) <= max;
const isId = (value: unknown): value is number => isInRange(value, MAX_UINT32);
const isSeconds = (value: unknown) =>
  Number.isSafeInteger(value) && (value as number) >= 0 && (value as number) <= MAX_UNIX_SECONDS;
const lower = (hex: string) => hex.toLowerCase() as `0x${string}`;

/**
 * The verify body when it is certainly valid, exactly as verifyBodySchema would give it (hex lower-cased), or
 * undefined to let the schema decide and explain. Verification is the gateway's hot path: under load the general schema
 * walk costs ~15 µs of a request's ~70 µs, this check ~1 µs. The schema stays the definition (it validates every body
 * this refuses, and the OpenAPI document shows it); test/gateway/fastBody.test.ts holds this check to it on valid
 * bodies and on mutations of every member.
 */
export function verifyBodyFastPath(value: unknown): VerifyBody | undefined {
  if (!plainWith(value, VERIFY_KEYS)) return undefined;
  const body: VerifyBody = {};
  const { record, recordHash, issuerId, anchor } = value;
  if (record !== undefined) {
    if (!plainWith(record, RECORD_KEYS)) return undefined;
    const r = record;
    if (
      !RECORD_FORMATS.includes(r.format as RecordFormat) ||
      typeof r.credentialType !== "string" ||
      r.credentialType.length === 0 ||
      !isInRange(r.typeVersion, MAX_UINT16) ||
      !isId(r.typeId) ||
      typeof r.issuer !== "string" ||
      r.issuer.length === 0 ||
      !isId(r.issuerId) ||
      !isHex32(r.subjectRef) ||
      !plainWith(r.fields) ||
      typeof r.issuedAt !== "string" ||
      !isSeconds(r.validFrom) ||
      !isSeconds(r.validUntil) ||
      !isHex32(r.salt) ||
      (r.supersedes !== undefined && !isHex32(r.supersedes))
    ) {
      return undefined;
    }
    body.record = {
      ...(r as VerifyBody["record"] & object),
      fields: { ...r.fields },
      subjectRef: lower(r.subjectRef),
      salt: lower(r.salt),
      ...(r.supersedes !== undefined ? { supersedes: lower(r.supersedes) } : {}),
    };
  }
  if (recordHash !== undefined) {
    if (!isHex32(recordHash)) return undefined;
    body.recordHash = lower(recordHash);
  }
  if (issuerId !== undefined) {
    if (!isId(issuerId)) return undefined;
    body.issuerId = issuerId;
  }
  if (anchor !== undefined) {
    if (!plainWith(anchor, ANCHOR_KEYS) || !isHex32(anchor.batchRoot) || !Array.isArray(anchor.proof)) return undefined;
    const proof = anchor.proof as unknown[];
    if (proof.length > 64) return undefined;
    const nodes: `0x${string}`[] = [];
    // An indexed loop: every() and map() would pass over the holes of a sparse array.
    for (let i = 0; i < proof.length; i++) {
      const node = proof[i];
      if (!isHex32(node)) return undefined;
      nodes.push(lower(node));
    }
    body.anchor = { batchRoot: lower(anchor.batchRoot), proof: nodes };
  }
  if (body.record === undefined && (body.recordHash === undefined || body.issuerId === undefined)) return undefined;
  return body;
}

export const verdictSchema = z
  .object({
    status: z.enum(STATUS_NAMES),
    recordHash: z.string(),
    evidence: z.record(z.string(), z.unknown()).optional(),
    asOfBlock: z.number(),
    source: z.enum(["index", "chain"]),
    note: z
      .string()
      .optional()
      .meta({ description: "Why an unknown verdict may not be the last word: what was not presented" }),
    disclosed: z
      .array(z.string())
      .optional()
      .meta({ description: "For a disclosure: the fields it shows, each proved a field of the record" }),
  })
  .meta({ id: "Verdict" });

const ERROR_CODE_NAMES = Object.keys(ERROR_CODES) as [ErrorCode, ...ErrorCode[]];

export const problemSchema = z
  .looseObject({
    type: z.string().meta({ description: "A URI naming the kind of problem, one per code" }),
    title: z.string().meta({ description: "The code's title, the same for every occurrence" }),
    status: z.int().meta({ description: "The HTTP status" }),
    code: z.enum(ERROR_CODE_NAMES).meta({ description: "The stable code from the gateway's error catalogue" }),
    detail: z.string().optional().meta({ description: "What was wrong with this request; never personal data" }),
    field: z.string().optional().meta({ description: "The offending request field, e.g. `subject.idNumber`" }),
    instance: z.string().meta({ description: "This request's id (`urn:uuid:…`), also in the gateway's log line" }),
    errors: z
      .array(z.looseObject({ field: z.string(), message: z.string(), keyword: z.string().optional() }))
      .optional()
      .meta({
        description: "Every failing member, where the request broke a schema (VALIDATION_FAILED, SCHEMA_VIOLATION)",
      }),
  })
  .meta({
    id: "Problem",
    description: "RFC 9457 problem details. Members beside these may follow (RFC 9457 extensions).",
  });

export const IDEMPOTENCY_KEY_RULE = "must be 1 to 128 letters, digits, '.', '_', ':' or '-' (a UUID, say)";

/**
 * The Idempotency-Key request header, on the operations that honour it. A key is only looked up, so it is stored as a
 * keyed hash; its shape and length are bounded all the same.
 */
export const idempotencyKeyHeader = z
  .string()
  .regex(/^[A-Za-z0-9._:-]{1,128}$/, IDEMPOTENCY_KEY_RULE)
  .optional()
  .meta({
    description:
      "Makes the request safe to retry: the same key with the same body gets the first answer again " +
      "(with `Idempotent-Replayed: true`), the same key with another body 422 IDEMPOTENCY_KEY_REUSED",
  });

// Request and response shapes shared by the routes; the OpenAPI document is generated from these.
import { z } from "zod";
import { STATUS_NAMES } from "../../../../lib/records/statusRules.ts";

export const hex32 = z
  .string()
  .regex(/^0x[0-9a-fA-F]{64}$/, "must be 0x followed by 64 hex digits")
  .transform((s) => s.toLowerCase() as `0x${string}`)
  .meta({ description: "A 32-byte hash, 0x-prefixed hex" });

export const subjectSchema = z
  .strictObject({
    idType: z.enum(["resident-id", "unified-social-credit-code", "passport", "foreign-permanent-id"]),
    idNumber: z.string().min(1).max(64),
  })
  .meta({ description: "The subject's identifier; used only to compute its keyed hash, never stored or logged" });

const unixSeconds = z
  .int()
  .min(0)
  .max(2 ** 40 - 1);

export const canonicalRecordSchema = z
  .strictObject({
    format: z.literal("oncechain-record/1"),
    credentialType: z.string().min(1),
    typeVersion: z.int().positive(),
    typeId: z.int().positive(),
    issuer: z.string().min(1),
    issuerId: z.int().positive(),
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
    description: "A record as its issuer signed it off; its sha256 (RFC 8785) is its hash",
  });

export const anchorStateSchema = z
  .object({
    state: z.enum(["queued", "anchored"]),
    acceptedAt: z.number(),
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

export const issueBodySchema = z.strictObject({
  credentialType: z.string().min(1).max(64),
  subject: subjectSchema,
  fields: z.record(z.string(), z.unknown()),
  validFrom: unixSeconds.optional(),
  validUntil: unixSeconds.optional(),
  supersedes: hex32.optional(),
});

export const issuedSchema = z
  .object({ recordHash: z.string(), record: canonicalRecordSchema, anchor: anchorStateSchema })
  .meta({ id: "IssuedRecord" });

export const verifyBodySchema = z
  .strictObject({
    record: canonicalRecordSchema.optional(),
    recordHash: hex32.optional(),
    issuerId: z.int().positive().optional(),
    anchor: z.strictObject({ batchRoot: hex32, proof: z.array(hex32).max(64) }).optional(),
  })
  .refine((b) => b.record !== undefined || (b.recordHash !== undefined && b.issuerId !== undefined), {
    message: "present a record, or a recordHash with its issuerId",
    path: ["record"],
  });

export const verdictSchema = z
  .object({
    status: z.enum(STATUS_NAMES),
    recordHash: z.string(),
    evidence: z.record(z.string(), z.unknown()).optional(),
    asOfBlock: z.number(),
    source: z.enum(["index", "chain"]),
  })
  .meta({ id: "Verdict" });

export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number(),
    code: z.string(),
    detail: z.string().optional(),
    field: z.string().optional(),
    instance: z.string().optional(),
  })
  .meta({ id: "Problem", description: "RFC 9457 problem details" });

// What gateways say to each other: the record query a consumer sends and the answer the issuer gives.
import { z } from "zod";
import { canonicalRecordSchema, hex32, uint32Id, unixSeconds } from "../http/schemas.ts";

/** Application ids travel to other departments and into their logs, so only opaque tokens are accepted. */
export const applicationIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/, "must be 1-64 letters, digits, '.', '_', ':' or '-'")
  .meta({ description: "The consumer's application id: an opaque token, never personal data" });

export const federationQuerySchema = z
  .strictObject({
    subjectRef: hex32,
    credentialType: z.string().min(1).max(64),
    purpose: z.string().min(1).max(128).meta({ description: "The scenario code the record is asked for" }),
    applicationId: applicationIdSchema,
  })
  .meta({ id: "FederationQuery" });
export type FederationQuery = z.infer<typeof federationQuerySchema>;

export const federationAnchorSchema = z.object({
  /** The record registry the issuer anchored it in; the consumer finds it on chain itself and does not rely on this. */
  registry: z.string().optional(),
  batchRoot: hex32.optional(),
  proof: z.array(hex32).max(64),
  txHash: z.string().optional(),
  blockNumber: z.number().optional(),
});

/** The public facts the record is anchored with: enough to check a batched record's proof without its content. */
export const federationLeafSchema = z.object({
  recordHash: hex32,
  subjectRef: hex32,
  credentialType: uint32Id,
  validFrom: unixSeconds,
  validUntil: unixSeconds,
});

export const federationAnswerSchema = z
  .discriminatedUnion("found", [
    z.object({
      found: z.literal(true),
      /** false: the consumer holds no grant, so it gets existence evidence (hash, anchor) and no record data. */
      granted: z.boolean(),
      issuer: z.string(),
      issuerId: uint32Id,
      recordHash: hex32,
      leaf: federationLeafSchema,
      anchor: federationAnchorSchema,
      record: canonicalRecordSchema.optional(),
    }),
    z.object({
      found: z.literal(false),
      /** "revoked": the newest record of the type was revoked and no valid one replaced it. */
      reason: z.enum(["not-found", "revoked"]),
    }),
  ])
  .meta({ id: "FederationAnswer" });
export type FederationAnswer = z.infer<typeof federationAnswerSchema>;

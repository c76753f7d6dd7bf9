// What gateways say to each other: the record query a consumer sends and the answer the issuer gives.
import { z } from "zod";
import { catalogueCode, disclosureSchema, hex32, uint32Id, unixSeconds } from "../http/schemas.ts";

/**
 * Digits in a row an application id may hold: fewer than any number that identifies a person has (a resident ID
 * number 18, a phone number 11, a date of birth 8, a postcode 6). A minted id (16 random bytes) has five or more in a
 * row about once in 700 draws, and is drawn again (newApplicationId).
 */
export const APPLICATION_ID_DIGIT_RUN = 4;

/**
 * An application id, as the gateway that opened the application minted it: ids travel to other departments and into
 * their access logs, so no client chooses them. The pattern bounds the shape: 22 base64url characters with no more
 * than APPLICATION_ID_DIGIT_RUN digits in a row, so that no number of a person fits in one. Letters can still spell a
 * name, and an issuer takes the id a peer sends as it comes, trusting the peer to have minted it.
 */
export const applicationIdSchema = z
  .string()
  .regex(
    new RegExp(`^app-(?![A-Za-z0-9_-]*[0-9]{${APPLICATION_ID_DIGIT_RUN + 1}})[A-Za-z0-9_-]{22}$`),
    `must be an application id this gateway gave out (app- and 22 characters, no ${APPLICATION_ID_DIGIT_RUN + 1} digits in a row)`,
  )
  .meta({
    description:
      "An application id minted by the gateway that opened the application: app- and 22 base64url characters " +
      `(16 random bytes) with no ${APPLICATION_ID_DIGIT_RUN + 1} digits in a row, so that no ID number, phone number ` +
      "or date fits in one. The pattern bounds the shape, not the content: letters can still spell a name, and an " +
      "issuer trusts the peer gateway that sends one to have minted it, so it does not make personal data impossible",
  });

/**
 * The headers that authenticate a gateway-to-gateway request (RFC 9421 and RFC 9530), as the API description declares
 * them; their form is checked before the body is read (peerSignature.ts).
 */
export const federationHeadersSchema = z.object({
  "signature-input": z.string().meta({
    description:
      'The one signature\'s parameters, label peer: ("@method" "@target-uri" "content-digest" "content-type");' +
      'created=<Unix s>;expires=<at most created + 60>;nonce="<16 bytes, hex>";keyid="<department code>";' +
      'tag="oncechain-peer/1". Accepted within 60 s of the issuer\'s clock; each nonce once, even across restarts',
    example:
      'peer=("@method" "@target-uri" "content-digest" "content-type");created=1767225600;expires=1767225660;' +
      'nonce="00112233445566778899aabbccddeeff";keyid="market-regulation";tag="oncechain-peer/1"',
  }),
  signature: z.string().meta({
    description:
      "peer=:<base64 of the 65-byte EIP-191 signature of the RFC 9421 signature base by one of the department's " +
      "signer keys on chain>:",
  }),
  "content-digest": z.string().meta({
    description: "RFC 9530: sha-256=:<base64 of the SHA-256 of the body bytes as sent>:",
    example: "sha-256=:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=:",
  }),
});

export const federationQuerySchema = z
  .strictObject({
    subjectRef: hex32,
    credentialType: catalogueCode,
    purpose: catalogueCode.meta({ description: "The scenario code the record is asked for, from the catalogue" }),
    applicationId: applicationIdSchema,
    evidenceOnly: z
      .literal(true)
      .optional()
      .meta({
        description:
          "Only proof that the record exists is wanted (a commitment's check): the issuer answers without the record " +
          "even where a grant would share it",
      }),
    fields: z
      .array(z.string().min(1).max(64))
      .max(64)
      .optional()
      .meta({
        description:
          "The fields of the record wanted, each among those the consumer's matters in the purpose scenario name for " +
          "the type (SPEC §6.5); without it, all of those. The issuer discloses these and withholds the rest",
      }),
  })
  .meta({ id: "FederationQuery" });
export type FederationQuery = z.infer<typeof federationQuerySchema>;

/** What a department asks another for a citizen's view: its access-log entries about the subject, with proofs. */
export const accessLogQuerySchema = z.strictObject({ subjectRef: hex32 }).meta({ id: "AccessLogQuery" });
export type AccessLogQuery = z.infer<typeof accessLogQuerySchema>;

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
      /** Where shared: the granted fields of the record, each with its salt and proof (SPEC §3.4); never the rest. */
      disclosure: disclosureSchema.optional(),
    }),
    z.object({
      found: z.literal(false),
      /** "revoked": the newest record of the type was revoked and no valid one replaced it. */
      reason: z.enum(["not-found", "revoked"]),
    }),
  ])
  .meta({ id: "FederationAnswer" });
export type FederationAnswer = z.infer<typeof federationAnswerSchema>;

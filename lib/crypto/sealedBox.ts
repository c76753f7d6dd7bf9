// Encryption at rest for records a department gateway holds: AES-256-GCM in a small versioned envelope.
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { secretKey } from "./secretKeys.ts";

/** Layout: version (1) | IV (12) | ciphertext | tag (16). The version lets a later algorithm sit beside this one. */
const VERSION = 1;
const KEY_BYTES = 32;
/** 96-bit random IVs: GCM's native size, safe for up to 2^32 seals under one key (NIST SP 800-38D). */
const IV_BYTES = 12;
const TAG_BYTES = 16;
const HEADER_BYTES = 1 + IV_BYTES;

export type SealedBoxErrorCode =
  | "SEALED_BOX_INVALID_KEY"
  | "SEALED_BOX_TOO_SHORT"
  | "SEALED_BOX_UNKNOWN_VERSION"
  | "SEALED_BOX_NOT_AUTHENTIC";

const MESSAGES: Record<SealedBoxErrorCode, string> = {
  SEALED_BOX_INVALID_KEY: `the key must be ${KEY_BYTES} bytes`,
  SEALED_BOX_TOO_SHORT: `a sealed box is at least ${HEADER_BYTES + TAG_BYTES} bytes`,
  SEALED_BOX_UNKNOWN_VERSION: "the sealed box has an unknown version",
  SEALED_BOX_NOT_AUTHENTIC: "the sealed box does not verify under this key and associated data",
};

/** Why a box could not be sealed or opened. The message is fixed per code and never carries box contents. */
export class SealedBoxError extends Error {
  override readonly name = "SealedBoxError";
  readonly code: SealedBoxErrorCode;

  constructor(code: SealedBoxErrorCode, options?: { cause?: unknown }) {
    super(MESSAGES[code], options);
    this.code = code;
  }
}

/**
 * Encrypts `plaintext` under `key`, authenticating `associatedData` with it. Bind the box to where it is stored
 * (department, record hash) through the associated data, so that a box copied to another record will not open.
 */
export function seal(key: Uint8Array, plaintext: Uint8Array, associatedData: Uint8Array): Uint8Array {
  checkKey(key);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", secretKey(key), iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(associatedData);
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return new Uint8Array(Buffer.concat([Uint8Array.of(VERSION), iv, ciphertext, cipher.getAuthTag()]));
}

/** The plaintext of a box made by `seal` with the same key and associated data; throws SealedBoxError otherwise. */
export function open(key: Uint8Array, sealed: Uint8Array, associatedData: Uint8Array): Uint8Array {
  checkKey(key);
  if (sealed.length < HEADER_BYTES + TAG_BYTES) throw new SealedBoxError("SEALED_BOX_TOO_SHORT");
  if (sealed[0] !== VERSION) throw new SealedBoxError("SEALED_BOX_UNKNOWN_VERSION");
  const iv = sealed.subarray(1, HEADER_BYTES);
  const ciphertext = sealed.subarray(HEADER_BYTES, sealed.length - TAG_BYTES);
  const decipher = createDecipheriv("aes-256-gcm", secretKey(key), iv, { authTagLength: TAG_BYTES });
  decipher.setAAD(associatedData);
  decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
  try {
    return new Uint8Array(Buffer.concat([decipher.update(ciphertext), decipher.final()]));
  } catch (cause) {
    throw new SealedBoxError("SEALED_BOX_NOT_AUTHENTIC", { cause });
  }
}

function checkKey(key: Uint8Array): void {
  if (key.length !== KEY_BYTES) throw new SealedBoxError("SEALED_BOX_INVALID_KEY");
}
